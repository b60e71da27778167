import type { PrismaClient } from "@switchyard/db";
import { placeBatch, type TWorkloadRequestInput } from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { pruneEstateChanges } from "../estate/prune.ts";
import { runExecutorTick, type TExecutorTickReport } from "../executors/tick.ts";
import { finishReclaims, markShares, planFairRound, startReclaims } from "../fairshare/reclaim.ts";
import { sweepApprovals } from "../governance/approvals.ts";
import { replanServices, type TReplanReport } from "../inference/replan.ts";
import { auditedTransaction, systemActor, type TActor, type TMutationContext } from "../lib/audited.ts";
import { processMetrics, type TReconcilePhase, timePlacement } from "../observability/metrics.ts";
import { withHardBudgets } from "../services/team-budget.ts";
import {
  placeAndSchedule,
  placeAndScheduleRound,
  roundEstate,
  type TRoundEstate,
} from "../workloads/round.ts";
import { toRequest } from "../workloads/snapshot.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { acquireLease, releaseLease } from "./lease.ts";

export type TLoopOptions = {
  /** A node whose last heartbeat is older than this goes DOWN. */
  silenceSeconds: number;
  /** Identifies this process in leases. */
  holder: string;
  /** Most pending workloads retried per tick. */
  retryLimit?: number;
  /** A workload that found no site is tried again at most this often (default 60 s). */
  retryAfterSeconds?: number;
  /** Fair sharing: how long borrowed work keeps running after it is told it will be preempted (default 300 s). */
  reclaimGraceSeconds?: number;
  /** Fair sharing: how long pending work waits before it may reclaim borrowed GPUs (default 0). */
  reclaimAfterSeconds?: number;
  /** The tick's clock (tests pass one); default now. */
  now?: Date;
};

export type TTickReport = {
  nodesDown: string[];
  replaced: string[];
  retried: string[];
  scheduled: string[];
  approvalsExpired: string[];
  approvalsScheduled: string[];
  /** Sites run by a scheduler (Slurm): jobs handed over and followed, nodes synced. */
  executors?: TExecutorTickReport;
  /** The retry batch's proven distance from optimal: "within 0.4% of optimal for 12 workloads (…)". */
  batchBound?: string;
  /** Fair sharing: victims told they will be preempted (grace period started). */
  reclaimsStarted?: string[];
  /** Fair sharing: reclaims whose grace period ended with a preemption / that were no longer needed. */
  reclaimsFinished?: { preempted: string[]; cancelled: string[]; beneficiaries: string[] };
  /** Fair sharing: workloads whose GUARANTEED/BORROWED mark changed. */
  sharesMarked?: string[];
  /** Inference services planned again, and those whose plan was applied (AUTO). */
  services?: TReplanReport;
};

/**
 * One pass of the background loop, safe to run from every console process at once:
 * 1. nodes that stopped heartbeating go DOWN: each node is claimed by one atomic UPDATE, so
 *    exactly one process handles it;
 * 2. their workloads go back to PENDING (GPUs released) and are placed again with a new,
 *    audited decision, and scheduled when a site fits;
 * 3. under a row lease (one process at a time), PENDING workloads that found no site, were
 *    never placed, or whose proposal no longer stands (another placement took its GPUs first),
 *    are placed again together in fair order (fairshare/reclaim.ts: the team furthest
 *    under its fair share first, then priority, then age; borrowing above a guarantee up to the
 *    limit on idle capacity) and scheduled where the round put them, in that order; borrowed
 *    work the round reclaims for teams below their guarantee is told (a grace period starts),
 *    reclaims whose grace period ended are carried out (the victim PREEMPTED, so its scheduler
 *    stops the job), and held GPUs are marked GUARANTEED or BORROWED;
 * 4. approval requests nobody decided in time expire, and approved ones whose scheduling was
 *    interrupted are scheduled.
 */
