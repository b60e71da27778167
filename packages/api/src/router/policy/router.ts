import { createPolicy, getPolicyHistory, listPolicies, updatePolicy } from "../../governance/policies.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import { ZCreatePolicyInput, ZPolicyKey, ZUpdatePolicyInput } from "./policy.schema.ts";

const policyEditorProcedure = roleProcedure("ADMIN");

export const policyRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => listPolicies(ctx.prisma)),
  history: protectedProcedure
    .input(ZPolicyKey)
    .query(({ ctx, input }) => getPolicyHistory(ctx.prisma, input.key)),
  create: policyEditorProcedure
    .input(ZCreatePolicyInput)
    .mutation(({ ctx, input }) => createPolicy(ctx, input)),
  update: policyEditorProcedure
    .input(ZUpdatePolicyInput)
    .mutation(({ ctx, input }) => updatePolicy(ctx, input)),
});
