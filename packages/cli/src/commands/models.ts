/** `switchyard models list|show`: model artifacts, where they came from and the rules they carry. */
import { field, type TColumn } from "../output.ts";
import { getCommand, listCommand, type TCommandContext } from "./context.ts";

const MODEL_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("name", "name"),
  field("version", "version"),
  field("classification", "classification"),
  field("regulations", "regulations"),
  field("residency", "residencyJurisdictions"),
  field("site", "producedAt.name"),
  field("run", "producedBy.name"),
  {
    header: "trained on",
    value: (r) => (r.trainedOn as { name: string }[] | undefined)?.map((s) => s.name).join(", "),
  },
  field("declassified", "declassified"),
];

export function registerModels(ctx: TCommandContext): void {
  const models = ctx.program
    .command("models")
    .description("Model artifacts: the runs and data they came from, the rules they inherited");
  listCommand(
    ctx,
    models,
    { path: "/models", columns: MODEL_COLUMNS },
    [
      {
        flag: "--classification <level>",
        query: "classification",
        description: "PUBLIC, INTERNAL, CONFIDENTIAL or REGULATED",
      },
      { flag: "--owner <teamId>", query: "ownerTeamId", description: "only this team's models" },
      {
        flag: "--trained-on <datasetId>",
        query: "trainedOnId",
        description: "models trained on this dataset (or fine-tuned from this model)",
      },
    ],
    "switchyard models list --trained-on dataset-factory-defects-eu",
  );
  getCommand(ctx, models, "/models/{id}", "switchyard models show dataset-defect-detector-v1", "show");
}
