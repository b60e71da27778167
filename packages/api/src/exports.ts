import type { PrismaClient } from "@switchyard/db";
import type { z } from "zod";
import { AppError } from "./errors.ts";
import { type TCsvColumn, toCsv } from "./lib/csv.ts";
import { findUnsafeInput, unsafeInputError } from "./lib/input.ts";
import { MAX_PAGE_SIZE, type TPage } from "./lib/pagination.ts";
import { ZListDatasetsInput } from "./router/dataset/list-datasets.schema.ts";
import { ZListNodesInput } from "./router/node/list-nodes.schema.ts";
import { ZListSitesInput } from "./router/site/list-sites.schema.ts";
import { ZListTeamsInput } from "./router/team/list-teams.schema.ts";
import { listDatasets, type TDatasetRow } from "./services/datasets.ts";
import { listNodes, type TNodeRow } from "./services/nodes.ts";
import { listSites, type TSiteRow } from "./services/sites.ts";
import { listTeams, type TTeamRow } from "./services/teams.ts";

/**
 * CSV exports of the console's tables: each reuses its list's input schema and service, so
 * an export holds exactly the rows the table shows, on every page, in the same order.
 */
type TExport<Input, Row> = {
  input: z.ZodType<Input>;
  list: (prisma: PrismaClient, input: Input) => Promise<TPage<Row>>;
  columns: TCsvColumn<Row>[];
};

function defineExport<Input extends { page: number; pageSize: number }, Row>(e: TExport<Input, Row>) {
  return e as unknown as TExport<{ page: number; pageSize: number }, unknown>;
}

const join = (values: string[]) => values.join("; ");
const EXPORT_PAGE_SIZE = 5_000;

export const EXPORTS: Record<string, TExport<{ page: number; pageSize: number }, unknown>> = {
  sites: defineExport({
    input: ZListSitesInput,
    list: listSites,
    columns: [
      { header: "slug", value: (r: TSiteRow) => r.slug },
      { header: "name", value: (r) => r.name },
      { header: "kind", value: (r) => r.kind },
      { header: "provider", value: (r) => r.provider },
      { header: "region", value: (r) => r.region },
      { header: "country", value: (r) => r.country },
      { header: "jurisdiction", value: (r) => r.jurisdiction },
      { header: "status", value: (r) => r.status },
      { header: "certifications", value: (r) => join(r.certifications) },
      { header: "nodes", value: (r) => r.nodes },
      { header: "gpus_total", value: (r) => r.gpusTotal },
      { header: "gpus_allocated", value: (r) => r.gpusAllocated },
      { header: "gpu_models", value: (r) => join(r.gpuModels) },
      { header: "cheapest_usd_per_gpu_hour", value: (r) => r.cheapestUsdPerGpuHour },
    ],
  }),
  nodes: defineExport({
    input: ZListNodesInput,
    list: listNodes,
    columns: [
      { header: "hostname", value: (r: TNodeRow) => r.hostname },
      { header: "site", value: (r) => r.site.slug },
      { header: "environment", value: (r) => r.site.kind },
      { header: "status", value: (r) => r.status },
      { header: "gpu_model", value: (r) => r.gpuModel },
      { header: "gpus_total", value: (r) => r.gpuCount },
      { header: "gpus_free", value: (r) => r.gpuFree },
      { header: "gpu_memory_gib", value: (r) => r.gpuMemoryGib },
      { header: "fabric", value: (r) => r.fabric },
      { header: "interconnect", value: (r) => r.interconnect },
      { header: "last_heartbeat", value: (r) => r.lastHeartbeatAt?.toISOString() },
    ],
  }),
  datasets: defineExport({
    input: ZListDatasetsInput,
    list: listDatasets,
    columns: [
      { header: "slug", value: (r: TDatasetRow) => r.slug },
      { header: "name", value: (r) => r.name },
      { header: "classification", value: (r) => r.classification },
      { header: "regulations", value: (r) => join(r.regulations) },
      { header: "residency_countries", value: (r) => join(r.residencyCountries) },
      { header: "residency_jurisdictions", value: (r) => join(r.residencyJurisdictions) },
      { header: "on_prem_only", value: (r) => String(r.onPremOnly) },
      { header: "size_bytes", value: (r) => r.sizeBytes.toString() },
      { header: "owner_team", value: (r) => r.ownerTeam.slug },
      { header: "replicas", value: (r) => r.replicas },
      { header: "stewards", value: (r) => r.stewards },
    ],
  }),
  teams: defineExport({
    input: ZListTeamsInput,
    list: listTeams,
    columns: [
      { header: "slug", value: (r: TTeamRow) => r.slug },
      { header: "name", value: (r) => r.name },
      { header: "members", value: (r) => r.members },
      {
        header: "quotas",
        value: (r) =>
          join(
            r.quotas.map(
              (q) => `${q.gpuModel} used ${q.usedGpus} guaranteed ${q.guaranteedGpus} limit ${q.limitGpus}`,
            ),
          ),
      },
      { header: "gpus_in_use", value: (r) => r.usage.reduce((sum, u) => sum + u.gpus, 0) },
    ],
  }),
};

/** Query-string values arrive as strings; lists take numbers for paging. */
function coerceQuery(query: URLSearchParams): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.create(null);
  for (const [key, value] of query) {
    if (key === "q") raw.search = value;
    else if (key === "dir") raw.direction = value;
    else if (key !== "page" && key !== "pageSize") raw[key] = value;
  }
  return raw;
}

export async function exportCsv(
  prisma: PrismaClient,
  table: string,
  query: URLSearchParams,
): Promise<string> {
  // Own keys only: "__proto__", "constructor" or "toString" are no table.
  const definition = Object.hasOwn(EXPORTS, table) ? EXPORTS[table] : undefined;
  if (!definition)
    throw new AppError("NOT_FOUND", `no export ${table}`, {
      userMessage: `There is no table "${table.slice(0, 60)}" to export; use one of ${Object.keys(EXPORTS).join(", ")}.`,
    });
  const rows: unknown[] = [];
  // The same sanitiser as every procedure, then the view's filters, validated once; then
  // read in pages larger than the API allows.
  const raw = coerceQuery(query);
  const unsafe = findUnsafeInput(raw);
  if (unsafe.length > 0) throw unsafeInputError(unsafe);
  const filters = definition.input.parse({ ...raw, page: 1, pageSize: MAX_PAGE_SIZE });
  for (let page = 1; ; page++) {
    const input = { ...filters, page, pageSize: EXPORT_PAGE_SIZE };
    const result = await definition.list(prisma, input);
    rows.push(...result.rows);
    if (page >= result.pages) break;
  }
  return toCsv(definition.columns, rows);
}
