import type { Prisma, WorkloadState } from "@switchyard/db";
import type { TServiceReplica } from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { closePendingApprovals } from "../governance/approval-gate.ts";
import { auditedTransaction, type TActor, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { placeOnEstate, scheduleWorkload } from "../workloads/service.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { serviceNotFound } from "./access.ts";
import { LIVE_REPLICA_STATES } from "./read.ts";

/** Hours a replica's placement is costed and budgeted over: a day, renewed while it runs. */
export const REPLICA_HOURS = 24;

export type TApplyResult = {
  planId: string;
  kept: string[];
  created: { id: string; siteId: string; state: WorkloadState }[];
  cancelled: string[];
  /** Replicas the plan wanted that could not be started at their site, and why. */
  shortfalls: { siteId: string; reason: string }[];
};

/** Which replicas to keep first: running, then scheduled, then waiting. */
const KEEP_ORDER: Record<string, number> = { RUNNING: 0, SCHEDULED: 1, AWAITING_APPROVAL: 2, PENDING: 3 };

/**
 * Carries out a plan: the plan in force becomes SUPERSEDED and this one APPLIED (one caller
 * wins; a second gets a conflict), replicas at sites the plan keeps stay, replicas it drops are
 * cancelled (their GPUs released), and each missing replica is created as an ONLINE_INFERENCE
 * workload reading the model, placed by the engine and scheduled at the planned site through
 * the guarded schedule path (real allocations; copies of the model are transfers, with its
 * residency and approval rules). A replica that cannot be scheduled there now is cancelled and
 * reported; the loop plans the service again.
 */
export async function applyServicePlan(
  ctx: TMutationContext<TActor>,
  serviceId: string,
  requestedPlanId?: string,
): Promise<TApplyResult> {
  const now = new Date();
  const planId = requestedPlanId ?? (await pendingProposalOrThrow(ctx, serviceId));
  const claimed = await auditedTransaction(ctx, async (tx, audit) => {
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
      data: { status: "APPLIED", appliedAt: now, appliedById: ctx.user.id },
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
    return { service, replicas: plan.replicas as unknown as TServiceReplica[] };
  });
  const { service, replicas: planned } = claimed;

  // Sites and how many replicas each should run, with the region each one mainly serves.
  const wanted = new Map<string, TServiceReplica[]>();
  for (const r of planned) wanted.set(r.siteId, [...(wanted.get(r.siteId) ?? []), r]);

  const live = await ctx.prisma.workload.findMany({
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
    const sorted = [...here].sort((a, b) => (KEEP_ORDER[a.state] ?? 9) - (KEEP_ORDER[b.state] ?? 9));
    result.kept.push(...sorted.slice(0, keep).map((w) => w.id));
    drop.push(...sorted.slice(keep).map((w) => w.id));
  }
  for (const id of drop) {
    const done = await cancelReplica(ctx, id, `plan ${planId} of service ${service.name} drops this replica`);
    if (done) result.cancelled.push(id);
  }

  let serial = await ctx.prisma.workload.count({ where: { serviceId } });
  for (const [siteId, replicas] of wanted) {
    const have = bySite.get(siteId)?.length ?? 0;
    for (const replica of replicas.slice(have)) {
      serial += 1;
      const mainRegion = [...replica.serves].sort((a, b) => b.rps - a.rps)[0];
      const slo = service.regions.find((r) => r.region === mainRegion?.region);
      const id = await createReplica(ctx, {
        service,
        name: `${service.name}-${serial}`,
        siteName: replica.siteName,
        planId,
        ...(mainRegion && slo ? { latency: { userRegion: mainRegion.region, maxMs: slo.maxLatencyMs } } : {}),
      });
      const outcome = await scheduleAt(ctx, id, siteId);
      if (outcome.state) result.created.push({ id, siteId, state: outcome.state });
      else {
        result.shortfalls.push({ siteId, reason: outcome.reason });
        await cancelReplica(ctx, id, `could not be scheduled at ${replica.siteName}: ${outcome.reason}`);
      }
    }
  }
  if (result.shortfalls.length > 0)
    await auditedTransaction(ctx, async (tx) => {
      await tx.service.update({
        where: { id: serviceId },
        data: {
          replanReason: `${result.shortfalls.length} replica(s) of plan ${planId} could not be scheduled`,
          replanRequestedAt: new Date(),
        },
      });
    });
  return result;
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

async function createReplica(
  ctx: TMutationContext<TActor>,
  r: {
    service: Prisma.ServiceGetPayload<{ include: { model: { select: { id: true; name: true } } } }>;
    name: string;
    siteName: string;
    planId: string;
    latency?: { userRegion: string; maxMs: number };
  },
) {
  const { service } = r;
  return auditedTransaction(ctx, async (tx, audit) => {
    const reason = `replica of service ${service.name} for ${r.siteName} (plan ${r.planId})`;
    const workload = await tx.workload.create({
      data: {
        name: r.name,
        kind: "ONLINE_INFERENCE",
        state: "PENDING",
        teamId: service.teamId,
        serviceId: service.id,
        submittedById: ctx.user.id ?? service.createdById,
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
        events: { create: { toState: "PENDING", actorId: ctx.user.id, reason } },
      },
      select: { id: true },
    });
    await audit({
      action: "workload.submit",
      objectType: "Workload",
      objectId: workload.id,
      after: { serviceId: service.id, planId: r.planId, reason },
    });
    return workload.id;
  });
}

/** Places the replica and schedules it at the planned site, or says why it cannot run there now. */
async function scheduleAt(
  ctx: TMutationContext<TActor>,
  workloadId: string,
  siteId: string,
): Promise<{ state: WorkloadState; reason?: undefined } | { state?: undefined; reason: string }> {
  const { placed, result } = await placeOnEstate(ctx, workloadId);
  const candidate = result?.candidates.find((c) => c.siteId === siteId);
  if (!placed || !candidate) {
    const rejected = result?.rejected.find((r) => r.siteId === siteId);
    return {
      reason: rejected?.reasons.map((r) => r.message).join("; ") || (result?.summary ?? "not placed"),
    };
  }
  try {
    const scheduled = await scheduleWorkload(ctx, {
      id: workloadId,
      decisionId: placed.decisionId,
      batchSiteId: siteId,
    });
    return { state: scheduled.state };
  } catch (error) {
    if (error instanceof AppError && (error.code === "CAPACITY_EXCEEDED" || error.code === "CONFLICT"))
      return { reason: error.userMessage };
    throw error;
  }
}

/** Cancels a live replica (GPUs released, copies and approvals closed); false if it had already ended. */
export async function cancelReplica(ctx: TMutationContext<TActor>, workloadId: string, reason: string) {
  return auditedTransaction(ctx, async (tx, audit: TAudit) => {
    const w = await tx.workload.findUnique({ where: { id: workloadId }, select: { state: true } });
    if (!w || !(LIVE_REPLICA_STATES as readonly string[]).includes(w.state)) return false;
    const now = new Date();
    await tx.dataTransfer.updateMany({
      where: { workloadId, status: { in: ["PENDING", "IN_PROGRESS"] } },
      data: { status: "CANCELLED" },
    });
    await closePendingApprovals(tx, audit, { of: { workloadId }, status: "CANCELLED", reason, now });
    await transitionWorkload(tx, audit, { workloadId, to: "CANCELLED", actorId: ctx.user.id, reason, now });
    return true;
  });
}
