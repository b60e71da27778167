import type { Prisma } from "@switchyard/db";

/**
 * Marks active services for the loop to plan again (their demand, a replica or a site changed),
 * inside the caller's transaction. The loop (loops/reconcile.ts) re-plans them, and applies the
 * plan for an AUTO service or records it as a proposal.
 */
export async function requestReplan(
  tx: Prisma.TransactionClient,
  where: Prisma.ServiceWhereInput,
  reason: string,
  now: Date,
) {
  await tx.service.updateMany({
    where: { ...where, state: "ACTIVE" },
    data: { replanReason: reason, replanRequestedAt: now },
  });
}

/** Replica states that make its service plan again: it lost its GPUs or will not get them. */
export const REPLAN_ON_REPLICA_STATES = ["FAILED", "PREEMPTED", "PENDING", "REJECTED"] as const;
