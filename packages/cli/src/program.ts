import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import jobSchema from "../schema/job.schema.json" with { type: "json" };
import { createApi, type TApi, unwrap } from "./client.ts";
import {
  configPath,
  normaliseServer,
  readConfig,
  removeConfig,
  resolveConnection,
  type TEnv,
  writeConfig,
} from "./config.ts";
import { CliError, EXIT, formatError, type TExitCode } from "./exit-codes.ts";
import { readJob } from "./job.ts";
import {
  cell,
  field,
  OUTPUT_FORMATS,
  pick,
  renderData,
  renderDetails,
  renderTable,
  type TColumn,
  type TOutputFormat,
  type TRow,
} from "./output.ts";
import { readToken } from "./prompt.ts";
import { CLI_VERSION } from "./version.ts";

/** What a run reads and writes: the real process, or a test's buffers. */
export type TIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: TEnv;
  /** Reads the token at `switchyard login` when SWITCHYARD_TOKEN is not set. */
  readToken: () => Promise<string>;
  sleep: (ms: number) => Promise<void>;
};

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
] as const;

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

const example = (command: Command, ...lines: string[]) =>
  command.addHelpText(
    "after",
    `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}`,
  );

const positiveInt = (name: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new InvalidArgumentError(`${name} is a whole number from 1 to ${max}.`);
  return n;
};
const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number above 0.`);
  return n;
};

type TListSpec = {
  path: "/sites" | "/nodes" | "/datasets" | "/teams" | "/workloads" | "/approvals";
  columns: TColumn[];
};

const SITE_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("name", "name"),
  field("kind", "kind"),
  field("provider", "provider"),
  field("country", "country"),
  field("status", "status"),
  {
    header: "gpus",
    value: (r) => (r.gpusTotal === undefined ? undefined : `${r.gpusAllocated}/${r.gpusTotal}`),
  },
  field("models", "gpuModels"),
];
const NODE_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("hostname", "hostname"),
  field("site", "site.name"),
  field("status", "status"),
  field("gpu", "gpuModel"),
  { header: "free", value: (r) => (r.gpuCount === undefined ? undefined : `${r.gpuFree}/${r.gpuCount}`) },
  field("heartbeat", "lastHeartbeatAt"),
];
const DATASET_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("name", "name"),
  field("classification", "classification"),
  field("regulations", "regulations"),
  field("residency", "residencyCountries"),
  field("owner", "ownerTeam.name"),
  field("replicas", "replicas"),
];
const TEAM_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("slug", "slug"),
  field("name", "name"),
  field("members", "members"),
];
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
const APPROVAL_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("status", "status"),
  field("workload", "workload.name"),
  field("team", "workload.team.name"),
  field("site", "site.name"),
  field("waiting for", "currentStep.approvers"),
  field("requester", "requestedBy.name"),
  field("created", "createdAt"),
];

/** Builds the `switchyard` program; `run` parses and executes it. */
export function buildProgram(io: TIo, done: (code: TExitCode) => void): Command {
  const program = new Command("switchyard");
  program
    .description("Submit, watch, explain and approve workloads on a Switchyard server from the shell.")
    .version(CLI_VERSION, "-V, --version")
    .addOption(
      new Option("-o, --output <format>", "table for people, json or yaml for scripts")
        .choices(OUTPUT_FORMATS)
        .default("table"),
    )
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 error, 2 usage (bad arguments, job file or request), 3 not found,
4 conflict or infeasible, 5 needs approval.
Configuration: ${configPath(io.env)} (switchyard login), or SWITCHYARD_SERVER and SWITCHYARD_TOKEN.`,
    );
  example(
    program,
    "switchyard login --server https://switchyard.example.com",
    "switchyard workloads list --state RUNNING -o json",
  );

  const format = (command: Command) => command.optsWithGlobals().output as TOutputFormat;
  const api = (): TApi => {
    const { server, token } = resolveConnection(io.env);
    return createApi(server, token);
  };
  const print = (text: string) => io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  const emit = (command: Command, data: unknown, human: () => string) => {
    const f = format(command);
    print(f === "table" ? human() : renderData(data, f));
  };
  /** Wraps an action: CliErrors become their message and exit code; the code goes to done(). */
  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<TExitCode | undefined>) =>
    async (...args: A) => {
      done((await fn(...args)) ?? EXIT.OK);
    };

  // --- login, logout, whoami -------------------------------------------------------------
  example(
    program
      .command("login")
      .description(
        "Store the server and an API token (Settings → API tokens) in the config file, checked with /me",
      )
      .requiredOption(
        "--server <url>",
        "the console's URL, e.g. https://switchyard.example.com",
        normaliseServer,
      )
      .action(
        action(async (options: { server: string }, command: Command) => {
          const token = (io.env.SWITCHYARD_TOKEN || (await io.readToken())).trim();
          if (!token)
            throw new CliError(
              "No token given: paste an API token (sy_…) or set SWITCHYARD_TOKEN",
              EXIT.USAGE,
            );
          const me = await unwrap(createApi(options.server, token).GET("/me"));
          const file = writeConfig({ server: options.server, token }, io.env);
          emit(
            command,
            me,
            () => `Logged in to ${options.server} as ${me.name} <${me.email}> (${me.role}); saved in ${file}`,
          );
          return EXIT.OK;
        }),
      ),
    "switchyard login --server https://switchyard.example.com",
    "SWITCHYARD_TOKEN=sy_… switchyard login --server http://localhost:3000",
  );

  example(
    program
      .command("logout")
      .description("Forget the stored server and token (the token stays valid until revoked in Settings)")
      .action(
        action(async () => {
          print(removeConfig(io.env) ? `Removed ${configPath(io.env)}` : "Not logged in");
          return EXIT.OK;
        }),
      ),
    "switchyard logout",
  );

  example(
    program
      .command("whoami")
      .description("Who the token acts as: name, email, role and teams")
      .action(
        action(async (_options: unknown, command: Command) => {
          const me = await unwrap(api().GET("/me"));
          const server = io.env.SWITCHYARD_SERVER ?? readConfig(io.env)?.server;
          emit(command, me, () =>
            [
              `${me.name} <${me.email}> (${me.role}) on ${server}`,
              `teams: ${me.teams.map((t) => t.name).join(", ") || "-"}`,
            ].join("\n"),
          );
          return EXIT.OK;
        }),
      ),
    "switchyard whoami -o json",
  );

  // --- estate lists and gets --------------------------------------------------------------
  const listCommand = (
    parent: Command,
    spec: TListSpec,
    filters: { flag: string; query: string; description: string }[],
    exampleLine: string,
    searchable = true,
  ) => {
    const list = parent
      .command("list")
      .alias("ls")
      .description(`List ${parent.name()} (one page, or every page with --all)`)
      .option("--limit <n>", "rows per page (1-200)", positiveInt("--limit", 200), 50)
      .option("--cursor <cursor>", "start after this cursor (the nextCursor of a page)")
      .option("--all", "follow nextCursor until the last page");
    if (searchable) list.option("--search <text>", "only rows whose name matches");
    for (const f of filters) list.option(f.flag, f.description);
    example(list, exampleLine);
    list.action(
      action(async (options: Record<string, unknown>, command: Command) => {
        const client = api();
        const query: Record<string, unknown> = { limit: options.all ? 200 : options.limit };
        if (options.search) query.search = options.search;
        for (const f of filters) {
          const key = f.flag
            .replace(/^--([a-z-]+).*$/, "$1")
            .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
          if (options[key] !== undefined) query[f.query] = options[key];
        }
        let cursor = options.cursor as string | undefined;
        const rows: TRow[] = [];
        let page: { rows: TRow[]; nextCursor: string | null; total?: number };
        do {
          page = (await unwrap(
            // The list paths share one shape (rows, nextCursor); their query types differ per path.
            client.GET(spec.path as "/sites", { params: { query: { ...query, cursor } as never } }),
          )) as unknown as typeof page;
          rows.push(...page.rows);
          cursor = page.nextCursor ?? undefined;
        } while (options.all && cursor);
        const data = options.all ? { rows, total: rows.length } : page;
        emit(command, data, () => {
          const more =
            !options.all && page.nextCursor ? `\n(more: --cursor ${page.nextCursor}, or --all)` : "";
          return rows.length === 0 ? `No ${parent.name()}` : `${renderTable(rows, spec.columns)}${more}`;
        });
        return EXIT.OK;
      }),
    );
  };

  const getCommand = (
    parent: Command,
    path: "/sites/{id}" | "/nodes/{id}" | "/datasets/{id}" | "/teams/{id}" | "/approvals/{id}",
    exampleLine: string,
  ) =>
    example(
      parent
        .command("get")
        .description(`Show one of the ${parent.name()} by id`)
        .argument("<id>", "its id")
        .action(
          action(async (id: string, _options: unknown, command: Command) => {
            const data = (await unwrap(
              api().GET(path as "/sites/{id}", { params: { path: { id } } }),
            )) as TRow;
            emit(command, data, () => renderDetails(data));
            return EXIT.OK;
          }),
        ),
      exampleLine,
    );

  const sites = program.command("sites").description("Data centers, cloud regions and edge sites");
  listCommand(
    sites,
    { path: "/sites", columns: SITE_COLUMNS },
    [
      { flag: "--kind <kind>", query: "kind", description: "ON_PREM, CLOUD or EDGE" },
      { flag: "--status <status>", query: "status", description: "ACTIVE, MAINTENANCE or DECOMMISSIONED" },
      { flag: "--country <code>", query: "country", description: "ISO country code, e.g. DE" },
    ],
    "switchyard sites list --kind ON_PREM --all",
  );
  getCommand(sites, "/sites/{id}", "switchyard sites get site-fra-1 -o yaml");

  const nodes = program.command("nodes").description("GPU nodes");
  listCommand(
    nodes,
    { path: "/nodes", columns: NODE_COLUMNS },
    [
      { flag: "--site <id>", query: "siteId", description: "only this site's nodes" },
      { flag: "--status <status>", query: "status", description: "READY, CORDONED, DRAINING or DOWN" },
      { flag: "--gpu-model <model>", query: "gpuModel", description: "e.g. H100" },
    ],
    "switchyard nodes list --gpu-model H100 --status READY",
  );
  getCommand(nodes, "/nodes/{id}", "switchyard nodes get node-fra-1-01");

  const datasets = program.command("datasets").description("Datasets, their classification and residency");
  listCommand(
    datasets,
    { path: "/datasets", columns: DATASET_COLUMNS },
    [
      {
        flag: "--classification <level>",
        query: "classification",
        description: "PUBLIC, INTERNAL, CONFIDENTIAL or REGULATED",
      },
      { flag: "--owner <teamId>", query: "ownerTeamId", description: "only this team's datasets" },
    ],
    "switchyard datasets list --classification REGULATED",
  );
  getCommand(datasets, "/datasets/{id}", "switchyard datasets get dataset-claims-2025");

  const teams = program.command("teams").description("Teams, members and GPU quotas");
  listCommand(teams, { path: "/teams", columns: TEAM_COLUMNS }, [], "switchyard teams list -o json");
  getCommand(teams, "/teams/{id}", "switchyard teams get team-applied-ml");

  // --- workloads -------------------------------------------------------------------------
  const workloads = program.command("workloads").description("Submit, follow and cancel workloads");
  listCommand(
    workloads,
    { path: "/workloads", columns: WORKLOAD_COLUMNS },
    [
      { flag: "--state <state>", query: "state", description: WORKLOAD_STATES.join(", ") },
      { flag: "--team <teamId>", query: "teamId", description: "only this team's workloads" },
      { flag: "--site <siteId>", query: "siteId", description: "only workloads placed at this site" },
      {
        flag: "--kind <kind>",
        query: "kind",
        description: "TRAINING, FINE_TUNING, BATCH_INFERENCE or ONLINE_INFERENCE",
      },
    ],
    "switchyard workloads list --state AWAITING_APPROVAL --all -o json",
  );

  const getWorkload = async (client: TApi, id: string) =>
    (await unwrap(client.GET("/workloads/{id}", { params: { path: { id } } }))) as TRow & {
      state: string;
      events: { toState: string; createdAt: string; reason?: string | null }[];
    };
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
            const submitted = await unwrap(
              client.POST("/workloads", {
                body: {
                  spec: spec as never,
                  asDraft: Boolean(options.draft),
                  ...(options.clientKey ? { clientKey: options.clientKey } : {}),
                },
              }),
            );
            let w = await getWorkload(client, submitted.id);
            const decision = w.decision as { feasible?: boolean } | null;
            if (!options.draft && options.schedule && w.state === "PENDING" && decision?.feasible) {
              const scheduled = await client.POST("/workloads/{id}/schedule", {
                params: { path: { id: submitted.id } },
                body: {} as never,
              });
              // 409: something else (the reconcile loop) scheduled it first, or capacity moved: show where it is.
              if (!scheduled.response.ok && scheduled.response.status !== 409)
                await unwrap(Promise.resolve(scheduled));
              w = await getWorkload(client, submitted.id);
            }
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

  // --- placement ---------------------------------------------------------------------------
  type TPlacement = {
    feasible: boolean;
    summary: string;
    candidates?: TRow[];
    rejected?: { siteName: string; siteId: string; reasons: { message: string }[] }[];
  };
  const explainPlacement = (p: TPlacement) => {
    const parts = [p.summary];
    if (p.candidates?.length)
      parts.push(
        "",
        "Candidates:",
        renderTable(p.candidates, [
          field("rank", "rank"),
          field("site", "siteName"),
          field("site id", "siteId"),
          field("gpu", "gpuModel"),
          { header: "nodes", value: (r) => (r.nodes as unknown[] | undefined)?.length },
          { header: "total usd", value: (r) => (pick(r, "cost.totalUsd") as number | undefined)?.toFixed(2) },
          { header: "score", value: (r) => (r.totalScore as number | undefined)?.toFixed(3) },
        ]),
      );
    if (p.rejected?.length)
      parts.push(
        "",
        "Not placed at:",
        renderTable(p.rejected as unknown as TRow[], [
          field("site", "siteName"),
          field("site id", "siteId"),
          {
            header: "why not",
            value: (r) => (r.reasons as { message: string }[]).map((x) => x.message).join("; "),
          },
        ]),
      );
    return parts.join("\n");
  };

  example(
    program
      .command("recommend")
      .description(
        "Where would this job run now, and why not elsewhere (dry run: nothing is saved). Exits 4 when nothing fits.",
      )
      .requiredOption("-f, --file <job.yaml>", "the job file, or - for stdin")
      .action(
        action(async (options: { file: string }, command: Command) => {
          const spec = readJob(options.file);
          const result = (await unwrap(
            api().POST("/placement/recommend", { body: spec as never }),
          )) as unknown as TPlacement;
          emit(command, result, () => explainPlacement(result));
          return result.feasible ? EXIT.OK : EXIT.CONFLICT;
        }),
      ),
    "switchyard recommend -f job.yaml",
  );

  example(
    program
      .command("explain")
      .description("A workload's placement decision with its full explanation, or why it is not at one site")
      .argument("<id>", "the workload's id")
      .option("--site <siteId>", "explain why the workload is (not) placed at this site")
      .action(
        action(async (id: string, options: { site?: string }, command: Command) => {
          const client = api();
          if (options.site) {
            const result = await unwrap(
              client.GET("/workloads/{id}/why-not/{siteId}", {
                params: { path: { id, siteId: options.site } },
              }),
            );
            emit(
              command,
              result,
              () => `${result.fits ? "Fits" : "Does not fit"} at ${result.siteId}: ${result.explanation}`,
            );
            return EXIT.OK;
          }
          const decision = (await unwrap(
            client.GET("/workloads/{id}/decision", { params: { path: { id } } }),
          )) as TRow & {
            feasible: boolean;
            summary: string;
          };
          emit(command, decision, () =>
            explainPlacement({
              feasible: decision.feasible,
              summary: `Decision ${cell(decision.id)} (${cell(decision.createdAt)}): ${decision.summary}`,
              candidates: pick(decision, "candidates.candidates") as TRow[] | undefined,
              rejected: pick(decision, "rejections.rejected") as TPlacement["rejected"],
            }),
          );
          return EXIT.OK;
        }),
      ),
    "switchyard explain wl_123",
    "switchyard explain wl_123 --site site-fra-1",
  );

  // --- approvals ---------------------------------------------------------------------------
  const approvals = program.command("approvals").description("Approval requests: list, approve, reject");
  listCommand(
    approvals,
    { path: "/approvals", columns: APPROVAL_COLUMNS },
    [
      { flag: "--view <view>", query: "view", description: "inbox (yours to decide), open, decided or mine" },
      {
        flag: "--status <status>",
        query: "status",
        description: "PENDING, APPROVED, REJECTED, EXPIRED or CANCELLED",
      },
    ],
    "switchyard approvals list --view inbox",
    false,
  );
  getCommand(approvals, "/approvals/{id}", "switchyard approvals get apr_123");

  const decide = (verdict: "APPROVE" | "REJECT") =>
    action(
      async (id: string | undefined, options: { comment?: string; workload?: string }, command: Command) => {
        const client = api();
        if (!id && !options.workload)
          throw new CliError("Give the approval request's id, or --workload ID", EXIT.USAGE);
        if (id && options.workload)
          throw new CliError("Give either an approval id or --workload, not both", EXIT.USAGE);
        let requestId = id;
        if (!requestId && options.workload) {
          const w = await getWorkload(client, options.workload);
          const pending = ((w.approvals as { id: string; status: string }[] | undefined) ?? []).find(
            (a) => a.status === "PENDING",
          );
          if (!pending)
            throw new CliError(
              `Workload ${options.workload} has no pending approval request (it is ${w.state})`,
              EXIT.CONFLICT,
            );
          requestId = pending.id;
        }
        const result = await unwrap(
          client.POST("/approvals/{id}/decision", {
            params: { path: { id: requestId as string } },
            body: { verdict, ...(options.comment ? { comment: options.comment } : {}) } as never,
          }),
        );
        emit(
          command,
          { id: requestId, ...result },
          () =>
            `${verdict === "APPROVE" ? "Approved" : "Rejected"} ${requestId}: request ${result.status}${result.workloadState ? `, workload now ${result.workloadState}` : ""}`,
        );
        return EXIT.OK;
      },
    );
  example(
    approvals
      .command("approve")
      .description("Approve a request (the current step); the workload is scheduled when it was the last one")
      .argument("[id]", "the approval request's id")
      .option("--workload <id>", "approve the pending request of this workload instead")
      .option("--comment <text>", "a note for the requester and the audit log")
      .action(decide("APPROVE")),
    'switchyard approvals approve apr_123 --comment "Fine by policy"',
    "switchyard approvals approve --workload wl_123",
  );
  example(
    approvals
      .command("reject")
      .description("Reject a request; the comment (required) goes to the requester")
      .argument("[id]", "the approval request's id")
      .option("--workload <id>", "reject the pending request of this workload instead")
      .requiredOption("--comment <text>", "why: the requester reads it")
      .action(decide("REJECT")),
    'switchyard approvals reject apr_123 --comment "Use the de-identified extract"',
  );

  // --- audit, job schema -----------------------------------------------------------------------
  const audit = program.command("audit").description("The tamper-evident audit log");
  example(
    audit
      .command("verify")
      .description("Check the audit log's hash chain end to end (exit 1 when it is broken)")
      .action(
        action(async (_options: unknown, command: Command) => {
          // The operation takes no input; the API reads every POST body as JSON, so send an empty object.
          const result = (await unwrap(api().POST("/audit/verify", { body: {} as never }))) as TRow & {
            ok: boolean;
          };
          emit(command, result, () =>
            result.ok
              ? `Audit chain intact${result.checked !== undefined ? `: ${cell(result.checked)} events checked` : ""}`
              : `Audit chain BROKEN\n${renderDetails(result)}`,
          );
          return result.ok ? EXIT.OK : EXIT.ERROR;
        }),
      ),
    "switchyard audit verify -o json",
  );

  example(
    program
      .command("job-schema")
      .description("Print the JSON Schema of a job file (for editors: yaml-language-server, VS Code)")
      .action(
        action(async () => {
          print(JSON.stringify(jobSchema, null, 2));
          return EXIT.OK;
        }),
      ),
    "switchyard job-schema > job.schema.json   # then: # yaml-language-server: $schema=./job.schema.json",
  );

  return program;
}

/** Runs the CLI once and answers its exit code; every failure is one message, never a stack. */
export async function run(argv: string[], io: TIo): Promise<TExitCode> {
  let code: TExitCode = EXIT.OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`${formatError(error)}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.exitCode === 0
      )
        return EXIT.OK;
      // Commander printed its message already.
      return EXIT.USAGE;
    }
    io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.ERROR;
  }
}

export const defaultIo = (): TIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readToken,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
