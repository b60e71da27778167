import { Prisma, type PrismaClient, type SiteKind } from "@switchyard/db";

type TDb = PrismaClient | Prisma.TransactionClient;

/**
 * Spend, from the allocation history: every allocation holds `gpus` GPUs of a node from its
 * createdAt until its releasedAt (an ACTIVE one until `now`). GPU-hours are the overlap of
 * that span with each bucket (an hour or a UTC day) times the GPUs; their cost is the
 * GPU-hours times the site's current price for the node's GPU model (SitePrice.usdPerGpuHour,
 * on-prem: the amortised cost per GPU-hour). A model the site has no price for costs 0 and
 * is reported as unpriced GPU-hours. Egress is the cost of dataset copies
 * (DataTransfer.costUsd) made for a team's workloads, counted at the source site (which
 * bills it) on the day the copy completed.
 *
 * `now` is always passed in, so the same rows always give the same figures.
 */
export type TBucket = "hour" | "day";

export type TSpendWindow = {
  /** Start of the first bucket (inclusive); whole hours or UTC days. */
  from: Date;
  /** End of the last bucket (exclusive). */
  to: Date;
  bucket: TBucket;
  now: Date;
  /** Only these teams; all teams when absent. */
  teamIds?: readonly string[];
};

/** GPU-hours one team held at one site on one GPU model within one bucket. */
export type TGpuHoursRow = {
  /** Bucket start, ISO 8601 UTC. */
  bucket: string;
  teamId: string;
  siteId: string;
  siteKind: SiteKind;
  gpuModel: string;
  gpuHours: number;
  gpuCostUsd: number;
  /** GPU-hours at a site with no price for the model (counted at $0). */
  unpricedGpuHours: number;
};

export type TEgressRow = { bucket: string; teamId: string; siteId: string; egressUsd: number };

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const at = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp(3)`;
const step = (bucket: TBucket) => Prisma.raw(bucket === "hour" ? "interval '1 hour'" : "interval '1 day'");
const teamFilter = (column: Prisma.Sql, teamIds?: readonly string[]) =>
  teamIds === undefined
    ? Prisma.empty
    : teamIds.length === 0
      ? Prisma.sql`AND FALSE`
      : Prisma.sql`AND ${column} IN (${Prisma.join([...teamIds])})`;

/**
 * GPU-hours and their cost per bucket, team, site and GPU model: one query. Allocations that
 * began before `now` count up to `now` (a bucket in the future gets nothing).
 */
export async function gpuHoursByBucket(db: TDb, w: TSpendWindow): Promise<TGpuHoursRow[]> {
  const rows = await db.$queryRaw<TGpuHoursRow[]>`
    WITH buckets AS (
      SELECT b AS "start", b + ${step(w.bucket)} AS "end"
        FROM generate_series(${at(w.from)}, ${at(w.to)} - ${step(w.bucket)}, ${step(w.bucket)}) AS b
    ), held AS (
      SELECT wl."teamId", n."siteId", s."kind", n."gpuModel", a."gpus", a."createdAt" AS "start",
             LEAST(COALESCE(a."releasedAt", ${at(w.now)}), ${at(w.now)}) AS "end"
        FROM "Allocation" a
        JOIN "Workload" wl ON wl."id" = a."workloadId"
        JOIN "GpuNode" n ON n."id" = a."nodeId"
        JOIN "Site" s ON s."id" = n."siteId"
       WHERE a."createdAt" < ${at(w.to)}
         AND COALESCE(a."releasedAt", ${at(w.now)}) > ${at(w.from)}
         ${teamFilter(Prisma.sql`wl."teamId"`, w.teamIds)}
    ), hours AS (
      SELECT b."start" AS "bucket", h."teamId", h."siteId", h."kind", h."gpuModel",
             SUM(h."gpus" * EXTRACT(EPOCH FROM (LEAST(h."end", b."end") - GREATEST(h."start", b."start"))) / 3600) AS "gpuHours"
        FROM buckets b
        JOIN held h ON h."start" < b."end" AND h."end" > b."start"
       GROUP BY b."start", h."teamId", h."siteId", h."kind", h."gpuModel"
    )
    SELECT to_char(x."bucket", ${Prisma.raw(ISO)}) AS "bucket", x."teamId", x."siteId",
           x."kind"::text AS "siteKind", x."gpuModel",
           ROUND(x."gpuHours", 6)::float8 AS "gpuHours",
           ROUND(x."gpuHours" * COALESCE(p."usdPerGpuHour", 0), 4)::float8 AS "gpuCostUsd",
           (CASE WHEN p."id" IS NULL THEN ROUND(x."gpuHours", 6) ELSE 0 END)::float8 AS "unpricedGpuHours"
      FROM hours x
      LEFT JOIN "SitePrice" p ON p."siteId" = x."siteId" AND p."gpuModel" = x."gpuModel"
     ORDER BY 1, 2, 3, 5`;
  return rows;
}

/** Egress of completed dataset copies per bucket, team and source site. */
export async function egressByBucket(db: TDb, w: TSpendWindow): Promise<TEgressRow[]> {
  return db.$queryRaw<TEgressRow[]>`
    SELECT to_char(date_trunc(${w.bucket}, t."completedAt"), ${Prisma.raw(ISO)}) AS "bucket",
           wl."teamId", t."sourceSiteId" AS "siteId", SUM(t."costUsd")::float8 AS "egressUsd"
      FROM "DataTransfer" t
      JOIN "Workload" wl ON wl."id" = t."workloadId"
     WHERE t."status" = 'COMPLETED'
       AND t."completedAt" >= ${at(w.from)} AND t."completedAt" < ${at(w.to)}
       AND t."completedAt" <= ${at(w.now)}
       ${teamFilter(Prisma.sql`wl."teamId"`, w.teamIds)}
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3`;
}
