import type { Prisma, PrismaClient } from "@switchyard/db";
import type { TAudit } from "../lib/audited.ts";

/** How long a rejected site stays out of a service's plans by default: four hours. */
export const DEFAULT_REJECT_BACKOFF_SECONDS = 4 * 3_600;

/**
 * SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS: how long, after an approver rejected a service's
 * replica at a site, the service's plans leave that site out for that model (0: not at all).
 * A value that is not a whole number of seconds (up to 30 days) is refused at start, naming
 * the variable, rather than silently replaced by the default.
 */
export function serviceRejectBackoffFromEnv(env: Record<string, string | undefined> = process.env): number {
  const name = "SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS";
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return DEFAULT_REJECT_BACKOFF_SECONDS;
  if (!/^\d+$/.test(raw) || Number(raw) > 30 * 86_400)
    throw new Error(`${name} must be a whole number of seconds from 0 to 2592000 (30 days); it is "${raw}".`);
  return Number(raw);
}

/** "2026-12-03 21:52 UTC" */
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Policy kinds a data steward decides for a copy or a read of the model. */
const STEWARD_KINDS = new Set(["CROSS_BORDER_TRANSFER", "REGULATED_DATA"]);

/**
 * Inside the rejecting transaction (governance/approvals.ts): when the rejected request was for
 * a service's replica at a site, remembers it (which site, when, by whom, for which model) so
 * that the service's next plans leave that site out for the back-off period, and audits it.
 * Nothing for a workload of no service or a request without a site.
 */
export async function recordReplicaRejection(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  r: {
    approvalRequestId: string;
    workloadId: string;
    siteId: string | null;
    policy: { kind: string; name: string };
    comment: string | null;
    rejectedById: string | null;
    now: Date;
  },
) {
  if (!r.siteId) return;
  const workload = await tx.workload.findUnique({
    where: { id: r.workloadId },
    select: { name: true, service: { select: { id: true, modelId: true } } },
  });
  const service = workload?.service;
  if (!service) return;
  const site = await tx.site.findUnique({ where: { id: r.siteId }, select: { name: true } });
  const siteName = site?.name ?? r.siteId;
  const what =
    r.policy.kind === "CROSS_BORDER_TRANSFER"
      ? `the data steward rejected copying the model to ${siteName}`
      : r.policy.kind === "REGULATED_DATA"
        ? `the data steward rejected serving the model at ${siteName}`
        : `the approver rejected a replica at ${siteName} under "${r.policy.name}"`;
  const row = await tx.serviceSiteRejection.create({
    data: {
      serviceId: service.id,
      modelId: service.modelId,
      siteId: r.siteId,
      siteName,
      approvalRequestId: r.approvalRequestId,
      workloadId: r.workloadId,
      what,
      comment: r.comment,
      rejectedById: r.rejectedById,
      rejectedAt: r.now,
    },
    select: { id: true },
  });
  await audit({
    action: "service.site_rejected",
    objectType: "Service",
    objectId: service.id,
    after: {
      rejectionId: row.id,
      siteId: r.siteId,
      modelId: service.modelId,
      replica: workload.name,
      approvalRequestId: r.approvalRequestId,
      byDataSteward: STEWARD_KINDS.has(r.policy.kind),
      what,
    },
  });
}

export type TSiteExclusion = {
  siteId: string;
  siteName: string;
  /** "the data steward rejected copying the model to Tokyo at 2026-12-03 21:52 UTC; excluded until 2026-12-04 01:52 UTC" */
  reason: string;
  rejectedAt: string;
  until: string;
};

/**
 * The sites a service's plan made at `now` leaves out: those where an approver rejected one of
 * its replicas of the model it serves less than `backoffSeconds` ago (the latest rejection per
 * site), with why in words, as plain data for the engine (excludedSites).
 */
export async function activeExclusions(
  db: PrismaClient | Prisma.TransactionClient,
  service: { id: string; modelId: string },
  now: Date,
  backoffSeconds: number,
): Promise<TSiteExclusion[]> {
  if (backoffSeconds <= 0) return [];
  const rows = await db.serviceSiteRejection.findMany({
    where: {
      serviceId: service.id,
      modelId: service.modelId,
      rejectedAt: { gt: new Date(now.getTime() - backoffSeconds * 1_000), lte: now },
    },
    orderBy: [{ rejectedAt: "desc" }, { id: "asc" }],
    select: { siteId: true, siteName: true, what: true, rejectedAt: true },
  });
  const bySite = new Map<string, TSiteExclusion>();
  for (const row of rows) {
    if (bySite.has(row.siteId)) continue; // the latest one holds longest
    const until = new Date(row.rejectedAt.getTime() + backoffSeconds * 1_000);
    bySite.set(row.siteId, {
      siteId: row.siteId,
      siteName: row.siteName,
      reason: `${row.what} at ${when(row.rejectedAt)}; excluded until ${when(until)}`,
      rejectedAt: row.rejectedAt.toISOString(),
      until: until.toISOString(),
    });
  }
  return [...bySite.values()].sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
}
