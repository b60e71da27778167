import { countInbox, getApproval, listApprovals } from "../../governance/approval-queries.ts";
import { decideApproval } from "../../governance/approvals.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import { ZApprovalId, ZDecideInput, ZListApprovalsInput } from "./approval.schema.ts";

/**
 * Approval requests are created by placement (see workloads/schedule.ts), never here. Every
 * signed-in user may read the requests of workloads they can see; who may decide a step is
 * the step's business (its approvers, never the requester), checked in decideApproval.
 */
export const approvalRouter = createTRPCRouter({
  list: protectedProcedure
    .input(ZListApprovalsInput)
    .query(({ ctx, input }) => listApprovals(ctx.prisma, ctx.user, input)),
  inboxCount: protectedProcedure.query(({ ctx }) => countInbox(ctx.prisma, ctx.user)),
  byId: protectedProcedure
    .input(ZApprovalId)
    .query(({ ctx, input }) => getApproval(ctx.prisma, ctx.user, input.id)),
  decide: roleProcedure("ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "ML_ENGINEER")
    .meta({ scope: "approve" })
    .input(ZDecideInput)
    .mutation(({ ctx, input }) => decideApproval(ctx, input)),
});
