import { Prisma, type PrismaClient } from "@switchyard/db";
import { acquireLease, releaseLease } from "../loops/lease.ts";
import { BUCKET_MS, RETENTION_MS } from "./retention.ts";

const LEASE = "telemetry-rollup";
const WATERMARK = "rollup";
/**
 * Samples are stamped with the receiving replica's clock; re-reading this much before the
 * watermark covers replicas whose clocks lag (re-aggregating a bucket is idempotent).
 */
const CLOCK_MARGIN_MS = 60_000;

const TABLES = { "5m": "GpuSample5m", "1h": "GpuSample1h" } as const;

export type TTelemetryTickReport = {
  /** False when another process holds the lease: this one did nothing. */
  ran: boolean;
  buckets5m: number;
  buckets1h: number;
  pruned: { raw: number; "5m": number; "1h": number };
};

/**
 * One pass of the telemetry loop, under a lease so one process at a time does it:
 * 1. every 5-minute and hourly bucket that received samples since the last pass is
 *    aggregated again from the raw samples (average and maximum per node and GPU) and
 *    upserted, so a pass is idempotent and late samples (an agent's buffer) are counted;
 * 2. what is past retention is deleted: raw samples after 24 h, 5-minute rollups after 30
 *    days, hourly ones after a year.
 * `now` is the clock: tests pass it, the loop passes the time of the tick.
 */
export async function runTelemetryTick(
  prisma: PrismaClient,
  options: { holder: string; now?: Date },
): Promise<TTelemetryTickReport> {
  const report: TTelemetryTickReport = {
    ran: false,
    buckets5m: 0,
    buckets1h: 0,
    pruned: { raw: 0, "5m": 0, "1h": 0 },
  };
  if (!(await acquireLease(prisma, LEASE, options.holder, 300))) return report;
  try {
    const now = options.now ?? new Date();
    const mark = await prisma.telemetryWatermark.findUnique({ where: { name: WATERMARK } });
    const since = new Date((mark?.upTo.getTime() ?? now.getTime() - RETENTION_MS.raw) - CLOCK_MARGIN_MS);
    // A bucket that began before raw retention has lost raw samples: it is not rebuilt from them.
    const rawCutoff = new Date(now.getTime() - RETENTION_MS.raw);
    report.buckets5m = await rollUp(prisma, "5m", since, now, rawCutoff);
    report.buckets1h = await rollUp(prisma, "1h", since, now, rawCutoff);
    await prisma.telemetryWatermark.upsert({
      where: { name: WATERMARK },
      create: { name: WATERMARK, upTo: now },
      update: { upTo: now },
    });
    report.pruned = await pruneTelemetry(prisma, now);
    report.ran = true;
    return report;
  } finally {
    await releaseLease(prisma, LEASE, options.holder);
  }
}

/** Rebuilds the buckets of one resolution touched by samples received in (since, until]. */
function rollUp(prisma: PrismaClient, resolution: "5m" | "1h", since: Date, until: Date, rawCutoff: Date) {
  const table = Prisma.raw(`"${TABLES[resolution]}"`);
  const width = `${BUCKET_MS[resolution] / 1000} seconds`;
  return prisma.$executeRaw`
    WITH touched AS (
      SELECT DISTINCT "nodeId", "gpuIndex",
             date_bin(${width}::interval, "at", TIMESTAMP '2000-01-01') AS "bucket"
        FROM "GpuSample"
       WHERE "receivedAt" > ${since} AND "receivedAt" <= ${until}
    )
    INSERT INTO ${table} ("nodeId", "gpuIndex", "bucket", "samples", "utilizationAvg", "utilizationMax",
                          "memoryUsedAvg", "memoryUsedMax", "powerAvg", "powerMax", "temperatureAvg",
                          "temperatureMax", "eccErrorsMax", "xidErrorsMax")
    SELECT t."nodeId", t."gpuIndex", t."bucket", count(*)::int,
           avg(s."utilizationPct"), max(s."utilizationPct"), avg(s."memoryUsedMib"), max(s."memoryUsedMib"),
           avg(s."powerW"), max(s."powerW"), avg(s."temperatureC"), max(s."temperatureC"),
           max(s."eccErrors"), max(s."xidErrors")
      FROM touched t
      JOIN "GpuSample" s ON s."nodeId" = t."nodeId" AND s."gpuIndex" = t."gpuIndex"
                        AND s."at" >= t."bucket" AND s."at" < t."bucket" + ${width}::interval
     WHERE t."bucket" >= ${rawCutoff}
     GROUP BY t."nodeId", t."gpuIndex", t."bucket"
    ON CONFLICT ("nodeId", "gpuIndex", "bucket") DO UPDATE SET
      "samples" = EXCLUDED."samples",
      "utilizationAvg" = EXCLUDED."utilizationAvg", "utilizationMax" = EXCLUDED."utilizationMax",
      "memoryUsedAvg" = EXCLUDED."memoryUsedAvg", "memoryUsedMax" = EXCLUDED."memoryUsedMax",
      "powerAvg" = EXCLUDED."powerAvg", "powerMax" = EXCLUDED."powerMax",
      "temperatureAvg" = EXCLUDED."temperatureAvg", "temperatureMax" = EXCLUDED."temperatureMax",
      "eccErrorsMax" = EXCLUDED."eccErrorsMax", "xidErrorsMax" = EXCLUDED."xidErrorsMax"`;
}

/** Deletes what each resolution keeps no longer, as of `now`. */
export async function pruneTelemetry(prisma: PrismaClient, now: Date) {
  const before = (ms: number) => new Date(now.getTime() - ms);
  const [raw, fiveMinutes, hourly] = await prisma.$transaction([
    prisma.gpuSample.deleteMany({ where: { at: { lt: before(RETENTION_MS.raw) } } }),
    prisma.gpuSample5m.deleteMany({ where: { bucket: { lt: before(RETENTION_MS["5m"]) } } }),
    prisma.gpuSample1h.deleteMany({ where: { bucket: { lt: before(RETENTION_MS["1h"]) } } }),
  ]);
  return { raw: raw.count, "5m": fiveMinutes.count, "1h": hourly.count };
}
