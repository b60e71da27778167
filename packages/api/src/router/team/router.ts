import { getTeamOrThrow, listTeams, updateTeamQuotas } from "../../services/teams.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZListTeamsInput } from "./list-teams.schema.ts";
import { ZTeamId, ZTeamQuotasInput } from "./team.schema.ts";

export const teamRouter = createTRPCRouter({
  list: protectedProcedure.input(ZListTeamsInput).query(({ ctx, input }) => listTeams(ctx.prisma, input)),
  byId: protectedProcedure.input(ZTeamId).query(({ ctx, input }) => getTeamOrThrow(ctx.prisma, input.id)),
  updateQuotas: estateEditorProcedure
    .input(ZTeamQuotasInput)
    .mutation(({ ctx, input }) => updateTeamQuotas(ctx, input)),
});
