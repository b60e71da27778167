import { ESTATE_EDITOR_ROLES } from "../../auth/rules.ts";
import { outputOf, ZCreatedToken, ZPageOf, ZTokenView } from "../../rest/outputs.ts";
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
    .meta({
      openapi: {
        method: "GET",
        path: "/tokens",
        tags: ["Tokens"],
        summary: "List API tokens",
        description: "Your tokens (owner=all: every token, admins), newest first. Never the secrets.",
      },
    })
    .output(outputOf<typeof listApiTokens>(ZPageOf(ZTokenView)))
    .input(ZListTokensInput)
    .query(({ ctx, input }) => listApiTokens(ctx.prisma, ctx.user, input)),
  create: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/tokens",
        tags: ["Tokens"],
        summary: "Create an API token",
        description:
          "From a signed-in session only (not with another token). The secret is in the answer, once.",
      },
    })
    .output(outputOf<typeof createApiToken>(ZCreatedToken))
    .input(ZCreateTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx, input)),
  createAgent: roleProcedure(...ESTATE_EDITOR_ROLES)
    .input(ZCreateAgentTokenInput)
    .mutation(({ ctx, input }) => createAgentToken(ctx, input)),
  revoke: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/tokens/{id}",
        tags: ["Tokens"],
        summary: "Revoke an API token",
        description: "Stops the token at once.",
      },
    })
    .output(outputOf<typeof revokeApiToken>(ZTokenView))
    .input(ZTokenId)
    .mutation(({ ctx, input }) => revokeApiToken(ctx, input.id)),
  serviceAccounts: adminProcedure.query(({ ctx }) => listServiceAccounts(ctx.prisma)),
  createServiceAccount: adminProcedure
    .input(ZCreateServiceAccountInput)
    .mutation(({ ctx, input }) => createServiceAccount(ctx, input)),
  setServiceAccountDisabled: adminProcedure
    .input(ZSetServiceAccountDisabledInput)
    .mutation(({ ctx, input }) => setServiceAccountDisabled(ctx, input)),
});
