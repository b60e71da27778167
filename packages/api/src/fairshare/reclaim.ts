import type { EntitlementShare, Prisma, PrismaClient } from "@switchyard/db";
import {
  classifyBorrowed,
  fairRound,
  PlacementInputError,
  type TPreparedSnapshot,
  type TReclaimPlan,
  type TRunningWork,
  type TWorkloadRequestInput,
} from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TActor, type TMutationContext } from "../lib/audited.ts";
import { timePlacement } from "../observability/metrics.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { demandOf, readFairShareInputs, readFairShareTree } from "./estate.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

/** Running work (holding GPUs) as fair sharing sees it: one entry per workload, on its nodes' model. */
async function readRunning(db: TDb): Promise<TRunningWork[]> {
  const rows = await db.workload.findMany({
    where: { state: { in: ["SCHEDULED", "RUNNING"] }, allocations: { some: { status: "ACTIVE" } } },
    select: {
      id: true,
      teamId: true,
      priority: true,
      startedAt: true,
      createdAt: true,
      allocations: {
        where: { status: "ACTIVE" },
        select: { gpus: true, createdAt: true, node: { select: { gpuModel: true, siteId: true } } },
      },
      reclaimsSuffered: { where: { status: "GRACE" }, select: { id: true }, take: 1 },
    },
    orderBy: { id: "asc" },
  });
  return rows.map((w) => {
    const first = w.allocations[0];
    return {
      workloadId: w.id,
      teamId: w.teamId,
      gpuModel: first?.node.gpuModel ?? "*",
      gpus: w.allocations.reduce((sum, a) => sum + a.gpus, 0),
      ...(first ? { siteId: first.node.siteId } : {}),
      priority: w.priority,
      startedAt: (w.startedAt ?? first?.createdAt ?? w.createdAt).getTime(),
      stopping: w.reclaimsSuffered.length > 0,
    };
  });
}

/**
 * The fair-share round for the pending retry: the engine's fairRound (fair order, placement
 * without preemption first, then reclaim of borrowed GPUs for work of teams under their fair
 * share, from teams over theirs) on the tick's estate; work reclaims only once it has waited
 * `reclaimAfterSeconds`. Null when the estate has no GPUs to share.
 */
export async function planFairRound(
  prisma: PrismaClient,
  snapshot: TPreparedSnapshot,
  pending: { request: TWorkloadRequestInput; submittedAt: number; gpuModels: string[]; gpuCount: number }[],
  now: Date,
  options: { reclaimAfterSeconds?: number } = {},
): Promise<TReclaimPlan | null> {
  const [inputs, running] = await Promise.all([readFairShareInputs(prisma, snapshot), readRunning(prisma)]);
  if (!Object.values(inputs.capacity).some((g) => g > 0)) return null;
  const demand = pending.map((p) =>
    demandOf({ teamId: p.request.teamId, gpuModels: p.gpuModels, gpuCount: p.gpuCount }, inputs.capacity),
  );
  try {
    // The same engine round as `npm run bench:fairness`: shares, fair order, fair-share reclaim.
    return timePlacement("batch", () =>
      fairRound({
        snapshot,
        tree: inputs.tree,
        usage: inputs.usage,
        demand,
        capacity: inputs.capacity,
        running,
        pending: pending.map((p) => ({ request: p.request, submittedAt: p.submittedAt })),
        searchEffort: 0,
        explainUnplaced: "none",
        reclaimAfter: (options.reclaimAfterSeconds ?? 0) * 1_000,
        now: now.getTime(),
      }),
    );
  } catch (error) {
    // The estate as read disagrees with itself (a team or model appeared between reads): the
    // caller places this round without fair sharing, and the next tick reads it again.
    if (error instanceof PlacementInputError) return null;
    throw error;
  }
}

/**
 * Starts the grace period of each preemption the plan asks for: a Reclaim row naming both
 * workloads with the reason, an event on each, audited. A victim already in a grace period is
 * left as it is. Returns the victims told.
 */
export async function startReclaims(
  ctx: TMutationContext<TActor>,
  plan: TReclaimPlan,
  graceSeconds: number,
  now: Date,
): Promise<string[]> {
  const told: string[] = [];
  for (const p of plan.preemptions) {
    const started = await auditedTransaction(ctx, async (tx, audit) => {
      const victim = await tx.$queryRaw<{ state: string }[]>`
        SELECT "state" FROM "Workload" WHERE "id" = ${p.workloadId} FOR UPDATE`;
      if (!["SCHEDULED", "RUNNING"].includes(victim[0]?.state ?? "")) return false;
      const open = await tx.reclaim.findFirst({
        where: { victimId: p.workloadId, status: "GRACE" },
        select: { id: true },
      });
      if (open) return false;
      const graceEndsAt = new Date(now.getTime() + graceSeconds * 1_000);
      const reclaim = await tx.reclaim.create({
        data: {
          victimId: p.workloadId,
          beneficiaryId: p.forWorkloadId,
          reason: p.reason,
          gpus: p.gpus,
          graceEndsAt,
          createdAt: now,
        },
      });
      const when = graceEndsAt.toISOString();
      await tx.workloadEvent.createMany({
        data: [
          {
            workloadId: p.workloadId,
            fromState: victim[0]?.state as "RUNNING",
            toState: victim[0]?.state as "RUNNING",
            reason: `to be preempted at ${when} (grace period ${graceSeconds} s): ${p.reason}`,
            createdAt: now,
          },
          {
            workloadId: p.forWorkloadId,
            fromState: "PENDING",
            toState: "PENDING",
            reason: `reclaiming ${p.gpus} borrowed GPUs from ${p.workloadId} (team ${p.teamId}) at ${when}: ${p.reason}`,
            createdAt: now,
          },
        ],
      });
      await audit({
        action: "workload.reclaim.start",
        objectType: "Workload",
        objectId: p.workloadId,
        after: {
          reclaimId: reclaim.id,
          forWorkloadId: p.forWorkloadId,
          gpus: p.gpus,
          graceEndsAt: when,
          reason: p.reason,
        },
      });
      return true;
    });
    if (started) told.push(p.workloadId);
  }
  return told;
}

