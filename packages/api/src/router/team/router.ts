import { outputOf, ZPageOf, ZTeamQuotas, ZTeamRow, ZUpdatedQuotas } from "../../rest/outputs.ts";
import { getTeamOrThrow, listTeams, updateTeamQuotas } from "../../services/teams.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZListTeamsInput } from "./list-teams.schema.ts";
import { ZTeamId, ZTeamQuotasInput } from "./team.schema.ts";

export const teamRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/teams",
        tags: ["Teams"],
        summary: "List teams",
        description: "Teams with members and quota use.",
      },
    })
    .output(outputOf<typeof listTeams>(ZPageOf(ZTeamRow)))
    .input(ZListTeamsInput)
    .query(({ ctx, input }) => listTeams(ctx.prisma, input)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/teams/{id}",
        tags: ["Teams"],
        summary: "Get a team",
        description: "The team with members, quotas and their use.",
      },
    })
    .output(outputOf<typeof getTeamOrThrow>(ZTeamRow))
    .input(ZTeamId)
    .query(({ ctx, input }) => getTeamOrThrow(ctx.prisma, input.id)),
  quotas: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/teams/{id}/quotas",
        tags: ["Teams"],
        summary: "Get a team's GPU quotas",
        description:
          "Guaranteed and limit GPUs per model (* is every model together) with the GPUs the team holds now.",
      },
    })
    .input(ZTeamId)
    .output(ZTeamQuotas)
    .query(async ({ ctx, input }) => {
      const team = await getTeamOrThrow(ctx.prisma, input.id);
      return { teamId: team.id, quotas: team.quotas };
    }),
  updateQuotas: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/teams/{teamId}/quotas",
        tags: ["Teams"],
        summary: "Set a team's quotas",
        description:
          "Replaces the team's GPU quotas (a model left out loses its quota). If-Match takes the team's ETag: a team changed since you read it is refused with 412.",
      },
    })
    .output(outputOf<typeof updateTeamQuotas>(ZUpdatedQuotas))
    .input(ZTeamQuotasInput)
    .mutation(({ ctx, input }) => updateTeamQuotas(ctx, input)),
});
