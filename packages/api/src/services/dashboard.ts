import type { Prisma, PrismaClient, SiteKind } from "@switchyard/db";
import { egressByBucket, gpuHoursByBucket, type TBucket, type TGpuHoursRow } from "./spend.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const KINDS: SiteKind[] = ["ON_PREM", "CLOUD", "EDGE"];
/** Ranges up to two days are drawn by the hour, longer ones by the UTC day. */
const HOURLY_UP_TO_MS = 2 * DAY_MS;

/** The buckets a dashboard range is drawn in: whole hours or UTC days covering from..to. */
export type TDashboardWindow = { from: Date; to: Date; bucket: TBucket; now: Date; buckets: string[] };

export function dashboardWindow(range: { from: Date; to: Date }, now: Date): TDashboardWindow {
  const bucket: TBucket = range.to.getTime() - range.from.getTime() <= HOURLY_UP_TO_MS ? "hour" : "day";
  const size = bucket === "hour" ? HOUR_MS : DAY_MS;
  const from = Math.floor(range.from.getTime() / size) * size;
  const to = Math.max(from + size, Math.ceil(range.to.getTime() / size) * size);
  const buckets: string[] = [];
  for (let t = from; t < to; t += size) buckets.push(new Date(t).toISOString());
  return { from: new Date(from), to: new Date(to), bucket, now, buckets };
}

const bucketEnd = (w: TDashboardWindow, bucket: string) =>
  new Date(bucket).getTime() + (w.bucket === "hour" ? HOUR_MS : DAY_MS);

/** Hours of the bucket up to now: the part of it that has happened. */
const elapsedHours = (w: TDashboardWindow, bucket: string) =>
  Math.max(0, Math.min(bucketEnd(w, bucket), w.now.getTime()) - new Date(bucket).getTime()) / HOUR_MS;

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

type TNodeCapacity = { siteId: string; kind: SiteKind; gpuCount: number; createdAt: Date };

/** GPU nodes of sites in service, with when each came (capacity before that is not counted). */
function nodeCapacity(db: TDb): Promise<TNodeCapacity[]> {
  return db.$queryRaw<TNodeCapacity[]>`
    SELECT n."siteId", s."kind"::text AS "kind", n."gpuCount", n."createdAt"
      FROM "GpuNode" n JOIN "Site" s ON s."id" = n."siteId"
     WHERE s."status" <> 'DECOMMISSIONED'`;
}

export type TGpuPoint = { bucket: string; kind: SiteKind; allocated: number; free: number; total: number };

/**
 * GPUs allocated and free per environment in each bucket, from the allocation history:
 * allocated is the average held over the part of the bucket that has happened (GPU-hours ÷
 * hours), total the GPUs of nodes that existed by the bucket's end. Buckets in the future
 * are left out.
 */
export function gpusOverTime(
  w: TDashboardWindow,
  hours: readonly TGpuHoursRow[],
  nodes: readonly TNodeCapacity[],
): TGpuPoint[] {
  const held = new Map<string, number>();
  for (const row of hours)
    held.set(
      `${row.bucket}|${row.siteKind}`,
      (held.get(`${row.bucket}|${row.siteKind}`) ?? 0) + row.gpuHours,
    );
  return w.buckets.flatMap((bucket) => {
    const elapsed = elapsedHours(w, bucket);
    if (elapsed === 0) return [];
    const until = Math.min(bucketEnd(w, bucket), w.now.getTime());
    return KINDS.map((kind) => {
      const total = nodes
        .filter((n) => n.kind === kind && n.createdAt.getTime() < until)
        .reduce((sum, n) => sum + n.gpuCount, 0);
      const allocated = round((held.get(`${bucket}|${kind}`) ?? 0) / elapsed);
      return { bucket, kind, allocated, free: round(Math.max(0, total - allocated)), total };
    });
  });
}

export type TSiteShare = {
  siteId: string;
  siteName: string;
  kind: SiteKind;
  share: number;
  gpuHours: number;
  capacityGpuHours: number;
};

/**
 * Each site's allocated share over the window up to now: GPU-hours held ÷ GPU-hours its nodes
 * offered (from when each node came). Sites without capacity in the window are left out.
 */
export async function siteShares(
  db: TDb,
  w: TDashboardWindow,
  hours: readonly TGpuHoursRow[],
  nodes: readonly TNodeCapacity[],
): Promise<TSiteShare[]> {
  const end = Math.min(w.to.getTime(), w.now.getTime());
  const capacity = new Map<string, number>();
  for (const n of nodes) {
    const start = Math.max(n.createdAt.getTime(), w.from.getTime());
    if (end > start)
      capacity.set(n.siteId, (capacity.get(n.siteId) ?? 0) + (n.gpuCount * (end - start)) / HOUR_MS);
  }
  const held = new Map<string, number>();
  for (const row of hours) held.set(row.siteId, (held.get(row.siteId) ?? 0) + row.gpuHours);
  const sites = await db.site.findMany({
    where: { id: { in: [...capacity.keys()] } },
    select: { id: true, name: true, kind: true },
  });
  return sites
    .map((s) => {
      const offered = capacity.get(s.id) ?? 0;
      const gpuHours = round(held.get(s.id) ?? 0, 4);
      return {
        siteId: s.id,
        siteName: s.name,
        kind: s.kind,
        share: round(gpuHours / offered, 4),
        gpuHours,
        capacityGpuHours: round(offered, 4),
      };
    })
    .sort((a, b) => b.share - a.share || a.siteName.localeCompare(b.siteName));
}

