import { ADMIN_ROLES } from "../../auth/rules.ts";
import { createPolicy, getPolicyHistory, listPolicies, updatePolicy } from "../../governance/policies.ts";
import { ZPagingInput } from "../../lib/pagination.ts";
import { outputOf, ZPageOf, ZPolicyHistory, ZPolicyRow } from "../../rest/outputs.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import { ZCreatePolicyInput, ZPolicyKey, ZUpdatePolicyInput } from "./policy.schema.ts";

const policyEditorProcedure = roleProcedure(...ADMIN_ROLES);
const tags = ["Policies"];

export const policyRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/policies",
        tags,
        summary: "List approval policies",
        description:
          "Every rule in force (its newest version), in step order: what it is about, who approves, how many approvals, and how many steps still wait under an older version.",
      },
    })
    .input(ZPagingInput.optional())
    .output(outputOf<typeof listPolicies>(ZPageOf(ZPolicyRow)))
    .query(({ ctx, input }) => listPolicies(ctx.prisma, input)),
  history: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/policies/{key}",
        tags,
        summary: "Get a policy with its history",
        description:
          "Every version of one rule, newest first, each with what changed since the version before.",
      },
    })
    .input(ZPolicyKey)
    .output(outputOf<typeof getPolicyHistory>(ZPolicyHistory))
    .query(({ ctx, input }) => getPolicyHistory(ctx.prisma, input.key)),
  create: policyEditorProcedure
    .input(ZCreatePolicyInput)
    .mutation(({ ctx, input }) => createPolicy(ctx, input)),
  update: policyEditorProcedure
    .input(ZUpdatePolicyInput)
    .mutation(({ ctx, input }) => updatePolicy(ctx, input)),
});
