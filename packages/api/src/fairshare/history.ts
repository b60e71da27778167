import type { PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { ANY_GPU_MODEL } from "../router/team/team.schema.ts";

/** Points per series: enough for a chart, whatever the range. */
const POINTS = 168;

export type TSharePoint = { at: Date; usedGpus: number; borrowedGpus: number };

/** A team's GPUs in all: its "*" quota when it has one, else the sum of its per-model quotas. */
export function totalOf(quotas: { gpuModel: string; guaranteedGpus: number; limitGpus: number }[]) {
  const any = quotas.find((q) => q.gpuModel === ANY_GPU_MODEL);
  if (any) return { guaranteedGpus: any.guaranteedGpus, limitGpus: any.limitGpus };
  return quotas.reduce(
    (sum, q) => ({
      guaranteedGpus: sum.guaranteedGpus + q.guaranteedGpus,
      limitGpus: sum.limitGpus + q.limitGpus,
    }),
    { guaranteedGpus: 0, limitGpus: 0 },
  );
}

/**
 * Guarantee, used and borrowed GPUs of a team over the last `days` days, from allocation
 * history: at each point, the GPUs of the team's allocations held at that instant, and of those
 * the ones marked BORROWED. The guarantee is today's (quota changes are in the audit log, not
 * replayed here).
 */
export async function teamShareHistory(prisma: PrismaClient, teamId: string, days: number, now: Date) {
  const team = await prisma.team.findUnique({
    where: { id: teamId },
    select: { id: true, quotas: { select: { gpuModel: true, guaranteedGpus: true, limitGpus: true } } },
  });
  if (!team)
    throw new AppError("NOT_FOUND", `team ${teamId} not found`, { userMessage: "This team does not exist." });
  const stepSeconds = Math.max(60, Math.floor((days * 86_400) / POINTS));
  // The last point is now itself.
  const from = new Date(now.getTime() - Math.floor((days * 86_400) / stepSeconds) * stepSeconds * 1_000);
  // Allocation times are UTC without a zone (TIMESTAMP(3)): the series is built in UTC too.
  const rows = await prisma.$queryRaw<{ at: Date; used: number; borrowed: number }[]>`
    SELECT s.t AS "at",
           COALESCE(SUM(a."gpus"), 0)::int AS "used",
           COALESCE(SUM(a."gpus") FILTER (WHERE a."share" = 'BORROWED'), 0)::int AS "borrowed"
      FROM generate_series(
             ${from}::timestamptz AT TIME ZONE 'UTC',
             ${now}::timestamptz AT TIME ZONE 'UTC',
             make_interval(secs => ${stepSeconds})) AS s(t)
      LEFT JOIN "Allocation" a
        ON a."createdAt" <= s.t AND (a."releasedAt" IS NULL OR a."releasedAt" > s.t)
       AND a."workloadId" IN (SELECT w."id" FROM "Workload" w WHERE w."teamId" = ${teamId})
     GROUP BY s.t
     ORDER BY s.t`;
  const total = totalOf(team.quotas);
  return {
    teamId,
    guaranteedGpus: total.guaranteedGpus,
    limitGpus: total.limitGpus,
    stepSeconds,
    points: rows.map((r) => ({
      // AT TIME ZONE gave a zone-less UTC time; the driver may read it as local: keep the UTC parts.
      at: asUtc(r.at),
      usedGpus: Number(r.used),
      borrowedGpus: Number(r.borrowed),
    })),
  };
}

function asUtc(value: Date | string): Date {
  if (typeof value === "string") return new Date(value.endsWith("Z") ? value : `${value}Z`);
  return value;
}
