import type { Prisma, WorkloadState } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { REPLAN_ON_REPLICA_STATES, requestReplan } from "../inference/replan-request.ts";
import type { TAudit } from "../lib/audited.ts";
import { registerModelArtifact } from "../models/register.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { releaseGpus } from "./allocations.ts";
import { checkTransition, HOLDING_STATES } from "./state-machine.ts";

export type TTransition = {
  workloadId: string;
  to: WorkloadState;
  actorId: string | null;
  reason: string;
  now: Date;
  /** Where it now runs (SCHEDULED), written with the state. */
  siteId?: string;
};

/**
 * Moves a workload to another state inside the caller's transaction: locks its row, refuses
 * an illegal change naming the allowed ones, releases its GPUs when it stops holding them,
 * records the event, an audit entry and a webhook event, and, for a training or fine-tuning
 * run that succeeds, registers the model it produced.
 */
export async function transitionWorkload(tx: Prisma.TransactionClient, audit: TAudit, t: TTransition) {
  const rows = await tx.$queryRaw<
    { state: WorkloadState }[]
  >`SELECT "state" FROM "Workload" WHERE "id" = ${t.workloadId} FOR UPDATE`;
  const from = rows[0]?.state;
  if (!from)
    throw new AppError("NOT_FOUND", `workload ${t.workloadId} not found`, {
      userMessage: "This workload does not exist.",
    });
  const check = checkTransition(from, t.to);
  if (!check.ok)
    throw new AppError("CONFLICT", `workload ${t.workloadId}: ${from} -> ${t.to} refused`, {
      userMessage: check.message,
    });

  const released =
    HOLDING_STATES.includes(from) && !HOLDING_STATES.includes(t.to)
      ? await releaseGpus(tx, t.workloadId, t.now)
      : 0;
  const moved = await tx.workload.update({
    where: { id: t.workloadId },
    select: { serviceId: true, name: true },
    data: {
      state: t.to,
      stateReason: t.reason,
      ...(t.to === "RUNNING" ? { startedAt: t.now } : {}),
      ...(["SUCCEEDED", "FAILED", "CANCELLED", "REJECTED"].includes(t.to) ? { finishedAt: t.now } : {}),
      ...(t.to === "PENDING" ? { siteId: null } : {}),
      ...(t.siteId !== undefined ? { siteId: t.siteId } : {}),
    },
  });
  await tx.workloadEvent.create({
    data: {
      workloadId: t.workloadId,
      fromState: from,
      toState: t.to,
      actorId: t.actorId,
      reason: t.reason,
      createdAt: t.now,
    },
  });
  await audit({
    action: `workload.${t.to.toLowerCase()}`,
    objectType: "Workload",
    objectId: t.workloadId,
    before: { state: from },
    after: { state: t.to, reason: t.reason, releasedGpus: released },
  });
  await enqueueWebhookEvent(
    tx,
    "workload.state_changed",
    { workloadId: t.workloadId, from, to: t.to, reason: t.reason },
    t.now,
  );
  // A replica that lost its GPUs (or will not get them) makes its service plan again.
  if (moved.serviceId && (REPLAN_ON_REPLICA_STATES as readonly string[]).includes(t.to))
    await requestReplan(
      tx,
      { id: moved.serviceId },
      `replica ${moved.name} ${t.to.toLowerCase()}: ${t.reason}`,
      t.now,
    );
  if (t.to === "SUCCEEDED") await registerModelArtifact(tx, audit, t.workloadId, t.now);
  return { from, to: t.to, releasedGpus: released };
}