export type TTeamSpendPoint = { bucket: string; teamId: string; totalUsd: number };

/** Spend (GPU cost + egress) per team in each bucket; teams without spend are left out. */
export async function spendByTeamOverTime(
  db: TDb,
  w: TDashboardWindow,
  hours: readonly TGpuHoursRow[],
): Promise<{ teams: { id: string; name: string; totalUsd: number }[]; points: TTeamSpendPoint[] }> {
  const egress = await egressByBucket(db, w);
  const sums = new Map<string, number>();
  const add = (bucket: string, teamId: string, usd: number) =>
    sums.set(`${bucket}|${teamId}`, (sums.get(`${bucket}|${teamId}`) ?? 0) + usd);
  for (const row of hours) add(row.bucket, row.teamId, row.gpuCostUsd);
  for (const row of egress) add(row.bucket, row.teamId, row.egressUsd);
  const points = [...sums.entries()]
    .map(([key, usd]) => {
      const [bucket = "", teamId = ""] = key.split("|");
      return { bucket, teamId, totalUsd: round(usd, 4) };
    })
    .sort((a, b) => a.bucket.localeCompare(b.bucket) || a.teamId.localeCompare(b.teamId));
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.teamId, round((totals.get(p.teamId) ?? 0) + p.totalUsd, 4));
  const teams = await db.team.findMany({
    where: { id: { in: [...totals.keys()] } },
    select: { id: true, name: true },
  });
  return {
    teams: teams
      .map((t) => ({ ...t, totalUsd: totals.get(t.id) ?? 0 }))
      .sort((a, b) => b.totalUsd - a.totalUsd || a.name.localeCompare(b.name)),
    points,
  };
}

export type TPlacementPoint = { bucket: string; kind: SiteKind; placements: number };

/** Placements decided (accepted or overridden) in each bucket, by the chosen site's environment. */
export async function placementsOverTime(db: TDb, w: TDashboardWindow): Promise<TPlacementPoint[]> {
  const rows = await db.$queryRaw<TPlacementPoint[]>`
    SELECT to_char(date_trunc(${w.bucket}, d."decidedAt"), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "bucket",
           s."kind"::text AS "kind", COUNT(*)::int AS "placements"
      FROM "PlacementDecision" d JOIN "Site" s ON s."id" = d."chosenSiteId"
     WHERE d."status" IN ('ACCEPTED', 'OVERRIDDEN')
       AND d."decidedAt" >= ${w.from.toISOString()}::timestamp(3)
       AND d."decidedAt" < ${w.to.toISOString()}::timestamp(3)
     GROUP BY 1, 2
     ORDER BY 1, 2`;
  return rows;
}

export type TRejectionReason = { plugin: string; message: string; sites: number; decisions: number };

/**
 * Why sites were turned down in the decisions made in the window: each decision stores, per
 * first reason, how many sites it rejected (rejections.reasonCounts); summed over decisions.
 */
export async function topRejectionReasons(
  db: TDb,
  w: TDashboardWindow,
  limit = 8,
): Promise<TRejectionReason[]> {
  return db.$queryRaw<TRejectionReason[]>`
    SELECT r->>'plugin' AS "plugin", r->>'message' AS "message",
           SUM((r->>'count')::int)::int AS "sites", COUNT(DISTINCT d."id")::int AS "decisions"
      FROM "PlacementDecision" d
     CROSS JOIN LATERAL jsonb_array_elements(COALESCE(d."rejections"->'reasonCounts', '[]'::jsonb)) AS r
     WHERE d."createdAt" >= ${w.from.toISOString()}::timestamp(3)
       AND d."createdAt" < ${w.to.toISOString()}::timestamp(3)
     GROUP BY 1, 2
     ORDER BY 3 DESC, 4 DESC, 1, 2
     LIMIT ${limit}::int`;
}

/**
 * Approval requests waiting now (PENDING, as the approvals page's open view counts them; the
 * loop expires those past their deadline): how many, and the oldest few.
 */
export async function pendingApprovals(db: TDb, take = 5) {
  const where = { status: "PENDING" as const };
  const [count, oldest] = await Promise.all([
    db.approvalRequest.count({ where }),
    db.approvalRequest.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take,
      select: { id: true, summary: true, createdAt: true, expiresAt: true },
    }),
  ]);
  return { count, oldest };
}

/** Everything the overview's dashboards draw for one range, read in a few queries. */
export async function getDashboard(db: TDb, range: { from: Date; to: Date }, now: Date) {
  const w = dashboardWindow(range, now);
  const [hours, nodes] = await Promise.all([gpuHoursByBucket(db, w), nodeCapacity(db)]);
  const [spend, placements, rejections, approvals, shares] = await Promise.all([
    spendByTeamOverTime(db, w, hours),
    placementsOverTime(db, w),
    topRejectionReasons(db, w),
    pendingApprovals(db),
    siteShares(db, w, hours, nodes),
  ]);
  return {
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    bucket: w.bucket,
    buckets: w.buckets,
    gpus: gpusOverTime(w, hours, nodes),
    spend,
    placements,
    rejections,
    approvals,
    sites: shares,
  };
}
