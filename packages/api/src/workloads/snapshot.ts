import type { Prisma, PrismaClient } from "@switchyard/db";
import type { TSnapshotInput, TWorkloadRequestInput } from "@switchyard/placement";
import {
  readAllocations,
  readDatasets,
  readNodes,
  readQuotas,
  readQuotaUse,
  readSites,
  toEngineAllocation,
} from "../estate/read.ts";
import { consistentRead } from "../lib/consistent-read.ts";

/**
 * The engine's view of the estate, read whole from the database as of one moment even while
 * other processes schedule and release work: read apart, a node could show 0 GPUs in use next
 * to an allocation committed a moment later, and the engine would rightly refuse the snapshot.
 * Deciding code takes the estate from the in-memory cache (estate/cache.ts), which is kept
 * equal to this read; this is the reference it is checked against.
 */
export function loadSnapshot(prisma: PrismaClient): Promise<TSnapshotInput> {
  return consistentRead(prisma, readSnapshot);
}

/** Six queries whatever the estate's size. */
async function readSnapshot(db: Prisma.TransactionClient): Promise<TSnapshotInput> {
  const [sites, nodes, datasets, quotas, usage, allocations] = await Promise.all([
    readSites(db),
    readNodes(db),
    readDatasets(db),
    readQuotas(db),
    readQuotaUse(db),
    readAllocations(db),
  ]);
  const used = (teamId: string, gpuModel: string) =>
    usage
      .filter((u) => u.teamId === teamId && (gpuModel === "*" || u.gpuModel === gpuModel))
      .reduce((sum, u) => sum + Number(u.gpus), 0);
  return {
    sites,
    nodes,
    datasets,
    quotas: quotas.map(({ rowId: _rowId, ...q }) => ({ ...q, usedGpus: used(q.teamId, q.gpuModel) })),
    allocations: allocations.map(toEngineAllocation),
  };
}

export type TWorkloadForRequest = Prisma.WorkloadGetPayload<{
  include: { datasets: { select: { datasetId: true } } };
}>;

/** A stored workload as the engine's request. */
export function toRequest(w: TWorkloadForRequest): TWorkloadRequestInput {
  return {
    id: w.id,
    kind: w.kind,
    teamId: w.teamId,
    gpu:
      w.gangNodes && w.gpusPerNode
        ? { nodes: w.gangNodes, gpusPerNode: w.gpusPerNode }
        : { count: w.gpuCount },
    gpuModels: w.gpuModels,
    ...(w.minGpuMemoryGib ? { minGpuMemoryGib: w.minGpuMemoryGib } : {}),
    estimatedHours: Number(w.estimatedHours),
    datasetIds: w.datasets.map((d) => d.datasetId),
    ...(w.userRegion && w.latencySloMs
      ? { latency: { userRegion: w.userRegion, maxMs: w.latencySloMs } }
      : {}),
    requiredCertifications: w.requiredCertifications,
    allowedKinds: w.allowedSiteKinds,
    ...(w.budgetUsd !== null ? { budgetUsd: Number(w.budgetUsd) } : {}),
    priority: w.priority,
    preemptible: w.preemptible,
    ...(w.policyProfile ? { policy: { profile: w.policyProfile } } : {}),
  };
}
