/**
 * Checks that an estate is consistent, whatever happened to the processes that wrote it (a
 * console killed mid-request, a database restarted under load). Each check is one query over
 * the whole database, so it also finds damage that no single workload's page would show.
 */
import { type PrismaClient, verifyAuditChain } from "@switchyard/db";

export type TEstateReport = {
  /** One line per inconsistency found; empty when the estate is consistent. */
  problems: string[];
  workloads: number;
  activeAllocations: number;
  auditEvents: number;
};

const HOLDING_STATES = ["SCHEDULED", "RUNNING"];

export async function checkEstateConsistency(prisma: PrismaClient): Promise<TEstateReport> {
  const problems: string[] = [];

  // 1. Each node's allocated GPU count is the sum of its live allocations.
  const nodes = await prisma.$queryRaw<{ id: string; allocated: number; held: bigint; count: number }[]>`
    SELECT n."id", n."gpuAllocated" AS allocated, n."gpuCount" AS count,
           COALESCE(SUM(a."gpus") FILTER (WHERE a."status" = 'ACTIVE'), 0) AS held
      FROM "GpuNode" n LEFT JOIN "Allocation" a ON a."nodeId" = n."id"
     GROUP BY n."id"
    HAVING n."gpuAllocated" <> COALESCE(SUM(a."gpus") FILTER (WHERE a."status" = 'ACTIVE'), 0)
        OR n."gpuAllocated" > n."gpuCount" OR n."gpuAllocated" < 0`;
  for (const n of nodes)
    problems.push(
      `node ${n.id}: ${n.allocated} of ${n.count} GPUs allocated, live allocations hold ${n.held}`,
    );

  // 2. No live allocation of a workload that does not run (finished, cancelled, pending...).
  const stray = await prisma.$queryRaw<{ id: string; workloadId: string; state: string }[]>`
    SELECT a."id", a."workloadId", w."state"::text AS state
      FROM "Allocation" a JOIN "Workload" w ON w."id" = a."workloadId"
     WHERE a."status" = 'ACTIVE' AND w."state"::text <> ALL(${HOLDING_STATES})`;
  for (const a of stray)
    problems.push(`allocation ${a.id} is live but its workload ${a.workloadId} is ${a.state}`);

  // 3. A scheduled or running workload holds GPUs and has a site; one the engine placed has
  //    an accepted (or overridden) decision. (The demo seed's running work has no decisions.)
  const unheld = await prisma.$queryRaw<
    { id: string; state: string; siteId: string | null; decided: bigint }[]
  >`
    SELECT w."id", w."state"::text AS state, w."siteId",
           (SELECT COUNT(*) FROM "PlacementDecision" d
             WHERE d."workloadId" = w."id" AND d."status" IN ('ACCEPTED', 'OVERRIDDEN')) AS decided
      FROM "Workload" w
     WHERE w."state"::text = ANY(${HOLDING_STATES})
       AND (NOT EXISTS (SELECT 1 FROM "Allocation" a WHERE a."workloadId" = w."id" AND a."status" = 'ACTIVE')
            OR w."siteId" IS NULL
            OR (EXISTS (SELECT 1 FROM "PlacementDecision" d WHERE d."workloadId" = w."id")
                AND NOT EXISTS (SELECT 1 FROM "PlacementDecision" d
                                 WHERE d."workloadId" = w."id" AND d."status" IN ('ACCEPTED', 'OVERRIDDEN'))))`;
  for (const w of unheld)
    problems.push(
      `workload ${w.id} is ${w.state} without ${w.siteId === null ? "a site" : Number(w.decided) === 0 ? "an accepted decision" : "live allocations"}`,
    );

  // 4. No half-written workload: its state is the one its latest lifecycle event moved it to.
  const halfWritten = await prisma.$queryRaw<{ id: string; state: string; last: string | null }[]>`
    SELECT w."id", w."state"::text AS state,
           (SELECT e."toState"::text FROM "WorkloadEvent" e WHERE e."workloadId" = w."id"
             ORDER BY e."createdAt" DESC, e."id" DESC LIMIT 1) AS last
      FROM "Workload" w`;
  for (const w of halfWritten) {
    if (w.last === null) problems.push(`workload ${w.id} (${w.state}) has no lifecycle event`);
    else if (w.last !== w.state)
      problems.push(`workload ${w.id} is ${w.state} but its last event says ${w.last}`);
  }

  // 5. The audit chain verifies end to end.
  const audit = await verifyAuditChain(prisma);
  if (!audit.ok)
    problems.push(
      `audit chain: ${audit.brokenCount} broken event(s), first ${audit.broken
        .slice(0, 3)
        .map((b) => `#${b.seq}: ${b.reason}`)
        .join("; ")}`,
    );

  const activeAllocations = await prisma.allocation.count({ where: { status: "ACTIVE" } });
  return { problems, workloads: halfWritten.length, activeAllocations, auditEvents: audit.checked };
}
