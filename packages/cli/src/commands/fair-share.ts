/** `switchyard queue` and `switchyard fair-share classes`: the fair order, and the unit shares count in. */
import type { Command } from "commander";
import { unwrap } from "../client.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { field, renderTable, type TRow } from "../output.ts";
import { example, type TCommandContext } from "./context.ts";

type TQueue = { total: number; rows: TRow[]; teams: TRow[] };
type TClasses = {
  inEffect: boolean;
  classes: { gpuModel: string; units: number }[];
  models: TRow[];
  reference: string | null;
};

const pct = (v: unknown) => (typeof v === "number" ? `${(v * 100).toFixed(1)}%` : "");

function explainQueue(q: TQueue): string {
  if (q.rows.length === 0) return q.total === 0 ? "Nothing is queued" : `${q.total} queued, none you may see`;
  return [
    renderTable(q.rows, [
      field("#", "position"),
      field("workload", "name"),
      field("team", "teamName"),
      field("gpus", "gpus"),
      field("model", "gpuModel"),
      field("waits for", "waitingFor"),
      field("why", "why"),
      { header: "expected start", value: (r) => r.expectedStartAt ?? r.expectedStartNote },
    ]),
    "",
    renderTable(q.teams, [
      field("team", "teamId"),
      field("weight", "weight"),
      { header: "share", value: (t) => pct(t.dominantShare) },
      { header: "entitled", value: (t) => pct(t.entitledShare) },
      field("guaranteed", "guaranteedGpus"),
      field("used", "usedGpus"),
      field("borrowed", "borrowedGpus"),
      field("pending", "pendingGpus"),
      field("queued", "queued"),
    ]),
  ].join("\n");
}

function explainClasses(c: TClasses): string {
  const units = new Map(c.classes.map((x) => [x.gpuModel, x.units]));
  const head = c.inEffect
    ? "Shares count every GPU model in class units (a model not listed counts 1)."
    : "No GPU classes: shares are counted per GPU model (DRF).";
  return [
    head,
    "",
    renderTable(c.models, [
      field("model", "gpuModel"),
      field("gpus", "gpus"),
      field("median $/gpu-h", "medianUsdPerGpuHour"),
      { header: "units", value: (m) => (c.inEffect ? (units.get(m.gpuModel as string) ?? 1) : "-") },
      { header: `by price (${c.reference ?? "-"} = 1)`, value: (m) => m.suggestedUnits },
    ]),
  ].join("\n");
}

/** `H100=1` → { gpuModel: "H100", units: 1 }; anything else is a usage error naming the form. */
export function parseClass(text: string): { gpuModel: string; units: number } {
  const match = /^([^=\s]+)=([0-9]*\.?[0-9]+)$/.exec(text.trim());
  const units = Number(match?.[2]);
  if (!match || !Number.isFinite(units))
    throw new CliError(`${text}: write MODEL=UNITS, e.g. H100=1 or L4=0.25`, EXIT.USAGE);
  return { gpuModel: match[1] as string, units };
}

export function registerFairShare(ctx: TCommandContext): void {
  const { api, emit, action, program } = ctx;

  example(
    program
      .command("queue")
      .description(
        "Queued work in fair order: position, what each waits for and an expected start; each team's share",
      )
      .option("--team <teamId>", "only this team's work")
      .action(
        action(async (options: { team?: string }, command: Command) => {
          const query = options.team ? { teamId: options.team } : {};
          const data = (await unwrap(
            api().GET("/queue", { params: { query: query as never } }),
          )) as unknown as TQueue;
          emit(command, data, () => explainQueue(data));
          return EXIT.OK;
        }),
      ),
    "switchyard queue --team team-applied-ml",
  );

  const fairShare = program.command("fair-share").description("Fair sharing: GPU classes");
  const classes = fairShare
    .command("classes")
    .description("GPU classes: the unit teams' shares count in across GPU models");
  example(
    classes
      .command("show", { isDefault: true })
      .description("The classes in force and every GPU model of the estate, with a suggestion by price")
      .action(
        action(async (_options: unknown, command: Command) => {
          const data = (await unwrap(api().GET("/fair-share/gpu-classes"))) as unknown as TClasses;
          emit(command, data, () => explainClasses(data));
          return EXIT.OK;
        }),
      ),
    "switchyard fair-share classes",
  );
  example(
    classes
      .command("set")
      .description("Replace every class (admins and platform engineers); --off turns classes off")
      .argument("[classes...]", "MODEL=UNITS, e.g. H100=1 L4=0.25")
      .option("--off", "no classes: shares per GPU model again")
      .action(
        action(async (args: string[], options: { off?: boolean }, command: Command) => {
          if (options.off === args.length > 0)
            throw new CliError(
              "fair-share classes set: give MODEL=UNITS pairs or --off (one of the two)",
              EXIT.USAGE,
            );
          const body = { classes: options.off ? [] : args.map(parseClass) };
          const data = (await unwrap(api().PUT("/fair-share/gpu-classes", { body }))) as unknown as TClasses;
          emit(command, data, () => explainClasses(data));
          return EXIT.OK;
        }),
      ),
    "switchyard fair-share classes set H100=1 A100-80GB=0.6 L4=0.25",
  );
}
