/** `switchyard sites|nodes|datasets|teams list|get`: the estate, read-only. */
import { field, type TColumn } from "../output.ts";
import { getCommand, listCommand, type TCommandContext } from "./context.ts";

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
export function registerEstate(ctx: TCommandContext): void {
  const { program } = ctx;
  const sites = program.command("sites").description("Data centers, cloud regions and edge sites");
  listCommand(
    ctx,
    sites,
    { path: "/sites", columns: SITE_COLUMNS },
    [
      { flag: "--kind <kind>", query: "kind", description: "ON_PREM, CLOUD or EDGE" },
      { flag: "--status <status>", query: "status", description: "ACTIVE, MAINTENANCE or DECOMMISSIONED" },
      { flag: "--country <code>", query: "country", description: "ISO country code, e.g. DE" },
    ],
    "switchyard sites list --kind ON_PREM --all",
  );
  getCommand(ctx, sites, "/sites/{id}", "switchyard sites get site-fra-1 -o yaml");

  const nodes = program.command("nodes").description("GPU nodes");
  listCommand(
    ctx,
    nodes,
    { path: "/nodes", columns: NODE_COLUMNS },
    [
      { flag: "--site <id>", query: "siteId", description: "only this site's nodes" },
      { flag: "--status <status>", query: "status", description: "READY, CORDONED, DRAINING or DOWN" },
      { flag: "--gpu-model <model>", query: "gpuModel", description: "e.g. H100" },
    ],
    "switchyard nodes list --gpu-model H100 --status READY",
  );
  getCommand(ctx, nodes, "/nodes/{id}", "switchyard nodes get node-fra-1-01");

  const datasets = program.command("datasets").description("Datasets, their classification and residency");
  listCommand(
    ctx,
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
  getCommand(ctx, datasets, "/datasets/{id}", "switchyard datasets get dataset-claims-2025");

  const teams = program.command("teams").description("Teams, members and GPU quotas");
  listCommand(ctx, teams, { path: "/teams", columns: TEAM_COLUMNS }, [], "switchyard teams list -o json");
  getCommand(ctx, teams, "/teams/{id}", "switchyard teams get team-applied-ml");
}
