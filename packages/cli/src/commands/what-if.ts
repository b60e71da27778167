/** `switchyard what-if list|show|run`: saved scenarios, replayed by the batch engine (nothing changes). */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse } from "yaml";
import { unwrap } from "../client.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { field, pick, renderDetails, renderTable, type TRow } from "../output.ts";
import { example, type TCommandContext } from "./context.ts";

type TReplay = {
  workloads: TRow[];
  teams: TRow[];
  totals: {
    workloads: number;
    beforeUsd: number;
    afterUsd: number;
    deltaUsd: number;
    moved: number;
    unplaceable: number;
    placed: number;
  };
  bound: { baseline: { summary: string }; scenario: { summary: string } };
  services?: TRow[];
  complete: boolean;
};

const usd = (v: unknown) => (typeof v === "number" ? `${v < 0 ? "-" : ""}$${Math.abs(v).toFixed(2)}` : "");

/** The replay in words and two tables: what moves or no longer fits, and cost and latency per team. */
function explainReplay(r: TReplay): string {
  const t = r.totals;
  const lines = [
    `${t.workloads} workloads replayed: ${t.moved} move, ${t.unplaceable} no longer fit, ${t.placed} fit only after the change.`,
    `Cost ${usd(t.beforeUsd)} -> ${usd(t.afterUsd)} (${t.deltaUsd >= 0 ? "+" : ""}${usd(t.deltaUsd)})${r.complete ? "" : " for the teams you see"}.`,
    `Bound: ${r.bound.scenario.summary} (as is: ${r.bound.baseline.summary}).`,
  ];
  if (r.workloads.length)
    lines.push(
      "",
      renderTable(r.workloads, [
        field("workload", "name"),
        field("team", "teamName"),
        field("change", "change"),
        field("from", "before.siteName"),
        field("to", "after.siteName"),
        { header: "cost delta", value: (w) => usd(w.costDeltaUsd) },
        field("why", "reason"),
      ]),
    );
  const services = r.services ?? [];
  if (services.length)
    lines.push(
      "",
      renderTable(services, [
        field("service", "name"),
        field("team", "teamName"),
        {
          header: "regions losing SLO",
          value: (s) =>
            ((s.lostRegions ?? []) as { region: string; reason: string | null }[])
              .map((l) => `${l.region}${l.reason ? ` (${l.reason})` : ""}`)
              .join("; ") || "none",
        },
        {
          header: "replicas moved",
          value: (s) =>
            (
              (s.moves ?? []) as {
                from: { siteName: string } | null;
                to: { siteName: string } | null;
                replicas: number;
              }[]
            )
              .map((m) => `${m.replicas} ${m.from?.siteName ?? "new"} -> ${m.to?.siteName ?? "dropped"}`)
              .join("; ") || "none",
        },
        { header: "cost delta/h", value: (s) => usd(s.costDeltaUsdPerHour) },
      ]),
    );
  if (r.teams.length)
    lines.push(
      "",
      renderTable(r.teams, [
        field("team", "teamName"),
        { header: "before", value: (x) => usd(x.beforeUsd) },
        { header: "after", value: (x) => usd(x.afterUsd) },
        { header: "delta", value: (x) => usd(x.deltaUsd) },
        field("latency ms before", "beforeLatencyMs"),
        field("latency ms after", "afterLatencyMs"),
        field("moved", "moved"),
        field("unplaceable", "unplaceable"),
      ]),
    );
  return lines.join("\n");
}

/** The changes of a file: a YAML or JSON list, or a mapping with `changes:`. */
function readChanges(file: string): unknown[] {
  let text: string;
  try {
    text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(`-f: cannot read ${file}${code === "ENOENT" ? ": no such file" : ""}`, EXIT.USAGE);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`, EXIT.USAGE);
  }
  const changes = Array.isArray(data) ? data : (pick(data, "changes") as unknown);
  if (!Array.isArray(changes))
    throw new CliError(`${file} must be a list of changes (or a mapping with a changes: list)`, EXIT.USAGE);
  return changes;
}

export function registerWhatIf(ctx: TCommandContext): void {
  const { api, emit, action, program } = ctx;
  const whatIf = program
    .command("what-if")
    .description(
      "What moves, fails or costs more if the estate changes: replayed by the batch engine, nothing changes",
    );

  example(
    whatIf
      .command("list")
      .alias("ls")
      .description("Saved scenarios shared with you")
      .action(
        action(async (_options: unknown, command: Command) => {
          const rows = (await unwrap(api().GET("/what-if"))) as unknown as TRow[];
          emit(command, rows, () =>
            rows.length === 0
              ? "No scenarios"
              : renderTable(rows, [
                  field("id", "id"),
                  field("name", "name"),
                  {
                    header: "changes",
                    value: (r) => (r.changes as { kind: string }[]).map((c) => c.kind).join(", "),
                  },
                  field("team", "team.name"),
                  field("by", "createdBy.email"),
                  field("drained", "drainedAt"),
                ]),
          );
          return EXIT.OK;
        }),
      ),
    "switchyard what-if list -o json",
  );

  example(
    whatIf
      .command("show")
      .description("A saved scenario's changes (run it with `what-if run ID`)")
      .argument("<id>", "the scenario's id")
      .action(
        action(async (id: string, _options: unknown, command: Command) => {
          const data = (await unwrap(
            api().GET("/what-if/{id}", { params: { path: { id } } }),
          )) as unknown as TRow;
          emit(command, data, () => renderDetails(data));
          return EXIT.OK;
        }),
      ),
    "switchyard what-if show cm3scenario -o yaml",
  );

  example(
    whatIf
      .command("run")
      .description(
        "Replay a saved scenario on the current estate, or the changes in a file without saving them. Exits 4 when work would no longer fit.",
      )
      .argument("[id]", "the saved scenario's id")
      .option("-f, --file <changes.yaml>", "a list of changes (YAML or JSON), or - for stdin")
      .action(
        action(async (id: string | undefined, options: { file?: string }, command: Command) => {
          if (!id === !options.file)
            throw new CliError(
              "what-if run: give a scenario id or -f with changes (one of the two)",
              EXIT.USAGE,
            );
          const client = api();
          const result = id
            ? (
                (await unwrap(client.POST("/what-if/{id}/run", { params: { path: { id } } }))) as unknown as {
                  result: TReplay;
                }
              ).result
            : ((await unwrap(
                client.POST("/what-if/preview", {
                  body: { changes: readChanges(options.file as string) } as never,
                }),
              )) as unknown as TReplay);
          emit(command, result, () => explainReplay(result));
          return result.totals.unplaceable > 0 ? EXIT.CONFLICT : EXIT.OK;
        }),
      ),
    "switchyard what-if run cm3scenario",
    "switchyard what-if run -f drain-frankfurt.yaml",
  );
}