export async function runReconcileTick(prisma: PrismaClient, options: TLoopOptions): Promise<TTickReport> {
  const now = options.now ?? new Date();
  const ctx: TMutationContext<TActor> = {
    prisma,
    user: systemActor("reconciler"),
    requestId: `loop-${options.holder}`,
  };
  const report: TTickReport = {
    nodesDown: [],
    replaced: [],
    retried: [],
    scheduled: [],
    approvalsExpired: [],
    approvalsScheduled: [],
  };

  // 1. Silent nodes.
  const down = await phase("nodes-down", () =>
    auditedTransaction(ctx, async (tx, audit) => {
      const nodes = await tx.$queryRaw<{ id: string; hostname: string; lastHeartbeatAt: Date }[]>`
      UPDATE "GpuNode" SET "status" = 'DOWN', "updatedAt" = now()
       WHERE "lastHeartbeatAt" IS NOT NULL AND "lastHeartbeatAt" < now() - make_interval(secs => ${options.silenceSeconds})
         AND "status" <> 'DOWN'
      RETURNING "id", "hostname", "lastHeartbeatAt"`;
      for (const node of nodes) {
        await audit({
          action: "node.down",
          objectType: "GpuNode",
          objectId: node.id,
          after: { status: "DOWN", reason: `no heartbeat since ${node.lastHeartbeatAt.toISOString()}` },
        });
      }
      return nodes;
    }),
  );
  report.nodesDown = down.map((n) => n.id);

  // 2. Their workloads go back to PENDING and are placed again, on the tick's estate.
  let estate = roundEstate(prisma);
  if (down.length > 0)
    await phase("replace", async () => {
      const replaced: string[] = [];
      const affected = await prisma.workload.findMany({
        where: {
          state: { in: ["SCHEDULED", "RUNNING"] },
          allocations: { some: { status: "ACTIVE", nodeId: { in: report.nodesDown } } },
        },
        select: {
          id: true,
          serviceId: true,
          allocations: {
            where: { status: "ACTIVE", nodeId: { in: report.nodesDown } },
            select: { node: { select: { hostname: true } } },
          },
        },
      });
      for (const workload of affected) {
        const hosts = [...new Set(workload.allocations.map((a) => a.node.hostname))].join(", ");
        // A service's replica is replaced by its service's next plan (it marks the service).
        const moved = await auditedTransaction(ctx, (tx, audit) =>
          transitionWorkload(tx, audit, {
            workloadId: workload.id,
            to: workload.serviceId ? "FAILED" : "PENDING",
            actorId: null,
            reason: workload.serviceId
              ? `node ${hosts} stopped heartbeating; the service replaces this replica`
              : `node ${hosts} stopped heartbeating; placing again`,
            now: new Date(),
          }),
        ).catch((error: unknown) =>
          error instanceof AppError && error.code === "CONFLICT" ? null : Promise.reject(error),
        );
        if (moved && !workload.serviceId) replaced.push(workload.id); // else another process got there first
      }
      report.replaced.push(...replaced);
      // Placed and scheduled as a round: each in one transaction that locks the workload, so
      // another process's pending round, which may have read it as PENDING meanwhile, finds it
      // scheduled and leaves it alone (two decisions would otherwise race for it).
      if (replaced.length > 0)
        report.scheduled.push(
          ...(
            await placeAndScheduleRound(
              ctx,
              estate,
              replaced,
              await requestsOf(prisma, replaced, now),
              new Map(),
            )
          ).scheduled,
        );
    });

  // 3. Pending work, one process at a time.
  if (await acquireLease(prisma, "pending-retry", options.holder, 60)) {
    try {
      // Reclaims whose grace period is over free their GPUs first, and the work they were
      // for takes them before the round (fair order alone could hand them to older work).
      await phase("reclaims", async () => {
        const finished = await finishReclaims(ctx, now);
        report.reclaimsFinished = finished;
        if (finished.preempted.length > 0) {
          estate = roundEstate(prisma); // GPUs were released since it was read
          for (const id of finished.beneficiaries) {
            if (await placeAndSchedule(ctx, estate, id)) report.scheduled.push(id);
          }
        }
      });
      const fair = await phase("fair-round", () => planPendingRound(ctx, estate, options, now, report));
      const round = fair.ordered.filter((id) => !report.scheduled.includes(id) && fair.requestOf.has(id));
      report.retried.push(...round);
      report.scheduled.push(
        ...(
          await phase("round", () =>
            placeAndScheduleRound(ctx, estate, round, fair.requestOf, fair.chosenSite),
          )
        ).scheduled,
      );
      report.sharesMarked = await phase("shares", () => markShares(prisma));
    } finally {
      await releaseLease(prisma, "pending-retry", options.holder);
    }
  }
  // Services whose demand, replicas or sites changed plan again, one process at a time.
  if (await acquireLease(prisma, "service-replan", options.holder, 60)) {
    try {
      report.services = await phase("services", () => replanServices(ctx, options.retryLimit ?? 50, now));
    } finally {
      await releaseLease(prisma, "service-replan", options.holder);
    }
  }
  // Old entries leave the estate change log, one process at a time.
  if (await acquireLease(prisma, "estate-change-prune", options.holder, 60)) {
    try {
      await phase("prune", () => pruneEstateChanges(prisma));
    } finally {
      await releaseLease(prisma, "estate-change-prune", options.holder);
    }
  }
  // 4. Approvals: every step claims its row, so processes never double-handle a request.
  const approvals = await phase("approvals", () => sweepApprovals(ctx));
  report.approvalsExpired = approvals.expired;
  report.approvalsScheduled = approvals.scheduled;
  // 5. Sites with a scheduler: see executors/tick.ts.
  report.executors = await phase("executors", () => runExecutorTick(prisma, { holder: options.holder }));
  return report;
}

