import type { Prisma, WorkloadState } from "@switchyard/db";
import {
  PlacementInputError,
  releaseWorkloads,
  type TPreparedSnapshot,
  type TServiceReplica,
  withAllocations,
} from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { closePendingApprovals } from "../governance/approval-gate.ts";
import { auditedTransaction, type TActor, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { withHardBudget } from "../services/team-budget.ts";
import { allocationsOf } from "../workloads/allocations.ts";
import { scheduleInTransaction } from "../workloads/schedule.ts";
import { currentEstate, recordDecision, runEngine } from "../workloads/service.ts";
import { toRequest } from "../workloads/snapshot.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { serviceNotFound } from "./access.ts";
import { LIVE_REPLICA_STATES } from "./read.ts";
import { requestReplan } from "./replan-request.ts";

/** Hours a replica's placement is costed and budgeted over: a day, renewed while it runs. */
export const REPLICA_HOURS = 24;

export type TApplyResult = {
  planId: string;
  kept: string[];
  created: { id: string; siteId: string; state: WorkloadState }[];
  cancelled: string[];
  /**
   * Always empty: an apply is all or nothing (see applyServicePlan), so a replica that cannot
   * start fails the whole apply instead. Kept for the console and CLI, which still read it.
   */
  shortfalls: { siteId: string; reason: string }[];
};

/** Which replicas to keep first: running, then scheduled, then waiting. */
const KEEP_ORDER: Record<string, number> = { RUNNING: 0, SCHEDULED: 1, AWAITING_APPROVAL: 2, PENDING: 3 };

/** A replica of the plan cannot start at its site now: the whole apply is rolled back. */
class ReplicaCannotStart extends AppError {
  constructor(
    readonly planId: string,
    readonly siteName: string,
    readonly reason: string,
  ) {
    super("CONFLICT", `plan ${planId}: a replica cannot start at ${siteName}: ${reason}`, {
      userMessage: `This plan could not be applied: a replica cannot start at ${siteName} (${reason}). Nothing was changed; the service will be planned again on the current estate.`,
      field: "planId",
    });
  }
}

/**
 * Carries out a plan as ONE transaction: the plan in force becomes SUPERSEDED and this one
 * APPLIED (one caller wins; a second gets a conflict), replicas at sites the plan keeps stay,
 * replicas it drops are cancelled (their GPUs released), and each missing replica is created
 * as an ONLINE_INFERENCE workload reading the model, placed by the engine and scheduled at the
 * planned site through the guarded schedule path (real allocations; copies of the model are
 * transfers, with its residency and approval rules: a replica may wait AWAITING_APPROVAL).
 *
 * All or nothing, by decision: when any replica cannot start at its planned site (the engine
 * finds the site unfit now, or the guarded UPDATE finds the node's GPUs taken since the plan
 * was made), the whole apply rolls back — no replica cancelled, none created, the plan stays
 * PROPOSED — and the failure is recorded: the plan's applyError, an audited
 * `service.apply_failed`, and the service marked for the loop to plan again on the current
 * estate. Partial success was rejected because a plan is a whole (the covering solution serves
 * a region from a set of sites together): applying part of it would cancel the replicas it
 * drops while their replacements do not start, leaving the service with less capacity than
 * either the old or the new plan, and a state no plan describes. Rolling back keeps the
 * replicas that serve now until a plan that can start in full replaces them.
 */
export async function applyServicePlan(
  ctx: TMutationContext<TActor>,
  serviceId: string,
  requestedPlanId?: string,
): Promise<TApplyResult> {
  const planId = requestedPlanId ?? (await pendingProposalOrThrow(ctx, serviceId));
  // Read before the transaction opens (PGlite has one connection: nothing may be read outside
  // the transaction while it is open). A stale estate is safe: the guarded UPDATE decides.
  const estate = await currentEstate(ctx.prisma);
  const now = new Date();
  try {
    return await auditedTransaction(ctx, (tx, audit) =>
      applyInTransaction(tx, audit, ctx.user, { serviceId, planId, estate, now }),
    );
  } catch (error) {
    if (error instanceof ReplicaCannotStart) await recordApplyFailure(ctx, serviceId, error);
    throw error;
  }
}

async function applyInTransaction(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  actor: TActor,
  a: { serviceId: string; planId: string; estate: TPreparedSnapshot; now: Date },
): Promise<TApplyResult> {
  const { serviceId, planId, now } = a;
  const service = await tx.service.findUnique({
    where: { id: serviceId },
    include: { regions: true, model: { select: { id: true, name: true } } },
  });
  if (!service) throw serviceNotFound(serviceId);
  const plan = await tx.servicePlan.findUnique({ where: { id: planId } });
  if (!plan || plan.serviceId !== serviceId)
    throw new AppError("NOT_FOUND", `plan ${planId} not of service ${serviceId}`, {
      userMessage: "This plan does not exist.",
      field: "planId",
    });
  if (service.state !== "ACTIVE")
    throw new AppError("CONFLICT", `service ${serviceId} is ${service.state}`, {
      userMessage: "This service is stopped; start it again before applying a plan.",
    });
  const won = await tx.servicePlan.updateMany({
    where: { id: planId, status: "PROPOSED" },
    data: { status: "APPLIED", appliedAt: now, appliedById: actor.id, applyError: null, applyFailedAt: null },
  });
  if (won.count === 0)
    throw new AppError("CONFLICT", `plan ${planId} is ${plan.status}`, {
      userMessage:
        plan.status === "APPLIED"
          ? "This plan is already applied."
          : "A newer plan replaced this one; look at the current proposal.",
    });
  await tx.servicePlan.updateMany({
    where: { serviceId, status: "APPLIED", id: { not: planId } },
    data: { status: "SUPERSEDED" },
  });
  await audit({
    action: "service.apply",
    objectType: "Service",
    objectId: serviceId,
    after: { planId, summary: plan.summary },
  });
  const planned = plan.replicas as unknown as TServiceReplica[];

  // Sites and how many replicas each should run, with the region each one mainly serves.
  const wanted = new Map<string, TServiceReplica[]>();
  for (const r of planned) wanted.set(r.siteId, [...(wanted.get(r.siteId) ?? []), r]);

  const live = await tx.workload.findMany({
    where: { serviceId, state: { in: [...LIVE_REPLICA_STATES] } },
    select: {
      id: true,
      state: true,
      siteId: true,
      approvals: { orderBy: { createdAt: "desc" }, take: 1, select: { siteId: true } },
    },
  });
  const result: TApplyResult = { planId, kept: [], created: [], cancelled: [], shortfalls: [] };
  const bySite = new Map<string, typeof live>();
  const stray: typeof live = [];
  for (const w of live) {
    const site = w.siteId ?? w.approvals[0]?.siteId ?? null;
    if (!site) stray.push(w);
    else bySite.set(site, [...(bySite.get(site) ?? []), w]);
  }
  const drop: string[] = stray.map((w) => w.id);
  for (const [siteId, here] of bySite) {
    const keep = wanted.get(siteId)?.length ?? 0;
    const sorted = [...here].sort((x, y) => (KEEP_ORDER[x.state] ?? 9) - (KEEP_ORDER[y.state] ?? 9));
    result.kept.push(...sorted.slice(0, keep).map((w) => w.id));
    drop.push(...sorted.slice(keep).map((w) => w.id));
  }
  for (const id of drop) {
    const reason = `plan ${planId} of service ${service.name} drops this replica`;
    if (await cancelReplicaIn(tx, audit, actor, id, reason, now)) result.cancelled.push(id);
  }

  // New replicas are placed on the estate with the dropped ones' GPUs given back, and each
  // one's GPUs taken before the next is placed.
  let estate = a.estate;
  const advance = (next: () => TPreparedSnapshot) => {
    try {
      estate = next();
    } catch (error) {
      // The estate read before the transaction disagrees with what it holds now: keep it;
      // the guarded UPDATE judges capacity anyway.
      if (!(error instanceof PlacementInputError)) throw error;
    }
  };
  if (result.cancelled.length > 0) advance(() => releaseWorkloads(estate, result.cancelled));
  let serial = await tx.workload.count({ where: { serviceId } });
  for (const [siteId, replicas] of wanted) {
    const have = bySite.get(siteId)?.length ?? 0;
    for (const replica of replicas.slice(have)) {
      serial += 1;
      const mainRegion = [...replica.serves].sort((x, y) => y.rps - x.rps)[0];
      const slo = service.regions.find((r) => r.region === mainRegion?.region);
      const workload = await createReplicaIn(tx, audit, actor, {
        service,
        name: `${service.name}-${serial}`,
        siteName: replica.siteName,
        planId,
        now,
        ...(mainRegion && slo ? { latency: { userRegion: mainRegion.region, maxMs: slo.maxLatencyMs } } : {}),
      });
      const request = await withHardBudget(tx, toRequest(workload), now);
      const placement = runEngine("place", estate, request);
      const candidate = placement.candidates.find((c) => c.siteId === siteId);
      const decision = await recordDecision(tx, audit, workload.id, placement, siteId);
      if (!candidate) {
        const rejected = placement.rejected.find((r) => r.siteId === siteId);
        throw new ReplicaCannotStart(
          planId,
          replica.siteName,
          rejected?.reasons.map((r) => r.message).join("; ") || placement.summary,
        );
      }
      const scheduled = await scheduleInTransaction(
        tx,
        audit,
        actor,
        { id: workload.id, decisionId: decision.decisionId, batchSiteId: siteId },
        now,
      ).catch((error: unknown) => {
        if (error instanceof AppError && (error.code === "CAPACITY_EXCEEDED" || error.code === "CONFLICT"))
          throw new ReplicaCannotStart(
            planId,
            replica.siteName,
            error.userMessage.replace(/; place the workload again\.$/, ""),
          );
        throw error;
      });
      result.created.push({ id: workload.id, siteId, state: scheduled.state });
      if (scheduled.state === "SCHEDULED")
        advance(() => withAllocations(estate, allocationsOf(workload.id, request, candidate.nodes)));
    }
  }
  return result;
}

/**
 * After a rolled-back apply: the plan (still PROPOSED) says why, the failure is audited, and
 * the service is marked so that the loop plans it again on the current estate.
 */
async function recordApplyFailure(
  ctx: TMutationContext<TActor>,
  serviceId: string,
  failure: ReplicaCannotStart,
) {
  const now = new Date();
  const error = `a replica cannot start at ${failure.siteName}: ${failure.reason}`;
  await auditedTransaction(ctx, async (tx, audit) => {
    await tx.servicePlan.updateMany({
      where: { id: failure.planId, status: "PROPOSED" },
      data: { applyError: error, applyFailedAt: now },
    });
    await requestReplan(tx, { id: serviceId }, `plan ${failure.planId} could not be applied: ${error}`, now);
    await audit({
      action: "service.apply_failed",
      objectType: "Service",
      objectId: serviceId,
      after: { planId: failure.planId, siteName: failure.siteName, reason: failure.reason, rolledBack: true },
    });
  });
}

/** The service's pending proposal, for a caller that did not name a plan. */
async function pendingProposalOrThrow(ctx: TMutationContext<TActor>, serviceId: string) {
  const plan = await ctx.prisma.servicePlan.findFirst({
    where: { serviceId, status: "PROPOSED" },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!plan)
    throw new AppError("CONFLICT", `service ${serviceId} has no proposal`, {
      userMessage: "This service has no pending plan to apply; plan it again first.",
      field: "planId",
    });
  return plan.id;
}

/** Creates one PENDING replica workload inside the apply's transaction; answers it with its datasets. */
async function createReplicaIn(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  actor: TActor,
  r: {
    service: Prisma.ServiceGetPayload<{ include: { model: { select: { id: true; name: true } } } }>;
    name: string;
    siteName: string;
    planId: string;
    now: Date;
    latency?: { userRegion: string; maxMs: number };
  },
) {
  const { service } = r;
  const reason = `replica of service ${service.name} for ${r.siteName} (plan ${r.planId})`;
  const workload = await tx.workload.create({
    data: {
      name: r.name,
      kind: "ONLINE_INFERENCE",
      state: "PENDING",
      teamId: service.teamId,
      serviceId: service.id,
      submittedById: actor.id ?? service.createdById,
      gpuCount: service.gpuCount,
      gpuModels: service.gpuModels,
      minGpuMemoryGib: service.minGpuMemoryGib,
      estimatedHours: REPLICA_HOURS,
      userRegion: r.latency?.userRegion ?? null,
      latencySloMs: r.latency?.maxMs ?? null,
      requiredCertifications: service.requiredCertifications,
      allowedSiteKinds: service.allowedSiteKinds,
      command: `serve ${service.model.name}`,
      datasets: { create: [{ datasetId: service.modelId }] },
      events: { create: { toState: "PENDING", actorId: actor.id, reason, createdAt: r.now } },
    },
    include: { datasets: { select: { datasetId: true } } },
  });
  await audit({
    action: "workload.submit",
    objectType: "Workload",
    objectId: workload.id,
    after: { serviceId: service.id, planId: r.planId, reason },
  });
  return workload;
}

/** Cancels a live replica inside the caller's transaction; false if it had already ended. */
async function cancelReplicaIn(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  actor: TActor,
  workloadId: string,
  reason: string,
  now: Date,
) {
  const w = await tx.workload.findUnique({ where: { id: workloadId }, select: { state: true } });
  if (!w || !(LIVE_REPLICA_STATES as readonly string[]).includes(w.state)) return false;
  await tx.dataTransfer.updateMany({
    where: { workloadId, status: { in: ["PENDING", "IN_PROGRESS"] } },
    data: { status: "CANCELLED" },
  });
  await closePendingApprovals(tx, audit, { of: { workloadId }, status: "CANCELLED", reason, now });
  await transitionWorkload(tx, audit, { workloadId, to: "CANCELLED", actorId: actor.id, reason, now });
  return true;
}

/** Cancels a live replica (GPUs released, copies and approvals closed); false if it had already ended. */
export async function cancelReplica(ctx: TMutationContext<TActor>, workloadId: string, reason: string) {
  return auditedTransaction(ctx, (tx, audit) =>
    cancelReplicaIn(tx, audit, ctx.user, workloadId, reason, new Date()),
  );
}
