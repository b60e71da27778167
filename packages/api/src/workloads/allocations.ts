import type { Prisma } from "@switchyard/db";
import type { TAllocation, TWorkloadRequestInput } from "@switchyard/placement";
import { AppError } from "../errors.ts";

export type TNodeAssignment = { nodeId: string; gpus: number };

/**
 * Holds GPUs on nodes for a workload inside the caller's transaction. Each node is taken
 * with one guarded UPDATE (READY, and enough free GPUs at that instant), so concurrent
 * schedulers can never over-allocate, at READ COMMITTED on PostgreSQL as on PGlite; the
 * CHECK constraint on GpuNode is the last line of defence. When a node no longer fits, the
 * nodes already taken are given back and CAPACITY_EXCEEDED is thrown: nothing is half-held,
 * and the caller may try another candidate or let the error abort its transaction.
 */
export async function holdGpus(
  tx: Prisma.TransactionClient,
  workloadId: string,
  assignments: TNodeAssignment[],
  decisionId: string | null,
): Promise<void> {
  // A stable order keeps two gangs that want the same nodes from deadlocking.
  const ordered = [...assignments].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  const held: TNodeAssignment[] = [];
  for (const { nodeId, gpus } of ordered) {
    const taken = await tx.$executeRaw`
      UPDATE "GpuNode" SET "gpuAllocated" = "gpuAllocated" + ${gpus}, "updatedAt" = now()
       WHERE "id" = ${nodeId} AND "status" = 'READY' AND "gpuAllocated" + ${gpus} <= "gpuCount"`;
    if (taken !== 1) {
      // The caller may try another candidate in this transaction (schedule.ts): give back the
      // gang's nodes taken so far (their rows stay locked by this transaction meanwhile).
      for (const h of held)
        await tx.$executeRaw`UPDATE "GpuNode" SET "gpuAllocated" = "gpuAllocated" - ${h.gpus}, "updatedAt" = now() WHERE "id" = ${h.nodeId}`;
      throw new AppError(
        "CAPACITY_EXCEEDED",
        `node ${nodeId} cannot hold ${gpus} more GPUs for ${workloadId}`,
        {
          userMessage: `Node ${nodeId.replace(/^node-/, "")} no longer has ${gpus} free GPUs; place the workload again.`,
        },
      );
    }
    held.push({ nodeId, gpus });
  }
  await tx.allocation.createMany({
    data: ordered.map((a) => ({ workloadId, nodeId: a.nodeId, gpus: a.gpus, decisionId })),
  });
}

/** Gives back every GPU a workload holds; returns how many. */
export async function releaseGpus(
  tx: Prisma.TransactionClient,
  workloadId: string,
  now: Date,
): Promise<number> {
  const active = await tx.allocation.findMany({
    where: { workloadId, status: "ACTIVE" },
    select: { id: true, nodeId: true, gpus: true },
  });
  for (const allocation of active) {
    await tx.$executeRaw`UPDATE "GpuNode" SET "gpuAllocated" = "gpuAllocated" - ${allocation.gpus}, "updatedAt" = now() WHERE "id" = ${allocation.nodeId}`;
  }
  if (active.length > 0) {
    await tx.allocation.updateMany({
      where: { id: { in: active.map((a) => a.id) } },
      data: { status: "RELEASED", releasedAt: now },
    });
  }
  return active.reduce((sum, a) => sum + a.gpus, 0);
}

/** What a workload holding a candidate's nodes adds to an estate (withAllocations). */
export function allocationsOf(
  workloadId: string,
  request: TWorkloadRequestInput,
  nodes: readonly TNodeAssignment[],
): TAllocation[] {
  return nodes.map((n) => ({
    workloadId,
    nodeId: n.nodeId,
    gpus: n.gpus,
    priority: request.priority ?? 0,
    preemptible: request.preemptible ?? false,
    teamId: request.teamId,
  }));
}
