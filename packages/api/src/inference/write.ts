import { classifyDatabaseError, type Prisma } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TServiceCreate, TServiceUpdate } from "../router/service/service.schema.ts";
import { assertMayCreateFor, assertMayManageService, serviceNotFound } from "./access.ts";
import { cancelReplica } from "./apply.ts";
import { planStoredService, requestReplan } from "./plan.ts";
import { LIVE_REPLICA_STATES } from "./read.ts";

/** Every user region must be a known UserRegion (GET /user-regions); else the field names the bad one. */
async function assertKnownRegions(tx: Prisma.TransactionClient, regions: { region: string }[]) {
  const known = new Set(
    (
      await tx.userRegion.findMany({
        where: { name: { in: regions.map((r) => r.region) } },
        select: { name: true },
      })
    ).map((k) => k.name),
  );
  const index = regions.findIndex((r) => !known.has(r.region));
  const unknown = regions[index];
  if (unknown)
    throw new AppError("INVALID_REQUEST", `unknown user region ${unknown.region}`, {
      userMessage: `Unknown user region '${unknown.region}': choose one of the estate's user regions (GET /user-regions).`,
      field: `regions.${index}.region`,
    });
}

/** The model must be a MODEL artifact (not a dataset) that exists. */
export async function assertModel(tx: Pick<Prisma.TransactionClient, "dataset">, modelId: string) {
  const model = await tx.dataset.findUnique({ where: { id: modelId }, select: { kind: true, name: true } });
  if (!model)
    throw new AppError("INVALID_REQUEST", `model ${modelId} missing`, {
      userMessage: `Model ${modelId} does not exist.`,
      field: "modelId",
    });
  if (model.kind !== "MODEL")
    throw new AppError("INVALID_REQUEST", `dataset ${modelId} is not a model`, {
      userMessage: `${model.name} is a dataset, not a model artifact: a service serves a model.`,
      field: "modelId",
    });
}

/** Creates a service and plans it at once; the first plan waits as a proposal (or is applied: AUTO, by the loop). */
export async function createService(ctx: TMutationContext, input: TServiceCreate) {
  await assertMayCreateFor(ctx.prisma, ctx.user, input.teamId);
  const created = await auditedTransaction(ctx, async (tx, audit) => {
    const team = await tx.team.findUnique({ where: { id: input.teamId }, select: { id: true } });
    if (!team)
      throw new AppError("INVALID_REQUEST", `team ${input.teamId} missing`, {
        userMessage: `Team ${input.teamId} does not exist.`,
        field: "teamId",
      });
    await assertModel(tx, input.modelId);
    await assertKnownRegions(tx, input.regions);
    const service = await tx.service.create({
      data: {
        name: input.name,
        description: input.description,
        teamId: input.teamId,
        modelId: input.modelId,
        gpuCount: input.gpu.count,
        gpuModels: input.gpuModels,
        minGpuMemoryGib: input.minGpuMemoryGib ?? null,
        replicaCapacityRps: input.replicaCapacityRps,
        minReplicas: input.minReplicas,
        maxReplicas: input.maxReplicas,
        allowedSiteKinds: input.allowedKinds,
        requiredCertifications: input.requiredCertifications,
        applyMode: input.applyMode,
        createdById: ctx.user.id,
        regions: { create: input.regions },
      },
      select: { id: true },
    });
    await audit({ action: "service.create", objectType: "Service", objectId: service.id, after: input });
    return service;
  }).catch((error: unknown) => {
    const clash = classifyDatabaseError(error);
    if (clash?.kind === "unique")
      throw new AppError("CONFLICT", `service name ${input.name} taken in ${input.teamId}`, {
        userMessage: `The team already has a service named ${input.name}: choose another name.`,
        field: "name",
      });
    throw error;
  });
  const plan = await planStoredService(ctx, created.id, "created");
  return { id: created.id, planId: plan.id, feasible: plan.feasible, summary: plan.summary };
}

/** Changes demand, limits or apply mode; the loop re-plans the service (demand changed). */
export async function updateService(ctx: TMutationContext, input: TServiceUpdate) {
  await assertMayManageService(ctx.prisma, ctx.user, input.id);
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await tx.service.findUnique({ where: { id: input.id }, include: { regions: true } });
    if (!before) throw serviceNotFound(input.id);
    const min = input.minReplicas ?? before.minReplicas;
    const max = input.maxReplicas ?? before.maxReplicas;
    if (min > max)
      throw new AppError("INVALID_REQUEST", `minReplicas ${min} > maxReplicas ${max}`, {
        userMessage: "The minimum number of replicas cannot exceed the maximum",
        field: input.minReplicas !== undefined ? "minReplicas" : "maxReplicas",
      });
    if (input.regions) {
      await assertKnownRegions(tx, input.regions);
      await tx.serviceRegion.deleteMany({ where: { serviceId: input.id } });
      await tx.serviceRegion.createMany({
        data: input.regions.map((r) => ({ ...r, serviceId: input.id })),
      });
    }
    await tx.service.update({
      where: { id: input.id },
      data: {
        ...(input.replicaCapacityRps !== undefined ? { replicaCapacityRps: input.replicaCapacityRps } : {}),
        ...(input.minReplicas !== undefined ? { minReplicas: input.minReplicas } : {}),
        ...(input.maxReplicas !== undefined ? { maxReplicas: input.maxReplicas } : {}),
        ...(input.applyMode ? { applyMode: input.applyMode } : {}),
      },
    });
    const changedPlanInputs =
      input.regions !== undefined ||
      input.replicaCapacityRps !== undefined ||
      input.minReplicas !== undefined ||
      input.maxReplicas !== undefined;
    if (changedPlanInputs)
      await requestReplan(
        tx,
        { id: input.id },
        input.regions ? "demand changed" : "limits changed",
        new Date(),
      );
    const { regions, ...rest } = before;
    await audit({
      action: "service.update",
      objectType: "Service",
      objectId: input.id,
      before: { ...rest, regions: regions.map(({ serviceId: _s, ...r }) => r) },
      after: input,
    });
    return { id: input.id, replanRequested: changedPlanInputs };
  });
}

/** Stops a service: its replicas are cancelled, pending proposals superseded, the loop leaves it alone. */
export async function stopService(ctx: TMutationContext, id: string) {
  await assertMayManageService(ctx.prisma, ctx.user, id);
  await auditedTransaction(ctx, async (tx, audit) => {
    const stopped = await tx.service.updateMany({
      where: { id, state: "ACTIVE" },
      data: { state: "STOPPED", stateReason: `stopped by ${ctx.user.email}`, replanReason: null },
    });
    if (stopped.count === 0)
      throw new AppError("CONFLICT", `service ${id} not active`, {
        userMessage: "This service is already stopped.",
      });
    await tx.servicePlan.updateMany({
      where: { serviceId: id, status: "PROPOSED" },
      data: { status: "SUPERSEDED" },
    });
    await audit({ action: "service.stop", objectType: "Service", objectId: id, after: { state: "STOPPED" } });
  });
  const replicas = await ctx.prisma.workload.findMany({
    where: { serviceId: id, state: { in: [...LIVE_REPLICA_STATES] } },
    select: { id: true },
  });
  for (const r of replicas) await cancelReplica(ctx, r.id, `service stopped by ${ctx.user.email}`);
  return { id, cancelled: replicas.length };
}
