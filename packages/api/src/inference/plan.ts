import type { Prisma, PrismaClient } from "@switchyard/db";
import { placeServiceOnEstate, type TServicePlacement, type TServiceSpecInput } from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TActor, type TMutationContext } from "../lib/audited.ts";
import { currentEstate, engineInputError } from "../workloads/service.ts";
import { serviceNotFound } from "./access.ts";
import { activeExclusions, serviceRejectBackoffFromEnv, type TSiteExclusion } from "./rejections.ts";

export { requestReplan } from "./replan-request.ts";

const json = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as Prisma.InputJsonValue;

export type TStoredService = Prisma.ServiceGetPayload<{ include: { regions: true } }>;

/** The engine's input for a stored service: one replica costed over an hour, reading its model. */
export function serviceSpec(
  service: TStoredService,
  excluded: readonly TSiteExclusion[] = [],
): TServiceSpecInput {
  return {
    id: service.id,
    teamId: service.teamId,
    gpu: { count: service.gpuCount },
    gpuModels: service.gpuModels,
    ...(service.minGpuMemoryGib ? { minGpuMemoryGib: service.minGpuMemoryGib } : {}),
    replicaCapacityRps: service.replicaCapacityRps,
    regions: service.regions.map((r) => ({
      region: r.region,
      demandRps: r.demandRps,
      maxLatencyMs: r.maxLatencyMs,
    })),
    minReplicas: service.minReplicas,
    maxReplicas: service.maxReplicas,
    allowedKinds: service.allowedSiteKinds,
    requiredCertifications: service.requiredCertifications,
    datasetIds: [service.modelId],
    excludedSites: excluded.map((e) => ({ siteId: e.siteId, reason: e.reason })),
    hours: 1,
  };
}

/** The replicas of these services that hold GPUs now (workload ids, by service). */
export async function replicasHoldingGpus(prisma: PrismaClient, serviceIds: readonly string[]) {
  const held = await prisma.allocation.findMany({
    where: { status: "ACTIVE", workload: { serviceId: { in: [...serviceIds] } } },
    select: { workloadId: true, workload: { select: { serviceId: true } } },
    distinct: ["workloadId"],
    orderBy: { workloadId: "asc" },
  });
  const byService = new Map<string, string[]>(serviceIds.map((id) => [id, []]));
  for (const a of held) if (a.workload.serviceId) byService.get(a.workload.serviceId)?.push(a.workloadId);
  return byService;
}

/**
 * The engine's covering mode on the current estate for a stored service (cost per hour), as if
 * the service's own replicas did not exist: their GPUs are free on their nodes and given back to
 * the team's quota (placeServiceOnEstate releases them), so a re-plan treats them as movable and
 * keeps a replica where it is (same site) instead of planning around it, and a team whose quota
 * exactly covers its replicas can keep them (they are not counted once as used and again as
 * needed by the new plan). The what-if planner plans services the same way.
 */
export async function runServiceEngine(
  prisma: PrismaClient,
  service: TStoredService,
  excluded: readonly TSiteExclusion[] = [],
) {
  const [estate, held] = await Promise.all([
    currentEstate(prisma),
    replicasHoldingGpus(prisma, [service.id]),
  ]);
  try {
    return placeServiceOnEstate(estate, {
      spec: serviceSpec(service, excluded),
      replicaWorkloadIds: held.get(service.id) ?? [],
    });
  } catch (error) {
    throw engineInputError(error);
  }
}

/** The plan row for an engine result. */
export function planRow(
  placement: TServicePlacement,
  trigger: string,
  createdById: string | null,
  excluded: readonly TSiteExclusion[] = [],
) {
  return {
    feasible: placement.feasible,
    summary: placement.summary,
    trigger,
    costUsdPerHour: placement.costUsd,
    demandRps: placement.demandRps,
    servedRps: placement.servedRps,
    replicas: json(placement.replicas),
    regions: json(placement.regions),
    explanation: json({
      candidates: placement.candidates,
      rejected: placement.rejected,
      bound: placement.bound ?? null,
      stats: placement.stats,
      // Sites left out because an approver rejected a replica there (back-off), and why.
      excluded,
    }),
    createdById,
  };
}

/**
 * Plans a stored service on the current estate and records the plan as its proposal: earlier
 * proposals are superseded. Sites where an approver rejected one of its replicas within the
 * back-off (SWITCHYARD_SERVICE_REJECT_BACKOFF_SECONDS) are left out, and the plan says why.
 * Applying it is a separate step (apply.ts), done by a person or, for an AUTO service, by the loop.
 */
export async function planStoredService(
  ctx: TMutationContext<TActor>,
  serviceId: string,
  trigger: string,
  now: Date = new Date(),
) {
  const service = await ctx.prisma.service.findUnique({
    where: { id: serviceId },
    include: { regions: true },
  });
  if (!service) throw serviceNotFound(serviceId);
  if (service.state !== "ACTIVE")
    throw new AppError("CONFLICT", `service ${serviceId} is ${service.state}`, {
      userMessage: "This service is stopped; it has no replicas to plan.",
    });
  const excluded = await activeExclusions(ctx.prisma, service, now, serviceRejectBackoffFromEnv());
  const placement = await runServiceEngine(ctx.prisma, service, excluded);
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.servicePlan.updateMany({
      where: { serviceId, status: "PROPOSED" },
      data: { status: "SUPERSEDED" },
    });
    const plan = await tx.servicePlan.create({
      data: { serviceId, ...planRow(placement, trigger, ctx.user.id, excluded) },
      select: { id: true, feasible: true, summary: true },
    });
    await tx.service.update({
      where: { id: serviceId },
      data: { replanReason: null, replanRequestedAt: null },
    });
    await audit({
      action: "service.plan",
      objectType: "Service",
      objectId: serviceId,
      after: {
        planId: plan.id,
        trigger,
        feasible: plan.feasible,
        summary: plan.summary,
        ...(excluded.length > 0
          ? { excluded: excluded.map(({ siteId, reason }) => ({ siteId, reason })) }
          : {}),
      },
    });
    return plan;
  });
}
