import {
  createAgentToken,
  createApiToken,
  createServiceAccount,
  listApiTokens,
  listServiceAccounts,
  revokeApiToken,
  setServiceAccountDisabled,
} from "../../services/api-tokens.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import {
  ZCreateAgentTokenInput,
  ZCreateServiceAccountInput,
  ZCreateTokenInput,
  ZListTokensInput,
  ZSetServiceAccountDisabledInput,
  ZTokenId,
} from "./token.schema.ts";

const adminProcedure = roleProcedure("ADMIN");

/** API tokens (Settings → API tokens) and the service accounts admins make for automation. */
export const tokenRouter = createTRPCRouter({
  list: protectedProcedure
    .input(ZListTokensInput)
    .query(({ ctx, input }) => listApiTokens(ctx.prisma, ctx.user, input)),
  create: protectedProcedure
    .input(ZCreateTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx, input)),
  createAgent: roleProcedure("ADMIN", "PLATFORM_ENGINEER")
    .input(ZCreateAgentTokenInput)
    .mutation(({ ctx, input }) => createAgentToken(ctx, input)),
  revoke: protectedProcedure.input(ZTokenId).mutation(({ ctx, input }) => revokeApiToken(ctx, input.id)),
  serviceAccounts: adminProcedure.query(({ ctx }) => listServiceAccounts(ctx.prisma)),
  createServiceAccount: adminProcedure
    .input(ZCreateServiceAccountInput)
    .mutation(({ ctx, input }) => createServiceAccount(ctx, input)),
  setServiceAccountDisabled: adminProcedure
    .input(ZSetServiceAccountDisabledInput)
    .mutation(({ ctx, input }) => setServiceAccountDisabled(ctx, input)),
});
