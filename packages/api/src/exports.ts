import type { PrismaClient } from "@switchyard/db";
import type { z } from "zod";
import { ADMIN_ROLES, AUDIT_READER_ROLES, roleRefusal } from "./auth/rules.ts";
import type { TRole, TSessionUser } from "./auth/session.ts";
import { AppError } from "./errors.ts";
import { listApprovals, type TApprovalRow } from "./governance/approval-queries.ts";
import { listPolicies } from "./governance/policies.ts";
import { type TCsvColumn, toCsv } from "./lib/csv.ts";
import { findUnsafeInput, unsafeInputError } from "./lib/input.ts";
import { ZKeysetRowCursor } from "./lib/keyset.ts";
import { MAX_PAGE_SIZE, pageOf, type TPage, ZKeysetCursor, ZPagingInput } from "./lib/pagination.ts";
import { ZListApprovalsInput } from "./router/approval/approval.schema.ts";
import { ZListAuditInput } from "./router/audit/audit.schema.ts";
import { ZListDatasetsInput } from "./router/dataset/list-datasets.schema.ts";
import { ZListNodesInput } from "./router/node/list-nodes.schema.ts";
import { ZListSitesInput } from "./router/site/list-sites.schema.ts";
import { ZListTeamsInput } from "./router/team/list-teams.schema.ts";
import { ZShowbackInput } from "./router/team/team.schema.ts";
import { ZListWebhookDeliveriesInput } from "./router/webhook/webhook.schema.ts";
import { ZListWorkloadsInput } from "./router/workload/workload.schema.ts";
import { listAuditEvents } from "./services/audit.ts";
import { listDatasets, type TDatasetRow } from "./services/datasets.ts";
import { listNodes, type TNodeRow } from "./services/nodes.ts";
import { listSites, type TSiteRow } from "./services/sites.ts";
import { showbackRows, type TShowbackRow } from "./services/team-spend.ts";
import { listTeams, type TTeamRow } from "./services/teams.ts";
import { listWebhookDeliveries, listWebhooks } from "./webhooks/service.ts";
import { listWorkloads } from "./workloads/service.ts";

/**
 * CSV exports of the console's tables: each reuses its list's input schema and service, so
 * an export holds exactly the rows the table shows, on every page, in the same order.
 */
type TExport<Input, Row> = {
  input: z.ZodType<Input>;
  /** Called as the list's procedure calls its service: scoped lists get the signed-in user. */
  list: (prisma: PrismaClient, input: Input, user: TSessionUser, now: Date) => Promise<TPage<Row>>;
  columns: TCsvColumn<Row>[];
  /** The roles of the list's procedure (roleProcedure); absent when every signed-in user may list. */
  readers?: readonly TRole[];
  /** The table's query-string names that differ from the list's input names. */
  params?: Record<string, string>;
  /**
   * Keyset lists (the audit log, nodes, workloads) are read by following nextCursor, not by page
   * number: this reads the cursor as the list's input takes it.
   */
  keysetCursor?: { parse: (cursor: string) => unknown };
};

type TAnyExport = TExport<{ page: number; pageSize: number; cursor?: unknown }, unknown>;

function defineExport<Input extends { page: number; pageSize: number }, Row>(e: TExport<Input, Row>) {
  return e as unknown as TAnyExport;
}

type TWorkloadRow = Awaited<ReturnType<typeof listWorkloads>>["rows"][number];
type TAuditRow = Awaited<ReturnType<typeof listAuditEvents>>["rows"][number];
type TDeliveryRow = Awaited<ReturnType<typeof listWebhookDeliveries>>["rows"][number];
type TPolicyRow = Awaited<ReturnType<typeof listPolicies>>["rows"][number];
type TWebhookRow = Awaited<ReturnType<typeof listWebhooks>>["rows"][number];
const iso = (date: Date | null) => date?.toISOString();

const join = (values: string[]) => values.join("; ");
const EXPORT_PAGE_SIZE = 5_000;