/**
 * Reclaims whose grace period is over: the victim is PREEMPTED (its GPUs released, so the
 * executor loop stops its Slurm job or deletes its Kubernetes Job) and put back in the queue
 * (PENDING), with the reason on both workloads. A reclaim no longer needed (the beneficiary
 * left the queue, the victim ended) is closed as CANCELLED. Each reclaim is claimed by one
 * guarded UPDATE, so two processes never handle the same one.
 */
export async function finishReclaims(ctx: TMutationContext<TActor>, now: Date) {
  const due = await ctx.prisma.reclaim.findMany({
    where: { status: "GRACE", graceEndsAt: { lte: now } },
    select: { id: true },
    orderBy: { graceEndsAt: "asc" },
  });
  const preempted: string[] = [];
  const cancelled: string[] = [];
  const beneficiaries: string[] = [];
  for (const { id } of due) {
    const outcome = await auditedTransaction(ctx, async (tx, audit) => {
      const claimed = await tx.$queryRaw<
        { victimId: string; beneficiaryId: string; reason: string; gpus: number }[]
      >`
        UPDATE "Reclaim" SET "status" = 'DONE', "endedAt" = ${now}
         WHERE "id" = ${id} AND "status" = 'GRACE'
        RETURNING "victimId", "beneficiaryId", "reason", "gpus"`;
      const r = claimed[0];
      if (!r) return null;
      const [victim, beneficiary] = await Promise.all([
        tx.workload.findUnique({ where: { id: r.victimId }, select: { state: true } }),
        tx.workload.findUnique({ where: { id: r.beneficiaryId }, select: { state: true } }),
      ]);
      const stillNeeded =
        beneficiary?.state === "PENDING" && (victim?.state === "RUNNING" || victim?.state === "SCHEDULED");
      if (!stillNeeded) {
        await tx.reclaim.update({ where: { id }, data: { status: "CANCELLED" } });
        await audit({
          action: "workload.reclaim.cancel",
          objectType: "Workload",
          objectId: r.victimId,
          after: {
            reclaimId: id,
            victimState: victim?.state ?? null,
            beneficiaryState: beneficiary?.state ?? null,
          },
        });
        return "cancelled" as const;
      }
      const reason = `preempted after its grace period: ${r.reason}`;
      await transitionWorkload(tx, audit, {
        workloadId: r.victimId,
        to: "PREEMPTED",
        actorId: null,
        reason,
        now,
      });
      await transitionWorkload(tx, audit, {
        workloadId: r.victimId,
        to: "PENDING",
        actorId: null,
        reason: "back in the queue after being preempted to reclaim borrowed GPUs",
        now,
      });
      await tx.workloadEvent.create({
        data: {
          workloadId: r.beneficiaryId,
          fromState: "PENDING",
          toState: "PENDING",
          reason: `${r.gpus} GPUs reclaimed for it: ${r.victimId} was preempted (${r.reason})`,
          createdAt: now,
        },
      });
      beneficiaries.push(r.beneficiaryId);
      return "preempted" as const;
    }).catch((error: unknown) =>
      error instanceof AppError && error.code === "CONFLICT" ? null : Promise.reject(error),
    );
    if (outcome === "preempted") preempted.push(id);
    if (outcome === "cancelled") cancelled.push(id);
  }
  return { preempted, cancelled, beneficiaries: [...new Set(beneficiaries)] };
}

/**
 * Marks held GPUs GUARANTEED or BORROWED (classifyBorrowed on the hierarchy), on the
 * workload and its active allocations; writes only what changed. Returns the workloads
 * whose mark changed.
 */
export async function markShares(prisma: PrismaClient): Promise<string[]> {
  const [tree, running, current] = await Promise.all([
    readFairShareTree(prisma),
    readRunning(prisma),
    prisma.workload.findMany({
      where: { state: { in: ["SCHEDULED", "RUNNING"] } },
      select: { id: true, share: true },
    }),
  ]);
  await prisma.workload.updateMany({
    where: { share: { not: null }, state: { notIn: ["SCHEDULED", "RUNNING"] } },
    data: { share: null },
  });
  if (running.length === 0) return [];
  const marks = classifyBorrowed(tree, running);
  const was = new Map(current.map((w) => [w.id, w.share]));
  // One transaction for every mark that changed: two updates per share, however many workloads.
  const changed = new Map<EntitlementShare, string[]>();
  for (const mark of marks) {
    const share: EntitlementShare = mark.borrowed ? "BORROWED" : "GUARANTEED";
    if (was.get(mark.workloadId) === share) continue;
    changed.set(share, [...(changed.get(share) ?? []), mark.workloadId]);
  }
  if (changed.size > 0)
    await prisma.$transaction(
      [...changed].flatMap(([share, ids]) => [
        prisma.workload.updateMany({ where: { id: { in: ids } }, data: { share } }),
        prisma.allocation.updateMany({
          where: { workloadId: { in: ids }, status: "ACTIVE" },
          data: { share },
        }),
      ]),
    );
  return marks.map((m) => m.workloadId).filter((id) => [...changed.values()].some((ids) => ids.includes(id)));
}
