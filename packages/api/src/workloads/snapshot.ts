import type { Prisma, PrismaClient } from "@switchyard/db";
import type { TSnapshotInput, TWorkloadRequestInput } from "@switchyard/placement";
import { consistentRead } from "../lib/consistent-read.ts";

type TDbReader = Pick<PrismaClient, "site" | "gpuNode" | "dataset" | "quota" | "allocation" | "$queryRaw">;

/**
 * The engine's view of the estate, as of one moment even while other processes schedule and
 * release work: read apart, a node could show 0 GPUs in use next to an allocation committed
 * a moment later, and the engine would rightly refuse the snapshot.
 */
export function loadSnapshot(prisma: PrismaClient): Promise<TSnapshotInput> {
  return consistentRead(prisma, readSnapshot);
}

/**
 * Six queries whatever the estate's size: sites with prices and latencies, nodes, datasets
 * with replicas, quotas, their use, and active allocations.
 */
async function readSnapshot(prisma: TDbReader): Promise<TSnapshotInput> {
  const [sites, nodes, datasets, quotas, usage, allocations] = await Promise.all([
    prisma.site.findMany({
      select: {
        id: true,
        name: true,
        kind: true,
        provider: true,
        region: true,
        country: true,
        jurisdiction: true,
        certifications: true,
        status: true,
        egressUsdPerGb: true,
        wanGbps: true,
        carbonGPerKwh: true,
        prices: { select: { gpuModel: true, usdPerGpuHour: true } },
        latencies: { select: { userRegion: true, latencyMs: true } },
      },
    }),
    prisma.gpuNode.findMany({
      select: {
        id: true,
        siteId: true,
        gpuModel: true,
        gpuMemoryGib: true,
        gpuCount: true,
        gpuAllocated: true,
        fabric: true,
        status: true,
      },
    }),
    prisma.dataset.findMany({
      select: {
        id: true,
        name: true,
        sizeBytes: true,
        classification: true,
        regulations: true,
        residencyCountries: true,
        residencyJurisdictions: true,
        onPremOnly: true,
        replicas: { where: { status: "AVAILABLE" }, select: { siteId: true } },
      },
    }),
    prisma.quota.findMany({
      select: { teamId: true, gpuModel: true, limitGpus: true, guaranteedGpus: true },
    }),
    prisma.$queryRaw<{ teamId: string; gpuModel: string; gpus: bigint }[]>`
      SELECT w."teamId", n."gpuModel", SUM(a."gpus") AS gpus
        FROM "Allocation" a JOIN "Workload" w ON w."id" = a."workloadId" JOIN "GpuNode" n ON n."id" = a."nodeId"
       WHERE a."status" = 'ACTIVE'
       GROUP BY w."teamId", n."gpuModel"`,
    prisma.allocation.findMany({
      where: { status: "ACTIVE" },
      select: {
        workloadId: true,
        nodeId: true,
        gpus: true,
        workload: { select: { priority: true, preemptible: true, teamId: true } },
      },
    }),
  ]);

  const used = (teamId: string, gpuModel: string) =>
    usage
      .filter((u) => u.teamId === teamId && (gpuModel === "*" || u.gpuModel === gpuModel))
      .reduce((sum, u) => sum + Number(u.gpus), 0);

  return {
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      provider: s.provider,
      region: s.region,
      country: s.country,
      jurisdiction: s.jurisdiction,
      certifications: s.certifications,
      status: s.status,
      egressUsdPerGb: Number(s.egressUsdPerGb),
      wanGbps: Number(s.wanGbps),
      carbonGPerKwh: s.carbonGPerKwh,
      pricesUsdPerGpuHour: Object.fromEntries(s.prices.map((p) => [p.gpuModel, Number(p.usdPerGpuHour)])),
      latencyMsByRegion: Object.fromEntries(s.latencies.map((l) => [l.userRegion, l.latencyMs])),
    })),
    nodes: nodes.map((n) => ({
      id: n.id,
      siteId: n.siteId,
      gpuModel: n.gpuModel,
      gpuMemoryGib: n.gpuMemoryGib,
      gpuTotal: n.gpuCount,
      gpuFree: Math.max(0, n.gpuCount - n.gpuAllocated),
      fabric: n.fabric,
      status: n.status,
    })),
    datasets: datasets.map((d) => ({
      id: d.id,
      name: d.name,
      sizeBytes: Number(d.sizeBytes),
      classification: d.classification,
      regulations: d.regulations,
      residency: {
        ...(d.residencyCountries.length > 0 ? { allowedCountries: d.residencyCountries } : {}),
        ...(d.residencyJurisdictions.length > 0 ? { allowedJurisdictions: d.residencyJurisdictions } : {}),
        onPremOnly: d.onPremOnly,
      },
      replicaSiteIds: d.replicas.map((r) => r.siteId),
    })),
    quotas: quotas.map((q) => ({ ...q, usedGpus: used(q.teamId, q.gpuModel) })),
    allocations: allocations.map((a) => ({
      workloadId: a.workloadId,
      nodeId: a.nodeId,
      gpus: a.gpus,
      priority: a.workload.priority,
      preemptible: a.workload.preemptible,
      teamId: a.workload.teamId,
    })),
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
