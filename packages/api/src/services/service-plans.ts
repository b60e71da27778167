import type { PrismaClient } from "@switchyard/db";
import { placeService } from "@switchyard/placement";
import { assertModel } from "../inference/write.ts";
import type { TServicePlanInput } from "../router/service/service.schema.ts";
import { currentEstate, engineInputError } from "../workloads/service.ts";

/**
 * Where an online inference service's replicas would run now: the engine's covering mode
 * on the current estate, each region's coverage and every site's verdict. Writes nothing.
 * Cost is per hour (hours = 1). The model is read as a created service's plan reads it (its
 * residency decides where replicas may hold a copy, and copies are priced as transfers), so
 * the dry run and the service's first plan agree.
 */
export async function planService(prisma: PrismaClient, input: TServicePlanInput) {
  await assertModel(prisma, input.modelId);
  const snapshot = await currentEstate(prisma);
  let plan: ReturnType<typeof placeService>;
  try {
    plan = placeService({
      snapshot,
      service: {
        id: `plan:${input.name}`,
        teamId: input.teamId,
        gpu: input.gpu,
        gpuModels: input.gpuModels,
        ...(input.minGpuMemoryGib ? { minGpuMemoryGib: input.minGpuMemoryGib } : {}),
        replicaCapacityRps: input.replicaCapacityRps,
        regions: input.regions,
        minReplicas: input.minReplicas,
        maxReplicas: input.maxReplicas,
        allowedKinds: input.allowedKinds,
        requiredCertifications: input.requiredCertifications,
        datasetIds: [input.modelId],
        hours: 1,
      },
    });
  } catch (error) {
    throw engineInputError(error);
  }
  const { costUsd, ...rest } = plan;
  return { ...rest, costUsdPerHour: costUsd };
}
