import type { TWorkloadRequest, TWorkloadRequestInput } from "../schema/request.schema";
import { ZWorkloadRequest } from "../schema/request.schema";
import {
  type TDataset,
  type TSite,
  type TSnapshot,
  type TSnapshotInput,
  ZSnapshot,
} from "../schema/snapshot.schema";

/*
 * An independent re-statement of the hard constraints and of the cost model, written from
 * the spec (README "Semantics worth knowing") rather than from the plugins, with plain
 * loops over the raw snapshot and no engine code: the judge of the property tests and the
 * source of the benchmark MILP's options and costs.
 */

export type TPlacedOn = {
  readonly siteId: string;
  readonly gpuModel: string;
  readonly nodes: readonly { readonly nodeId: string; readonly gpus: number }[];
  readonly cost: { readonly totalUsd: number; readonly egressUsd?: number; readonly computeUsd?: number };
};

const BYTES_PER_GB = 1e9;
const CENT = 0.01;

/** Whether a dataset may live at a site: residency, on-prem only, classification, regulations. */
export function datasetMayLiveAt(dataset: TDataset, site: TSite): string | undefined {
  const { allowedCountries = [], allowedJurisdictions = [], onPremOnly } = dataset.residency;
  if (onPremOnly && site.kind !== "ON_PREM") return `${dataset.id} on-prem only`;
  const restricted = allowedCountries.length > 0 || allowedJurisdictions.length > 0;
  if (
    restricted &&
    !allowedCountries.includes(site.country) &&
    !allowedJurisdictions.includes(site.jurisdiction)
  ) {
    return `${dataset.id} residency`;
  }
  if (site.kind === "EDGE" && dataset.classification === "REGULATED") return `${dataset.id} at the edge`;
  if (dataset.classification === "REGULATED") {
    for (const regulation of dataset.regulations) {
      if (!site.certifications.includes(regulation)) return `${dataset.id} needs ${regulation}`;
    }
  }
  return undefined;
}

/**
 * Egress $/GB of the cheapest replica a copy may come from: not at a decommissioned site,
 * and at a site where the dataset may live (a replica outside its residency is a stray
 * copy, not a source). Undefined when there is none.
 */
export function sourceEgressUsdPerGb(snapshot: TSnapshot, dataset: TDataset): number | undefined {
  let best: number | undefined;
  for (const replicaId of dataset.replicaSiteIds) {
    const site = snapshot.sites.find((s) => s.id === replicaId);
    if (site === undefined || site.status === "DECOMMISSIONED") continue;
    if (datasetMayLiveAt(dataset, site) !== undefined) continue;
    if (best === undefined || site.egressUsdPerGb < best) best = site.egressUsdPerGb;
  }
  return best;
}

/** What is wrong with running the request at the site, whatever the nodes (empty: nothing). */
export function siteProblems(snapshot: TSnapshot, request: TWorkloadRequest, site: TSite): string[] {
  const problems: string[] = [];
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
    const problem = datasetMayLiveAt(dataset, site);
    if (problem !== undefined) problems.push(problem);
    if (!dataset.replicaSiteIds.includes(site.id) && sourceEgressUsdPerGb(snapshot, dataset) === undefined)
      problems.push(`${id} has no replica to copy from`);
  }
  return problems;
}

/** Egress of the copies the request needs at the site: each dataset without a replica there. */
export function egressUsdAt(snapshot: TSnapshot, request: TWorkloadRequest, site: TSite): number {
  let usd = 0;
  for (const id of new Set(request.datasetIds)) {
    const dataset = snapshot.datasets.find((d) => d.id === id);
    if (dataset === undefined || dataset.replicaSiteIds.includes(site.id)) continue;
    usd += (dataset.sizeBytes / BYTES_PER_GB) * (sourceEgressUsdPerGb(snapshot, dataset) ?? Number.NaN);
  }
  return usd;
}

function shape(request: TWorkloadRequest): { gang: boolean; nodeCount: number; perNode: number } {
  return "nodes" in request.gpu
    ? { gang: true, nodeCount: request.gpu.nodes, perNode: request.gpu.gpusPerNode }
    : { gang: false, nodeCount: 1, perNode: request.gpu.count };
}

/** One way to run a request: a site, a GPU model, and (for a gang) one fabric. */
export type TIndependentOption = {
  readonly siteId: string;
  readonly gpuModel: string;
  /** The gang's fabric; undefined for a single-node workload. */
  readonly fabric: string | undefined;
  /** READY nodes of that model (and fabric) with enough memory and free GPUs for one share. */
  readonly nodeIds: readonly string[];
  readonly computeUsd: number;
  readonly egressUsd: number;
  readonly totalUsd: number;
};

