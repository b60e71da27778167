import type { TWorkloadRequestInput } from "../schema/request.schema";
import { ZWorkloadRequest } from "../schema/request.schema";
import { type TSnapshot, type TSnapshotInput, ZSnapshot } from "../schema/snapshot.schema";

export type TPlacedOn = {
  readonly siteId: string;
  readonly gpuModel: string;
  readonly nodes: readonly { readonly nodeId: string; readonly gpus: number }[];
  readonly cost: { readonly totalUsd: number };
};

/**
 * An independent re-statement of the hard constraints, written from the spec rather than
 * from the plugins, for property tests: returns what is wrong with a placement (empty when
 * nothing is). `freeGpus` is the capacity to check against (a batch passes what is left).
 */
export function hardConstraintViolations(
  snapshotInput: TSnapshotInput,
  requestInput: TWorkloadRequestInput,
  placed: TPlacedOn,
  freeGpus?: ReadonlyMap<string, number>,
): string[] {
  const snapshot: TSnapshot = ZSnapshot.parse(snapshotInput);
  const request = ZWorkloadRequest.parse(requestInput);
  const problems: string[] = [];
  const site = snapshot.sites.find((s) => s.id === placed.siteId);
  if (site === undefined) return [`unknown site ${placed.siteId}`];
  if (site.status !== "ACTIVE") problems.push(`site ${site.id} is ${site.status}`);
  if (request.allowedKinds.length > 0 && !request.allowedKinds.includes(site.kind))
    problems.push(`kind ${site.kind}`);
  for (const cert of request.requiredCertifications) {
    if (!site.certifications.includes(cert)) problems.push(`missing ${cert}`);
  }
  if (request.latency !== undefined) {
    const ms = site.latencyMsByRegion[request.latency.userRegion];
    if (ms === undefined || ms > request.latency.maxMs) problems.push(`latency ${ms}`);
  }
  for (const id of request.datasetIds) {
    const dataset = snapshot.datasets.find((d) => d.id === id);
    if (dataset === undefined) {
      problems.push(`unknown dataset ${id}`);
      continue;
    }
    const { allowedCountries = [], allowedJurisdictions = [], onPremOnly } = dataset.residency;
    if (onPremOnly && site.kind !== "ON_PREM") problems.push(`${id} on-prem only`);
    const restricted = allowedCountries.length > 0 || allowedJurisdictions.length > 0;
    if (
      restricted &&
      !allowedCountries.includes(site.country) &&
      !allowedJurisdictions.includes(site.jurisdiction)
    ) {
      problems.push(`${id} residency`);
    }
    if (site.kind === "EDGE" && dataset.classification === "REGULATED") {
      problems.push(`${id} at the edge`);
    }
    if (dataset.classification === "REGULATED") {
      for (const regulation of dataset.regulations) {
        if (!site.certifications.includes(regulation)) problems.push(`${id} needs ${regulation}`);
      }
    }
    const readable = dataset.replicaSiteIds.some(
      (r) => snapshot.sites.find((s) => s.id === r)?.status !== "DECOMMISSIONED",
    );
    if (!readable && !dataset.replicaSiteIds.includes(site.id)) problems.push(`${id} unreadable`);
  }

  const gang = "nodes" in request.gpu;
  const nodeCount = "nodes" in request.gpu ? request.gpu.nodes : 1;
  const perNode = "nodes" in request.gpu ? request.gpu.gpusPerNode : request.gpu.count;
  if (placed.nodes.length !== nodeCount) problems.push(`${placed.nodes.length} nodes, want ${nodeCount}`);
  if (new Set(placed.nodes.map((n) => n.nodeId)).size !== placed.nodes.length)
    problems.push("a node used twice");
  const fabrics = new Set<string>();
  for (const assignment of placed.nodes) {
    const node = snapshot.nodes.find((n) => n.id === assignment.nodeId);
    if (node === undefined) {
      problems.push(`unknown node ${assignment.nodeId}`);
      continue;
    }
    fabrics.add(node.fabric);
    if (node.siteId !== site.id) problems.push(`node ${node.id} not at ${site.id}`);
    if (node.status !== "READY") problems.push(`node ${node.id} ${node.status}`);
    if (node.gpuModel !== placed.gpuModel) problems.push(`node ${node.id} is ${node.gpuModel}`);
    if (request.gpuModels.length > 0 && !request.gpuModels.includes(node.gpuModel))
      problems.push(`model ${node.gpuModel}`);
    if (request.minGpuMemoryGib !== undefined && node.gpuMemoryGib < request.minGpuMemoryGib)
      problems.push("memory");
    if (assignment.gpus !== perNode) problems.push(`${assignment.gpus} GPUs on ${node.id}, want ${perNode}`);
    const free = freeGpus?.get(node.id) ?? node.gpuFree;
    if (assignment.gpus > free) problems.push(`${assignment.gpus} GPUs on ${node.id} with ${free} free`);
  }
  if (gang && fabrics.size > 1) problems.push("gang spans fabrics");
  const price = site.pricesUsdPerGpuHour[placed.gpuModel];
  if (price === undefined) problems.push(`no price for ${placed.gpuModel}`);
  const compute = (price ?? 0) * nodeCount * perNode * request.estimatedHours;
  if (placed.cost.totalUsd + 0.01 < compute)
    problems.push(`cost ${placed.cost.totalUsd} below compute ${compute}`);
  if (request.budgetUsd !== undefined && placed.cost.totalUsd > request.budgetUsd + 0.01)
    problems.push("over budget");
  return problems;
}

/** Quota left per team and model after taking `gpus`; negative means over. */
export function quotaLeft(snapshot: TSnapshot, teamId: string, model: string, taken: number): number {
  let left = Number.POSITIVE_INFINITY;
  for (const quota of snapshot.quotas) {
    if (quota.teamId !== teamId || (quota.gpuModel !== model && quota.gpuModel !== "*")) continue;
    left = Math.min(left, quota.limitGpus - quota.usedGpus - taken);
  }
  return left;
}
