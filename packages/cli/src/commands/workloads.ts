/** `switchyard workloads list|get|submit|submit-batch|cancel|watch`. */
import { type Command, Option } from "commander";
import { unwrap } from "../client.ts";
import { CliError, EXIT, type TExitCode } from "../exit-codes.ts";
import type { operations } from "../generated/api.ts";
import { readJob, readJobs } from "../job.ts";
import {
  cell,
  field,
  pick,
  renderData,
  renderDetails,
  renderTable,
  type TColumn,
  type TRow,
} from "../output.ts";
import { example, getWorkload, listCommand, positiveNumber, type TCommandContext } from "./context.ts";

export const TERMINAL_STATES = ["SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"] as const;
export const WORKLOAD_STATES = [
  "DRAFT",
  "PENDING",
  "AWAITING_APPROVAL",
  "SCHEDULED",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLED",
  "PREEMPTED",
  "REJECTED",
] as const satisfies readonly TListQuery["state"][];
export const WORKLOAD_KINDS = [
  "TRAINING",
  "FINE_TUNING",
  "BATCH_INFERENCE",
  "ONLINE_INFERENCE",
] as const satisfies readonly TListQuery["kind"][];

/** The list operation's filters, from the generated client: the lists above cannot name a value the API lacks. */
type TListQuery = NonNullable<operations["workload-list"]["parameters"]["query"]>;
/** Both directions: a value the API gains and a list here lacks fails to compile too. */
type TExhaustive<TList extends readonly string[], TAll> = [Exclude<TAll, TList[number]>] extends [never]
  ? true
  : never;
const listsAreExhaustive: [
  TExhaustive<typeof WORKLOAD_STATES, NonNullable<TListQuery["state"]>>,
  TExhaustive<typeof WORKLOAD_KINDS, NonNullable<TListQuery["kind"]>>,
] = [true, true];
void listsAreExhaustive;

/**
 * The exit code of a watched workload's final state: the state asked for (or SUCCEEDED
 * when none was) is 0, FAILED 1, CANCELLED or REJECTED (it will not run) 4, and one that
 * waits for approval when the caller said not to wait 5.
 */
export function exitCodeForState(state: string, reached: boolean): TExitCode {
  if (reached) return EXIT.OK;
  if (state === "FAILED") return EXIT.ERROR;
  if (state === "AWAITING_APPROVAL") return EXIT.NEEDS_APPROVAL;
  if (state === "SUCCEEDED") return EXIT.OK;
  return EXIT.CONFLICT;
}

