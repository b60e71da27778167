/** `switchyard services list|show|create|demand|plan|apply|stop` and `switchyard regions list`: inference services, their replicas across sites, and the user regions they serve. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse } from "yaml";
import { unwrap } from "../client.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { field, renderTable, type TColumn, type TRow } from "../output.ts";
import { example, getCommand, listCommand, type TCommandContext } from "./context.ts";

const SERVICE_COLUMNS: TColumn[] = [
  field("id", "id"),
  field("name", "name"),
  field("team", "team.name"),
  { header: "model", value: (r) => `${(r.model as TRow).name} ${(r.model as TRow).version ?? ""}`.trim() },
  field("replicas", "replicas"),
  { header: "covered", value: (r) => `${r.regionsCovered}/${r.regionsTotal}` },
  { header: "$/h", value: (r) => (typeof r.costUsdPerHour === "number" ? r.costUsdPerHour.toFixed(2) : "") },
  field("apply", "applyMode"),
  field("proposal", "hasProposal"),
];

/** A service spec from a YAML or JSON file (or - for stdin). */
function readSpec(file: string): Record<string, unknown> {
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
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw new CliError(`${file} must be a mapping (name, teamId, modelId, regions, ...)`, EXIT.USAGE);
  return data as Record<string, unknown>;
}

/** `eu-west=300@40`: a region, its demand in requests/s and its latency SLO in ms. */
export function parseDemand(arg: string): { region: string; demandRps: number; maxLatencyMs: number } {
  const match = /^([^=]+)=([0-9.]+)@([0-9]+)$/.exec(arg.trim());
  if (!match) throw new CliError(`demand '${arg}': write REGION=RPS@SLO_MS, e.g. eu-west=300@40`, EXIT.USAGE);
  return { region: match[1] as string, demandRps: Number(match[2]), maxLatencyMs: Number(match[3]) };
}

const COVERAGE_COLUMNS: TColumn[] = [
  field("region", "region"),
  field("status", "status"),
  field("demand", "demandRps"),
  field("served", "servedRps"),
  field("latency ms", "latencyMs"),
  field("SLO ms", "maxLatencyMs"),
  field("why not", "reason"),
];

const USER_REGION_COLUMNS: TColumn[] = [
  field("name", "name"),
  field("label", "label"),
  field("latitude", "latitude"),
  field("longitude", "longitude"),
  field("sites", "sitesWithLatency"),
];

export function registerServices(ctx: TCommandContext): void {
  const { api, emit, action, program } = ctx;
  const regions = program
    .command("regions")
    .description("User regions: where a service's users are (the names its demand uses), with coordinates");
  listCommand(
    ctx,
    regions,
    { path: "/user-regions", columns: USER_REGION_COLUMNS },
    [],
    "switchyard regions list -o json",
    false,
  );
  const services = program
    .command("services")
    .description("Inference services: replicas across sites serving each user region within its SLO");
  listCommand(
    ctx,
    services,
    { path: "/services", columns: SERVICE_COLUMNS },
    [
      { flag: "--team <teamId>", query: "teamId", description: "only this team's services" },
      { flag: "--model <modelId>", query: "modelId", description: "only services of this model" },
    ],
    "switchyard services list --team team-vision-edge",
  );
  getCommand(ctx, services, "/services/{id}", "switchyard services show cm3service -o yaml", "show");

  example(
    services
      .command("create")
      .description(
        "Create a service from a YAML or JSON spec; it is planned at once (apply the plan with `services apply`)",
      )
      .requiredOption(
        "-f, --file <service.yaml>",
        "the spec: name, teamId, modelId, gpu, replicaCapacityRps, regions...",
      )
      .action(
        action(async (options: { file: string }, command: Command) => {
          const created = (await unwrap(
            api().POST("/services", { body: readSpec(options.file) as never }),
          )) as unknown as TRow;
          emit(command, created, () => `Created ${created.id}: ${created.summary} (plan ${created.planId})`);
          return EXIT.OK;
        }),
      ),
    "switchyard services create -f support-chat.yaml",
  );

  example(
    services
      .command("demand")
      .description("Replace a service's demand per user region; the loop re-plans it")
      .argument("<id>", "the service's id")
      .argument("<demand...>", "REGION=RPS@SLO_MS, one per region")
      .action(
        action(async (id: string, demand: string[], _options: unknown, command: Command) => {
          const result = (await unwrap(
            api().PATCH("/services/{id}", {
              params: { path: { id } },
              body: { regions: demand.map(parseDemand) } as never,
            }),
          )) as unknown as TRow;
          emit(command, result, () => `Demand of ${id} changed; it will be planned again.`);
          return EXIT.OK;
        }),
      ),
    "switchyard services demand cm3service eu-west=300@40 eu-central=120@40",
  );

  example(
    services
      .command("plan")
      .description("Plan a service again on the current estate and show each region's coverage")
      .argument("<id>", "the service's id")
      .action(
        action(async (id: string, _options: unknown, command: Command) => {
          const client = api();
          await unwrap(client.POST("/services/{id}/plan", { params: { path: { id } } }));
          const service = (await unwrap(
            client.GET("/services/{id}", { params: { path: { id } } }),
          )) as unknown as TRow;
          const proposal = service.proposal as TRow;
          emit(command, proposal, () =>
            [`${proposal.summary}`, "", renderTable(proposal.regions as TRow[], COVERAGE_COLUMNS)].join("\n"),
          );
          return proposal.feasible ? EXIT.OK : EXIT.CONFLICT;
        }),
      ),
    "switchyard services plan cm3service",
  );

  example(
    services
      .command("apply")
      .description("Apply the pending plan (or --plan ID): start the replicas it adds, cancel those it drops")
      .argument("<id>", "the service's id")
      .option("--plan <planId>", "a given plan rather than the pending proposal")
      .action(
        action(async (id: string, options: { plan?: string }, command: Command) => {
          const result = (await unwrap(
            api().POST("/services/{id}/apply", {
              params: { path: { id } },
              body: (options.plan ? { planId: options.plan } : {}) as never,
            }),
          )) as unknown as TRow;
          const created = result.created as TRow[];
          const shortfalls = result.shortfalls as TRow[];
          emit(command, result, () =>
            [
              `${created.length} replicas started, ${(result.kept as string[]).length} kept, ${(result.cancelled as string[]).length} cancelled.`,
              ...shortfalls.map((s) => `not started at ${s.siteId}: ${s.reason}`),
            ].join("\n"),
          );
          return shortfalls.length > 0 ? EXIT.CONFLICT : EXIT.OK;
        }),
      ),
    "switchyard services apply cm3service",
  );

  example(
    services
      .command("stop")
      .description("Stop a service: its replicas are cancelled and their GPUs released")
      .argument("<id>", "the service's id")
      .action(
        action(async (id: string, _options: unknown, command: Command) => {
          const result = (await unwrap(
            api().POST("/services/{id}/stop", { params: { path: { id } } }),
          )) as unknown as TRow;
          emit(command, result, () => `Stopped ${id}: ${result.cancelled} replicas cancelled.`);
          return EXIT.OK;
        }),
      ),
    "switchyard services stop cm3service",
  );
}
