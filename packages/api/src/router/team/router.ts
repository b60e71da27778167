import {
  outputOf,
  ZPageOf,
  ZTeamBudget,
  ZTeamQuotas,
  ZTeamRow,
  ZTeamSpend,
  ZUpdatedBudget,
  ZUpdatedQuotas,
} from "../../rest/outputs.ts";
import { teamBudgetStatus } from "../../services/team-budget.ts";
import { teamSpend } from "../../services/team-spend.ts";
import { getTeamOrThrow, listTeams, setTeamBudget, updateTeamQuotas } from "../../services/teams.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZListTeamsInput } from "./list-teams.schema.ts";
import { ZTeamBudgetInput, ZTeamId, ZTeamQuotasInput, ZTeamSpendInput } from "./team.schema.ts";

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
  spend: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/teams/{id}/spend",
        tags: ["Teams"],
        summary: "Get a team's spend (showback)",
        description:
          "Spend for the UTC days from..to (both included, at most 366): by day, by month, by site and GPU model. Spend = allocated GPU-hours × the site's price for the node's GPU model (on-prem: the amortised cost per GPU-hour) + egress of completed dataset copies. GPU-hours without a price count $0 and are reported as unpriced.",
      },
    })
    .input(ZTeamSpendInput)
    .output(outputOf<typeof teamSpend>(ZTeamSpend))
    .query(({ ctx, input }) =>
      teamSpend(ctx.prisma, { teamId: input.id, from: input.from, to: input.to }, new Date()),
    ),
  budget: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/teams/{id}/budget",
        tags: ["Teams"],
        summary: "Get a team's budget and this month's spend",
        description:
          "The monthly budget (SOFT or HARD), month-to-date spend, and the month's forecast (linear from month-to-date).",
      },
    })
    .input(ZTeamId)
    .output(outputOf<typeof teamBudgetStatus>(ZTeamBudget))
    .query(({ ctx, input }) => teamBudgetStatus(ctx.prisma, input.id, new Date())),
  setBudget: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/teams/{teamId}/budget",
        tags: ["Teams"],
        summary: "Set a team's monthly budget",
        description:
          "monthlyUsd (null removes the budget) and mode: SOFT warns and, under a BUDGET_EXCEEDED policy rule, asks for approval; HARD makes the engine refuse placements that would go over. If-Match takes the team's ETag.",
      },
    })
    .input(ZTeamBudgetInput)
    .output(outputOf<typeof setTeamBudget>(ZUpdatedBudget))
    .mutation(({ ctx, input }) => setTeamBudget(ctx, input)),
});
