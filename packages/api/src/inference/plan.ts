import type { Prisma, PrismaClient } from "@switchyard/db";
import { placeServiceOnEstate, type TServicePlacement, type TServiceSpecInput } from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TActor, type TMutationContext } from "../lib/audited.ts";
import { currentEstate, engineInputError } from "../workloads/service.ts";
import { serviceNotFound } from "./access.ts";

export { requestReplan } from "./replan-request.ts";

const json = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as Prisma.InputJsonValue;

export type TStoredService = Prisma.ServiceGetPayload<{ include: { regions: true } }>;

/** The engine's input for a stored service: one replica costed over an hour, reading its model. */
export function serviceSpec(service: TStoredService): TServiceSpecInput {
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
    hours: 1,
  };
}

/** The service's replicas that hold GPUs now (workload ids): a plan treats their GPUs as free. */
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
 * The engine's covering mode on the current estate for a stored service (cost per hour), as
 * its own replicas did not exist: their GPUs are free to plan with, so a re-plan keeps a
 * replica where it is (same site) instead of planning around it.
 */
export async function runServiceEngine(prisma: PrismaClient, service: TStoredService) {
  const [estate, held] = await Promise.all([
    currentEstate(prisma),
    replicasHoldingGpus(prisma, [service.id]),
  ]);
  try {
    return placeServiceOnEstate(estate, {
      spec: serviceSpec(service),
      replicaWorkloadIds: held.get(service.id) ?? [],
    });
  } catch (error) {
    throw engineInputError(error);
  }
}

/** The plan row for an engine result. */
export function planRow(placement: TServicePlacement, trigger: string, createdById: string | null) {
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
    }),
    createdById,
  };
}

/**
 * Plans a stored service on the current estate and records the plan as its proposal: earlier
 * proposals are superseded. Applying it is a separate step (apply.ts), done by a person or, for
 * an AUTO service, by the loop.
 */
export async function planStoredService(ctx: TMutationContext<TActor>, serviceId: string, trigger: string) {
  const service = await ctx.prisma.service.findUnique({
    where: { id: serviceId },
    include: { regions: true },
  });
  if (!service) throw serviceNotFound(serviceId);
  if (service.state !== "ACTIVE")
    throw new AppError("CONFLICT", `service ${serviceId} is ${service.state}`, {
      userMessage: "This service is stopped; it has no replicas to plan.",
    });
  const placement = await runServiceEngine(ctx.prisma, service);
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.servicePlan.updateMany({
      where: { serviceId, status: "PROPOSED" },
      data: { status: "SUPERSEDED" },
    });
    const plan = await tx.servicePlan.create({
      data: { serviceId, ...planRow(placement, trigger, ctx.user.id) },
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
      after: { planId: plan.id, trigger, feasible: plan.feasible, summary: plan.summary },
    });
    return plan;
  });
}