/**
 * Every option of a request, by the rules alone: sites that pass siteProblems, GPU models
 * the request allows that the site prices, READY nodes with the memory asked for and
 * `gpusPerNode` free (in `freeGpus`, else the snapshot), enough of them on one fabric for
 * a gang, and cost within the budget. Quotas are not applied (they are cumulative in a
 * batch; see quotaLeft). Sorted by site, model, fabric.
 */
export function independentOptions(
  snapshotInput: TSnapshotInput | TSnapshot,
  requestInput: TWorkloadRequestInput,
  freeGpus?: ReadonlyMap<string, number>,
): TIndependentOption[] {
  const snapshot: TSnapshot = ZSnapshot.parse(snapshotInput);
  const request = ZWorkloadRequest.parse(requestInput);
  const { gang, nodeCount, perNode } = shape(request);
  const out: TIndependentOption[] = [];
  const nodesBySite = new Map<string, TSnapshot["nodes"]>();
  for (const node of snapshot.nodes) {
    const list = nodesBySite.get(node.siteId);
    if (list === undefined) nodesBySite.set(node.siteId, [node]);
    else list.push(node);
  }
  const sites = [...snapshot.sites].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const site of sites) {
    if (siteProblems(snapshot, request, site).length > 0) continue;
    const egressUsd = egressUsdAt(snapshot, request, site);
    const models = Object.keys(site.pricesUsdPerGpuHour).sort();
    for (const model of models) {
      if (request.gpuModels.length > 0 && !request.gpuModels.includes(model)) continue;
      const price = site.pricesUsdPerGpuHour[model] as number;
      const computeUsd = price * nodeCount * perNode * request.estimatedHours;
      const totalUsd = computeUsd + egressUsd;
      if (request.budgetUsd !== undefined && totalUsd > request.budgetUsd) continue;
      if (request.teamBudgetLeftUsd !== undefined && totalUsd > request.teamBudgetLeftUsd) continue;
      const nodes = (nodesBySite.get(site.id) ?? [])
        .filter(
          (n) =>
            n.status === "READY" &&
            n.gpuModel === model &&
            n.gpuMemoryGib >= (request.minGpuMemoryGib ?? 0) &&
            (freeGpus?.get(n.id) ?? n.gpuFree) >= perNode,
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const fabrics = gang ? [...new Set(nodes.map((n) => n.fabric))].sort() : [undefined];
      for (const fabric of fabrics) {
        const members = nodes.filter((n) => fabric === undefined || n.fabric === fabric);
        if (members.length < nodeCount) continue;
        out.push({
          siteId: site.id,
          gpuModel: model,
          fabric,
          nodeIds: members.map((n) => n.id),
          computeUsd,
          egressUsd,
          totalUsd,
        });
      }
    }
  }
  return out;
}

/**
 * What is wrong with a placement (empty when nothing is), cost included: compute is
 * price × GPUs × hours, egress is exactly the copies the site needs from their cheapest
 * allowed replicas, each to the cent. `freeGpus` is the capacity to check against (a
 * batch passes what is left).
 */
export function hardConstraintViolations(
  snapshotInput: TSnapshotInput | TSnapshot,
  requestInput: TWorkloadRequestInput,
  placed: TPlacedOn,
  freeGpus?: ReadonlyMap<string, number>,
): string[] {
  const snapshot: TSnapshot = ZSnapshot.parse(snapshotInput);
  const request = ZWorkloadRequest.parse(requestInput);
  const site = snapshot.sites.find((s) => s.id === placed.siteId);
  if (site === undefined) return [`unknown site ${placed.siteId}`];
  const problems = siteProblems(snapshot, request, site);

  const { gang, nodeCount, perNode } = shape(request);
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
  const egress = egressUsdAt(snapshot, request, site);
  if (Math.abs(placed.cost.totalUsd - (compute + egress)) > CENT)
    problems.push(`cost ${placed.cost.totalUsd}, want ${compute} compute + ${egress} egress`);
  if (placed.cost.egressUsd !== undefined && Math.abs(placed.cost.egressUsd - egress) > CENT)
    problems.push(`egress ${placed.cost.egressUsd}, want ${egress}`);
  if (placed.cost.computeUsd !== undefined && Math.abs(placed.cost.computeUsd - compute) > CENT)
    problems.push(`compute ${placed.cost.computeUsd}, want ${compute}`);
  if (request.budgetUsd !== undefined && placed.cost.totalUsd > request.budgetUsd + CENT)
    problems.push("over budget");
  if (request.teamBudgetLeftUsd !== undefined && placed.cost.totalUsd > request.teamBudgetLeftUsd + CENT)
    problems.push("over the team's budget");
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
