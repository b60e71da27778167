import { z } from "zod";
import { ZNoInput } from "../../lib/input.ts";
import { outputOf, ZScenario, ZScenarioDrain, ZScenarioReplay, ZScenarioRun } from "../../rest/outputs.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import {
  getScenarioOrThrow,
  listScenarios,
  planDrain,
  previewScenario,
  removeScenario,
  runScenario,
  saveScenario,
} from "../../whatif/service.ts";
import { ZPlanDrainInput, ZPreviewScenarioInput, ZSaveScenarioInput, ZScenarioId } from "./what-if.schema.ts";

const tags = ["What-if"];
const REPLAY =
  "Running and pending work is placed again by the batch engine twice, on the estate as it is and with the changes; the answer lists the workloads that would move or no longer fit (with the engine's reasons), cost and latency per team, and the engine's proven bound on each replay. Each active inference service is placed twice too, by the covering mode (demand and SLO changes applied): the regions that lose their SLO with the engine's reason, the replicas that move between sites and the cost per hour. Nothing in the estate changes. Work and services of teams you are not in are left out.";

/** Saved what-if scenarios: changes to the estate replayed by the batch engine, and planned drains. */
export const whatIfRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/what-if",
        tags,
        summary: "List what-if scenarios",
        description: "Scenarios shared with everyone or with one of your teams, newest first.",
      },
    })
    .input(ZNoInput)
    .output(outputOf<typeof listScenarios>(z.array(ZScenario)))
    .query(({ ctx }) => listScenarios(ctx)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/what-if/{id}",
        tags,
        summary: "Get a what-if scenario",
        description: "The scenario's changes, without running it.",
      },
    })
    .input(ZScenarioId)
    .output(outputOf<typeof getScenarioOrThrow>(ZScenario))
    .query(({ ctx, input }) => getScenarioOrThrow(ctx, input.id)),
  run: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/what-if/{id}/run",
        tags,
        summary: "Run a saved what-if scenario on the current estate",
        description: REPLAY,
      },
    })
    .input(ZScenarioId)
    .output(outputOf<typeof runScenario>(ZScenarioRun))
    .mutation(({ ctx, input }) => runScenario(ctx, input.id)),
  preview: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/what-if/preview",
        tags,
        summary: "Run what-if changes without saving them",
        description: REPLAY,
      },
    })
    .input(ZPreviewScenarioInput)
    .output(outputOf<typeof previewScenario>(ZScenarioReplay))
    .mutation(({ ctx, input }) => previewScenario(ctx, input.changes)),
  save: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/what-if",
        tags,
        summary: "Save a what-if scenario",
        description:
          "Creates a scenario, or with `id` replaces one. The changes are checked against the current estate first: a change naming a missing site or matching no node is refused with the change and field named.",
      },
    })
    .input(ZSaveScenarioInput)
    .output(outputOf<typeof saveScenario>(ZScenario))
    .mutation(({ ctx, input }) => saveScenario(ctx, input)),
  remove: estateEditorProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/what-if/{id}",
        tags,
        summary: "Delete a what-if scenario",
        description: "The estate is not touched.",
      },
    })
    .input(ZScenarioId)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => removeScenario(ctx, input.id)),
  planDrain: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/what-if/{id}/drain",
        tags,
        summary: "Turn a scenario into a planned drain",
        description:
          "Puts the nodes the scenario drains or loses (resolved on the current estate) into DRAINING through the node service: all or nothing, audited. Needs `confirm: true`. Nodes the scenario adds are not real and are left out.",
      },
    })
    .input(ZPlanDrainInput)
    .output(outputOf<typeof planDrain>(ZScenarioDrain))
    .mutation(({ ctx, input }) => planDrain(ctx, input.id)),
});