export const EXPORTS: Record<string, TAnyExport> = {
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
    keysetCursor: ZKeysetRowCursor,
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
  workloads: defineExport({
    input: ZListWorkloadsInput,
    list: (prisma, input, user) => listWorkloads(prisma, user, input),
    keysetCursor: ZKeysetRowCursor,
    columns: [
      { header: "id", value: (r: TWorkloadRow) => r.id },
      { header: "name", value: (r) => r.name },
      { header: "state", value: (r) => r.state },
      { header: "state_reason", value: (r) => r.stateReason },
      { header: "kind", value: (r) => r.kind },
      { header: "team", value: (r) => r.team.name },
      { header: "site", value: (r) => r.site?.name },
      { header: "environment", value: (r) => r.site?.kind },
      { header: "gpus", value: (r) => r.gpuCount },
      { header: "gpu_models", value: (r) => join(r.gpuModels) },
      { header: "priority", value: (r) => r.priority },
      { header: "submitted_at", value: (r) => iso(r.createdAt) },
    ],
  }),
  approvals: defineExport({
    input: ZListApprovalsInput,
    list: (prisma, input, user) => listApprovals(prisma, user, input),
    columns: [
      { header: "id", value: (r: TApprovalRow) => r.id },
      { header: "status", value: (r) => r.status },
      { header: "workload", value: (r) => r.workload?.name },
      { header: "team", value: (r) => r.workload?.team.name },
      { header: "dataset_copy", value: (r) => r.transfer?.dataset.name },
      { header: "summary", value: (r) => r.summary },
      { header: "site", value: (r) => r.site?.name },
      { header: "jurisdiction", value: (r) => r.site?.jurisdiction },
      { header: "estimated_cost_usd", value: (r) => r.estimatedCostUsd },
      { header: "current_step", value: (r) => r.currentStep?.order },
      { header: "steps", value: (r) => r.steps },
      { header: "waiting_for", value: (r) => r.currentStep?.approvers },
      { header: "reason", value: (r) => r.currentStep?.reason },
      { header: "requested_by", value: (r) => r.requestedBy.name },
      { header: "requested_at", value: (r) => iso(r.createdAt) },
      { header: "expires_at", value: (r) => iso(r.expiresAt) },
      { header: "decided_at", value: (r) => iso(r.decidedAt) },
    ],
  }),
  audit: defineExport({
    input: ZListAuditInput,
    list: (prisma, input) => listAuditEvents(prisma, input),
    readers: AUDIT_READER_ROLES,
    keysetCursor: ZKeysetCursor,
    columns: [
      { header: "seq", value: (r: TAuditRow) => r.seq },
      { header: "created_at", value: (r) => iso(r.createdAt) },
      { header: "actor", value: (r) => r.actorLabel },
      { header: "action", value: (r) => r.action },
      { header: "object_type", value: (r) => r.objectType },
      { header: "object_id", value: (r) => r.objectId },
      { header: "request_id", value: (r) => r.requestId },
      { header: "hash", value: (r) => r.hash },
    ],
  }),
  "webhook-deliveries": defineExport({
    input: ZListWebhookDeliveriesInput,
    list: (prisma, input) => listWebhookDeliveries(prisma, input),
    readers: ADMIN_ROLES,
    params: { webhook: "webhookId" },
    columns: [
      { header: "id", value: (r: TDeliveryRow) => r.id },
      { header: "created_at", value: (r) => iso(r.createdAt) },
      { header: "webhook", value: (r) => r.webhook.name },
      { header: "event", value: (r) => r.event },
      { header: "status", value: (r) => r.status },
      { header: "attempts", value: (r) => r.attempts },
      { header: "max_attempts", value: (r) => r.maxAttempts },
      { header: "last_status_code", value: (r) => r.lastStatusCode },
      { header: "last_error", value: (r) => r.lastError },
      { header: "last_attempt_at", value: (r) => iso(r.lastAttemptAt) },
      { header: "next_attempt_at", value: (r) => iso(r.nextAttemptAt) },
      { header: "delivered_at", value: (r) => iso(r.deliveredAt) },
    ],
  }),
  policies: defineExport({
    input: ZPagingInput,
    list: (prisma, input) => listPolicies(prisma, input),
    columns: [
      { header: "key", value: (r: TPolicyRow) => r.key },
      { header: "version", value: (r) => r.version },
      { header: "name", value: (r) => r.name },
      { header: "kind", value: (r) => r.kind },
      { header: "enabled", value: (r) => String(r.enabled) },
      { header: "step_order", value: (r) => r.stepOrder },
      { header: "approver_kind", value: (r) => r.approverKind },
      { header: "approver_role", value: (r) => r.approverRole },
      { header: "required_approvals", value: (r) => r.requiredApprovals },
      { header: "threshold_usd", value: (r) => r.thresholdUsd },
      { header: "expires_after_hours", value: (r) => r.expiresAfterHours },
      { header: "pending_steps_on_older_versions", value: (r) => r.pendingStepsOnOlderVersions },
      { header: "created_by", value: (r) => r.createdBy?.email },
      { header: "created_at", value: (r) => iso(r.createdAt) },
    ],
  }),
  /** Spend per team and month: /api/export/showback?team=<team id>&month=2026-12. */
  showback: defineExport({
    input: ZShowbackInput,
    list: async (prisma, input, _user, now) =>
      pageOf(await showbackRows(prisma, { teamId: input.team, month: input.month }, now), input),
    columns: [
      { header: "team", value: (r: TShowbackRow) => r.team },
      { header: "month", value: (r) => r.month },
      { header: "site", value: (r) => r.siteName },
      { header: "gpu_model", value: (r) => r.gpuModel ?? "" },
      { header: "gpu_hours", value: (r) => r.gpuHours },
      { header: "gpu_cost_usd", value: (r) => r.gpuCostUsd },
      { header: "egress_cost_usd", value: (r) => r.egressUsd },
      { header: "total_usd", value: (r) => r.totalUsd },
      { header: "unpriced_gpu_hours", value: (r) => r.unpricedGpuHours },
    ],
  }),
  webhooks: defineExport({
    input: ZPagingInput,
    list: (prisma, input) => listWebhooks(prisma, input),
    readers: ADMIN_ROLES,
    // Never the secret, nor its hint: an export travels further than the settings page.
    columns: [
      { header: "id", value: (r: TWebhookRow) => r.id },
      { header: "name", value: (r) => r.name },
      { header: "url", value: (r) => r.url },
      { header: "events", value: (r) => join(r.events) },
      { header: "enabled", value: (r) => String(r.enabled) },
      { header: "recent_succeeded", value: (r) => r.deliveries.succeeded },
      { header: "recent_failed", value: (r) => r.deliveries.failed },
      { header: "pending", value: (r) => r.deliveries.pending },
      { header: "created_by", value: (r) => r.createdBy },
      { header: "created_at", value: (r) => iso(r.createdAt) },
    ],
  }),
};

