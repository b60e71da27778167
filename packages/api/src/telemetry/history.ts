import { Prisma, type PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { BUCKET_MS, RETENTION_MS } from "./retention.ts";

/** One point of a GPU's series: the bucket's start, and the average and maximum in it. */
export type TTelemetryPoint = {
  at: Date;
  samples: number;
  utilizationAvg: number;
  utilizationMax: number;
  memoryUsedAvg: number;
  memoryUsedMax: number;
  powerAvg: number | null;
  powerMax: number | null;
  temperatureAvg: number | null;
  temperatureMax: number | null;
  eccErrorsMax: number | null;
  xidErrorsMax: number | null;
};

export type TTelemetryHistory = {
  /** Where the points come from: raw samples (bucketed on the fly), 5-minute or hourly rollups. */
  source: "raw" | "5m" | "1h";
  bucketSeconds: number;
  from: Date;
  to: Date;
  gpus: { gpuIndex: number; points: TTelemetryPoint[] }[];
};

/** At most this many points per GPU, whatever the range. */
const MAX_POINTS = 800;

/**
 * Which store answers a range: raw samples while the range lies inside raw retention (a day),
 * bucketed on the fly so the last minutes show before any rollup ran; 5-minute rollups inside
 * 30 days for ranges up to a week; hourly beyond. The bucket widens to keep at most MAX_POINTS points per GPU.
 */
export function chooseSource(
  from: Date,
  to: Date,
  now: Date,
): { source: TTelemetryHistory["source"]; bucketMs: number } {
  const span = to.getTime() - from.getTime();
  const age = now.getTime() - from.getTime();
  const source =
    age <= RETENTION_MS.raw ? "raw" : age <= RETENTION_MS["5m"] && span <= 7 * RETENTION_MS.raw ? "5m" : "1h";
  const base = source === "1h" ? BUCKET_MS["1h"] : BUCKET_MS["5m"];
  return { source, bucketMs: Math.max(base, Math.ceil(span / MAX_POINTS / base) * base) };
}

/** A node's telemetry over [from, to): one series per GPU, oldest point first. */
export async function getNodeTelemetry(
  prisma: PrismaClient,
  input: { id: string; from: Date; to: Date },
  now = new Date(),
): Promise<TTelemetryHistory> {
  if (input.to <= input.from) {
    throw new AppError("INVALID_REQUEST", "telemetry range is empty", {
      userMessage: "The end of the range must come after its start.",
      field: "to",
    });
  }
  const node = await prisma.gpuNode.findUnique({ where: { id: input.id }, select: { id: true } });
  if (!node)
    throw new AppError("NOT_FOUND", `node ${input.id} not found`, {
      userMessage: "This node does not exist.",
    });
  const { source, bucketMs } = chooseSource(input.from, input.to, now);
  const width = `${bucketMs / 1000} seconds`;
  const rows = await prisma.$queryRaw<(TTelemetryPoint & { gpuIndex: number })[]>(
    source === "raw"
      ? Prisma.sql`
    SELECT "gpuIndex", date_bin(${width}::interval, "at", TIMESTAMP '2000-01-01') AS "at", count(*)::int AS "samples",
           avg("utilizationPct")::float8 AS "utilizationAvg", max("utilizationPct")::float8 AS "utilizationMax",
           avg("memoryUsedMib")::float8 AS "memoryUsedAvg", max("memoryUsedMib")::int AS "memoryUsedMax",
           avg("powerW")::float8 AS "powerAvg", max("powerW")::float8 AS "powerMax",
           avg("temperatureC")::float8 AS "temperatureAvg", max("temperatureC")::float8 AS "temperatureMax",
           max("eccErrors")::int AS "eccErrorsMax", max("xidErrors")::int AS "xidErrorsMax"
      FROM "GpuSample" WHERE "nodeId" = ${node.id} AND "at" >= ${input.from} AND "at" < ${input.to}
     GROUP BY 1, 2 ORDER BY 1, 2`
      : Prisma.sql`
    SELECT "gpuIndex", date_bin(${width}::interval, "bucket", TIMESTAMP '2000-01-01') AS "at", sum("samples")::int AS "samples",
           (sum("utilizationAvg" * "samples") / sum("samples"))::float8 AS "utilizationAvg", max("utilizationMax")::float8 AS "utilizationMax",
           (sum("memoryUsedAvg" * "samples") / sum("samples"))::float8 AS "memoryUsedAvg", max("memoryUsedMax")::int AS "memoryUsedMax",
           (sum("powerAvg" * "samples") / nullif(sum(CASE WHEN "powerAvg" IS NULL THEN 0 ELSE "samples" END), 0))::float8 AS "powerAvg",
           max("powerMax")::float8 AS "powerMax",
           (sum("temperatureAvg" * "samples") / nullif(sum(CASE WHEN "temperatureAvg" IS NULL THEN 0 ELSE "samples" END), 0))::float8 AS "temperatureAvg",
           max("temperatureMax")::float8 AS "temperatureMax",
           max("eccErrorsMax")::int AS "eccErrorsMax", max("xidErrorsMax")::int AS "xidErrorsMax"
      FROM ${Prisma.raw(source === "5m" ? '"GpuSample5m"' : '"GpuSample1h"')}
     WHERE "nodeId" = ${node.id} AND "bucket" >= ${input.from} AND "bucket" < ${input.to}
     GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const byGpu = new Map<number, TTelemetryPoint[]>();
  for (const { gpuIndex, ...point } of rows) {
    const points = byGpu.get(gpuIndex) ?? [];
    points.push(point);
    byGpu.set(gpuIndex, points);
  }
  return {
    source,
    bucketSeconds: bucketMs / 1000,
    from: input.from,
    to: input.to,
    gpus: [...byGpu].map(([gpuIndex, points]) => ({ gpuIndex, points })),
  };
}
