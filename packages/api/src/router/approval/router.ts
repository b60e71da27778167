import { APPROVER_ROLES } from "../../auth/rules.ts";
import { countInbox, getApproval, listApprovals } from "../../governance/approval-queries.ts";
import { decideApproval } from "../../governance/approvals.ts";
import { outputOf, ZApprovalDetail, ZApprovalRow, ZDecideResult, ZPageOf } from "../../rest/outputs.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import { ZApprovalId, ZDecideInput, ZListApprovalsInput } from "./approval.schema.ts";

/**
 * Approval requests are created by placement (see workloads/schedule.ts), never here. Every
 * signed-in user may read the requests of workloads they can see; who may decide a step is
 * the step's business (its approvers, never the requester), checked in decideApproval.
 */
export const approvalRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/approvals",
        tags: ["Approvals"],
        summary: "List approval requests",
        description: "view=inbox (waiting for you), open, decided or mine.",
      },
    })
    .output(outputOf<typeof listApprovals>(ZPageOf(ZApprovalRow)))
    .input(ZListApprovalsInput)
    .query(({ ctx, input }) => listApprovals(ctx.prisma, ctx.user, input)),
  inboxCount: protectedProcedure.query(({ ctx }) => countInbox(ctx.prisma, ctx.user)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/approvals/{id}",
        tags: ["Approvals"],
        summary: "Get an approval request",
        description: "The request with its steps, rules (with version) and decisions.",
      },
    })
    .output(outputOf<typeof getApproval>(ZApprovalDetail))
    .input(ZApprovalId)
    .query(({ ctx, input }) => getApproval(ctx.prisma, ctx.user, input.id)),
  decide: roleProcedure(...APPROVER_ROLES)
    .meta({
      openapi: {
        method: "POST",
        path: "/approvals/{id}/decision",
        tags: ["Approvals"],
        summary: "Approve or reject",
        description:
          "Decides the current step as you. Rejecting needs a comment. Tokens need the approve scope.",
      },
    })
    .output(outputOf<typeof decideApproval>(ZDecideResult))
    .meta({ scope: "approve" })
    .input(ZDecideInput)
    .mutation(({ ctx, input }) => decideApproval(ctx, input)),
});