const WORKLOAD_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("name", "name"),
  field("kind", "kind"),
  field("state", "state"),
  field("team", "team.name"),
  field("site", "site.name"),
  field("gpus", "gpuCount"),
  field("created", "createdAt"),
];
export function registerWorkloads(ctx: TCommandContext): void {
  const { io, api, print, emit, action, format, program } = ctx;
  // --- workloads -------------------------------------------------------------------------
  const workloads = program.command("workloads").description("Submit, follow and cancel workloads");
  listCommand(
    ctx,
    workloads,
    { path: "/workloads", columns: WORKLOAD_COLUMNS },
    [
      { flag: "--state <state>", query: "state", description: WORKLOAD_STATES.join(", ") },
      { flag: "--team <teamId>", query: "teamId", description: "only this team's workloads" },
      { flag: "--site <siteId>", query: "siteId", description: "only workloads placed at this site" },
      {
        flag: "--kind <kind>",
        query: "kind",
        description: WORKLOAD_KINDS.join(", "),
      },
    ],
    "switchyard workloads list --state AWAITING_APPROVAL --all -o json",
  );

  const workloadDetails = (w: TRow) =>
    [
      renderDetails(w, ["id", "name", "kind", "state", "stateReason", "gpuCount", "createdAt"]),
      `team      ${cell(pick(w, "team.name"))}`,
      `site      ${cell(pick(w, "site.name"))}`,
      pick(w, "decision.summary") ? `decision  ${cell(pick(w, "decision.summary"))}` : "",
    ]
      .filter(Boolean)
      .join("\n");

  example(
    workloads
      .command("get")
      .description("Show a workload: state, placement, decision summary")
      .argument("<id>", "the workload's id")
      .action(
        action(async (id: string, _options: unknown, command: Command) => {
          const w = await getWorkload(api(), id);
          emit(command, w, () => workloadDetails(w));
          return EXIT.OK;
        }),
      ),
    "switchyard workloads get wl_123 -o yaml",
  );

  example(
    workloads
      .command("submit")
      .description(
        "Submit a job file (YAML or JSON; see switchyard job-schema), then accept the engine's recommendation. Exits 5 when a policy asks for approval.",
      )
      .requiredOption("-f, --file <job.yaml>", "the job file, or - for stdin")
      .option(
        "--client-key <key>",
        "your idempotency key (8-100 chars): the same key in the team returns the first workload",
      )
      .option("--draft", "save as a draft: neither placed nor scheduled")
      .option("--no-schedule", "place it but leave it PENDING (do not accept the recommendation)")
      .action(
        action(
          async (
            options: { file: string; clientKey?: string; draft?: boolean; schedule: boolean },
            command: Command,
          ) => {
            const spec = readJob(options.file);
            if (
              options.clientKey !== undefined &&
              (options.clientKey.length < 8 || options.clientKey.length > 100)
            )
              throw new CliError("--client-key: use 8 to 100 characters", EXIT.USAGE);
            const client = api();
            // One call: saved, placed and (unless --no-schedule) scheduled in one transaction.
            // Capacity taken meanwhile is an answer, not an error: it stays PENDING and the
            // loop places it again; the details below say so.
            const submitted = await unwrap(
              client.POST("/workloads", {
                body: {
                  spec: spec as never,
                  asDraft: Boolean(options.draft),
                  schedule: !options.draft && options.schedule,
                  ...(options.clientKey ? { clientKey: options.clientKey } : {}),
                },
              }),
            );
            const w = await getWorkload(client, submitted.id);
            emit(command, w, () =>
              [
                `${submitted.created ? "Submitted" : "Already submitted (same client key)"}: ${w.id} ${cell(w.name)}`,
                workloadDetails(w),
                w.state === "AWAITING_APPROVAL"
                  ? `\nWaiting for approval: switchyard workloads watch ${w.id} --until SCHEDULED`
                  : "",
              ]
                .filter(Boolean)
                .join("\n"),
            );
            return w.state === "AWAITING_APPROVAL" ? EXIT.NEEDS_APPROVAL : EXIT.OK;
          },
        ),
      ),
    "switchyard workloads submit -f job.yaml",
    "switchyard workloads submit -f job.yaml --client-key nightly-2026-12-03 -o json",
  );

  example(
    workloads
      .command("submit-batch")
      .description(
        "Submit many jobs in one call (YAML documents separated by ---, or a JSON list; at most 100): saved together, placed together by the batch engine, then scheduled. One bad job refuses the batch. Exits 5 when any job waits for approval.",
      )
      .requiredOption("-f, --file <jobs.yaml>", "the batch file, or - for stdin")
      .option(
        "--client-key-prefix <prefix>",
        "idempotency: job i gets the key <prefix>-<i>, so sending the same batch again returns the first workloads",
      )
      .option("--no-schedule", "place them but leave them PENDING (do not accept the recommendations)")
      .action(
        action(
          async (
            options: { file: string; clientKeyPrefix?: string; schedule: boolean },
            command: Command,
          ) => {
            const specs = readJobs(options.file);
            const prefix = options.clientKeyPrefix;
            if (prefix !== undefined && (prefix.length < 6 || prefix.length > 90))
              throw new CliError("--client-key-prefix: use 6 to 90 characters", EXIT.USAGE);
            const answer = await unwrap(
              api().POST("/workloads/batch", {
                body: {
                  workloads: specs.map((spec, i) => ({
                    spec: spec as never,
                    ...(prefix ? { clientKey: `${prefix}-${i}` } : {}),
                  })),
                  schedule: options.schedule,
                },
              }),
            );
            const rows: TRow[] = answer.workloads.map((w, i) => ({
              ...w,
              name: specs[i]?.name,
              state: w.schedule?.state ?? "PENDING",
            }));
            emit(command, answer, () =>
              [
                renderTable(rows, [
                  field("id", "id"),
                  field("name", "name"),
                  field("new", "created"),
                  field("state", "state"),
                  field("site", "schedule.siteId"),
                  field("reason", "schedule.reason"),
                ]),
                answer.bound ? `\nBatch placement: ${answer.bound}` : "",
              ]
                .filter(Boolean)
                .join("\n"),
            );
            return rows.some((r) => r.state === "AWAITING_APPROVAL") ? EXIT.NEEDS_APPROVAL : EXIT.OK;
          },
        ),
      ),
    "switchyard workloads submit-batch -f sweep.yaml",
    "switchyard workloads submit-batch -f nightly.json --client-key-prefix nightly-2026-12-06 -o json",
  );

  example(
    workloads
      .command("cancel")
      .description("Cancel a workload: releases its GPUs and cancels its pending approvals")
      .argument("<id>", "the workload's id")
      .option("--reason <text>", "why (kept in the audit log)")
      .action(
        action(async (id: string, options: { reason?: string }, command: Command) => {
          const result = (await unwrap(
            api().POST("/workloads/{id}/cancel", {
              params: { path: { id } },
              body: (options.reason ? { reason: options.reason } : {}) as never,
            }),
          )) as TRow;
          emit(command, result, () => `Cancelled ${id}: ${cell(result.state ?? result.to ?? "CANCELLED")}`);
          return EXIT.OK;
        }),
      ),
    'switchyard workloads cancel wl_123 --reason "superseded"',
  );

  example(
    workloads
      .command("watch")
      .description(
        "Follow a workload's state until it reaches --until or a terminal state (SUCCEEDED 0, FAILED 1, CANCELLED/REJECTED 4)",
      )
      .argument("<id>", "the workload's id")
      .addOption(
        new Option("--until <state>", "stop with exit 0 when it reaches this state").choices(WORKLOAD_STATES),
      )
      .option("--interval <seconds>", "seconds between polls", positiveNumber("--interval"), 2)
      .option("--timeout <seconds>", "give up (exit 1) after this many seconds", positiveNumber("--timeout"))
      .option("--exit-on-approval", "stop with exit 5 when it waits for approval")
      .action(
        action(
          async (
            id: string,
            options: { until?: string; interval: number; timeout?: number; exitOnApproval?: boolean },
            command: Command,
          ) => {
            const client = api();
            const human = format(command) === "table";
            const started = Date.now();
            let seenEvents = -1;
            let last = "";
            for (;;) {
              const w = await getWorkload(client, id);
              const events = w.events ?? [];
              // Reached: it is in the state now, or passed through it since the watch began.
              const passed =
                seenEvents >= 0 &&
                options.until !== undefined &&
                events.slice(seenEvents).some((e) => e.toState === options.until);
              if (seenEvents < 0) seenEvents = events.length;
              else seenEvents = Math.max(seenEvents, events.length);
              if (w.state !== last) {
                if (human)
                  print(
                    `${new Date().toISOString()}  ${w.state}${w.stateReason ? `  ${cell(w.stateReason)}` : ""}`,
                  );
                last = w.state;
              }
              const reached = w.state === options.until || passed;
              const terminal = (TERMINAL_STATES as readonly string[]).includes(w.state);
              const approval = options.exitOnApproval && w.state === "AWAITING_APPROVAL";
              if (reached || terminal || approval) {
                if (!human) print(renderData(w, format(command) as "json" | "yaml"));
                const code = exitCodeForState(
                  w.state,
                  reached || (!options.until && w.state === "SUCCEEDED"),
                );
                if (options.until && !reached && human)
                  io.stderr(`${id} is ${w.state} and will not reach ${options.until}\n`);
                return code;
              }
              if (options.timeout !== undefined && Date.now() - started > options.timeout * 1000)
                throw new CliError(
                  `${id} is still ${w.state} after ${options.timeout} s${options.until ? ` (waiting for ${options.until})` : ""}`,
                  EXIT.ERROR,
                );
              await io.sleep(options.interval * 1000);
            }
          },
        ),
      ),
    "switchyard workloads watch wl_123",
    "switchyard workloads watch wl_123 --until SCHEDULED --timeout 600 -o json",
  );
}