/** Query-string values arrive as strings; lists take numbers for paging. */
function coerceQuery(query: URLSearchParams, params: Record<string, string> = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.create(null);
  for (const [key, value] of query) {
    if (key === "q") raw.search = value;
    else if (key === "dir") raw.direction = value;
    else if (Object.hasOwn(params, key)) raw[params[key] as string] = value;
    else if (key !== "page" && key !== "pageSize" && key !== "cursor") raw[key] = value;
  }
  return raw;
}

export async function exportCsv(
  prisma: PrismaClient,
  table: string,
  query: URLSearchParams,
  user: TSessionUser,
  /** Rows read per query (tests make it small to cross page boundaries); the clock for spend. */
  { pageSize = EXPORT_PAGE_SIZE, now = new Date() }: { pageSize?: number; now?: Date } = {},
): Promise<string> {
  // Own keys only: "__proto__", "constructor" or "toString" are no table.
  const definition = Object.hasOwn(EXPORTS, table) ? EXPORTS[table] : undefined;
  if (!definition)
    throw new AppError("NOT_FOUND", `no export ${table}`, {
      userMessage: `There is no table "${table.slice(0, 60)}" to export; use one of ${Object.keys(EXPORTS).join(", ")}.`,
    });
  // The same role rule as the list's procedure (roleProcedure), so a user who may not read a
  // table gets FORBIDDEN here too, before any query runs.
  const refusal = definition.readers ? roleRefusal(user.role, definition.readers, `export ${table}`) : null;
  if (refusal)
    throw new AppError("FORBIDDEN", `${user.role} may not export ${table}`, { userMessage: refusal });
  const rows: unknown[] = [];
  // The same sanitiser as every procedure, then the view's filters, validated once; then
  // read in pages larger than the API allows.
  const raw = coerceQuery(query, definition.params);
  const unsafe = findUnsafeInput(raw);
  if (unsafe.length > 0) throw unsafeInputError(unsafe);
  const filters = definition.input.parse({ ...raw, page: 1, pageSize: MAX_PAGE_SIZE });
  if (definition.keysetCursor) {
    // Follow the keyset cursor: each page starts after the last row read, so rows written
    // during the export neither repeat nor shift a row, and no page walks the rows before it.
    let cursor: unknown;
    for (;;) {
      const input = { ...filters, page: 1, pageSize, cursor };
      const result = await definition.list(prisma, input, user, now);
      rows.push(...result.rows);
      if (!result.nextCursor) break;
      cursor = definition.keysetCursor.parse(result.nextCursor);
    }
    return toCsv(definition.columns, rows);
  }
  for (let page = 1; ; page++) {
    const input = { ...filters, page, pageSize };
    const result = await definition.list(prisma, input, user, now);
    rows.push(...result.rows);
    if (page >= result.pages) break;
  }
  return toCsv(definition.columns, rows);
}
