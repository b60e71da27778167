import { ZScenarioChanges } from "@switchyard/placement/scenario-schema";
import { z } from "zod";
import { zId, zText } from "../../lib/input.ts";

/** The changes of a scenario, as the engine validates them (see @switchyard/placement's scenario schema). */
export const ZChanges = ZScenarioChanges;

export const ZScenarioId = z.object({ id: zId("Scenario id", "Say which scenario") });

export const ZSaveScenarioInput = z.object({
  /** Absent: a new scenario; present: replaces that scenario's name, description, changes and team. */
  id: zId("Scenario id").optional(),
  name: zText({ max: 80, min: 1, minMessage: "Give the scenario a name", what: "The name" }),
  description: zText({ max: 2_000, what: "The description" }).default(""),
  changes: ZChanges,
  /** Who sees it besides the estate's operators: one team; absent or null: everyone signed in. */
  teamId: zId("Team id").nullish(),
});
export type TSaveScenarioInput = z.output<typeof ZSaveScenarioInput>;

export const ZPreviewScenarioInput = z.object({ changes: ZChanges });

export const ZPlanDrainInput = z.object({
  id: zId("Scenario id", "Say which scenario"),
  confirm: z.literal(true, { error: "Confirm the drain: it changes the estate (confirm: true)" }),
});