/**
 * The pending round's plan: which PENDING work is retried this tick (never placed, its proposal
 * gone, or infeasible for retryAfterSeconds), in fair order with the site the fair round (or,
 * without entitlements, the batch) chose for each. Reclaims the fair round needs are started
 * here; the round itself is placed and scheduled by placeAndScheduleRound.
 */
async function planPendingRound(
  ctx: TMutationContext<TActor>,
  estate: TRoundEstate,
  options: TLoopOptions,
  now: Date,
  report: TTickReport,
): Promise<{
  requestOf: Map<string, TWorkloadRequestInput>;
  chosenSite: Map<string, string>;
  ordered: string[];
}> {
  const { prisma } = ctx;
  const pending = await prisma.workload.findMany({
    where: {
      state: "PENDING",
      // A service's replicas are placed by its plans, never one by one.
      serviceId: null,
      dependsOn: { every: { dependsOn: { state: "SUCCEEDED" } } },
      OR: [
        // Never placed, or its proposal no longer stands (it lost a schedule race, or the
        // approval it waited for expired): nothing would ever schedule it otherwise.
        { decisions: { none: { status: "PROPOSED" } } },
        {
          decisions: {
            some: {
              status: "PROPOSED",
              feasible: false,
              createdAt: { lt: new Date(now.getTime() - (options.retryAfterSeconds ?? 60) * 1_000) },
            },
          },
        },
      ],
    },
    orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
    take: options.retryLimit ?? 50,
    select: { id: true },
  });
  // Place the whole set together in fair order, then commit each placement with its own
  // explained decision at the site the round chose, in that order.
  const workloads = await prisma.workload.findMany({
    where: { id: { in: pending.map((p) => p.id) } },
    include: { datasets: { select: { datasetId: true } } },
  });
  const snapshot = await estate.get();
  const requests = await withHardBudgets(prisma, workloads.map(toRequest), now);
  const plan = await planFairRound(
    prisma,
    snapshot,
    workloads.map((w, i) => ({
      request: requests[i] as TWorkloadRequestInput,
      submittedAt: w.createdAt.getTime(),
      gpuModels: w.gpuModels,
      gpuCount: w.gpuCount,
    })),
    now,
    { reclaimAfterSeconds: options.reclaimAfterSeconds ?? 0 },
  );
  let chosenSite: Map<string, string>;
  let ordered: string[];
  if (plan) {
    // Work that waits for a victim's grace period is not scheduled yet.
    chosenSite = new Map(
      plan.placements.filter((p) => p.waitsFor.length === 0).map((p) => [p.workloadId, p.siteId]),
    );
    ordered = plan.order.map((o) => o.workloadId);
    report.reclaimsStarted = await startReclaims(ctx, plan, options.reclaimGraceSeconds ?? 300, now);
  } else {
    const batch = timePlacement("batch", () => placeBatch({ snapshot, requests, explainUnplaced: "none" }));
    report.batchBound = batch.bound.summary;
    chosenSite = new Map(batch.placements.map((p) => [p.workloadId, p.siteId]));
    ordered = pending.map((p) => p.id);
  }
  const requestOf = new Map(workloads.map((w, i) => [w.id, requests[i] as TWorkloadRequestInput]));
  return { requestOf, chosenSite, ordered };
}

/** Runs one part of the tick, timed in switchyard_reconcile_phase_duration_seconds. */
async function phase<T>(name: TReconcilePhase, run: () => Promise<T>): Promise<T> {
  const end = processMetrics().reconcilePhaseDuration.startTimer({ phase: name });
  try {
    return await run();
  } finally {
    end();
  }
}

/** The engine's requests for these workloads, with what their teams' HARD budgets leave, by id. */
async function requestsOf(
  prisma: PrismaClient,
  ids: readonly string[],
  now: Date,
): Promise<Map<string, TWorkloadRequestInput>> {
  const workloads = await prisma.workload.findMany({
    where: { id: { in: [...ids] } },
    include: { datasets: { select: { datasetId: true } } },
  });
  const requests = await withHardBudgets(prisma, workloads.map(toRequest), now);
  return new Map(requests.map((r) => [r.id, r]));
}
