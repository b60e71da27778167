import type {
  TAllocation,
  TDataset,
  TGpuNode,
  TNodeStatus,
  TQuota,
  TSite,
  TSnapshot,
} from "../schema/snapshot.schema";
import { compareIds } from "./compare";
import { KNOWN_GPU_MODELS } from "./gpu-catalog";
import {
  quotaKey,
  type TCapacity,
  type TDataSource,
  type TGroup,
  type TIndexedDataset,
  type TIndexedSite,
  type TPool,
  type TPreparedSnapshot,
} from "./prepared-snapshot";
import { residencyProblem } from "./residency";
import { validateSnapshot } from "./validate-snapshot";

const PREPARED = Symbol("prepared-snapshot");

export function isPreparedSnapshot(value: unknown): value is TPreparedSnapshot {
  return typeof value === "object" && value !== null && PREPARED in value;
}

/**
 * Validates a snapshot and indexes it: sites, nodes and datasets sorted by id (so input
 * order never matters), nodes grouped into pools by site, GPU model, memory and fabric,
 * free GPUs bucketed per pool. Throws PlacementInputError on bad input. Pass a prepared
 * snapshot back to place()/placeBatch() to skip this work on every call.
 */
export function indexSnapshot(input: unknown): TPreparedSnapshot {
  if (isPreparedSnapshot(input)) return input;
  const snapshot = validateSnapshot(input);
  return buildIndex(snapshot);
}

/** Indexes a snapshot that is already valid (see validateSnapshot). */
export function buildIndex(snapshot: TSnapshot): TPreparedSnapshot {
  // 1. Canonical order: everything by id.
  const sortedSites = [...snapshot.sites].sort((a, b) => compareIds(a.id, b.id));
  const nodes = [...snapshot.nodes].sort((a, b) => compareIds(a.id, b.id));
  const siteIdxById = new Map(sortedSites.map((site, i) => [site.id, i]));
  const nodeIdxById = new Map(nodes.map((node, i) => [node.id, i]));

  // 2. Nodes into groups (site, model, memory) and pools (group, fabric).
  const nodesBySite: number[][] = sortedSites.map(() => []);
  nodes.forEach((node, i) => {
    nodesBySite[siteIdxById.get(node.siteId) ?? 0]?.push(i);
  });

  const groups: TGroup[] = [];
  const pools: TPool[] = [];
  const nodePool = new Int32Array(nodes.length).fill(-1);
  const sitesByModel = new Map<string, number[]>();
  const sites: TIndexedSite[] = sortedSites.map((site, siteIdx) =>
    indexSite(site, siteIdx, nodesBySite[siteIdx] ?? [], nodes, groups, pools, nodePool, sitesByModel),
  );

  // 3. Capacity: free GPUs per node, bucketed per pool by free level.
  const free = new Int32Array(nodes.length);
  nodes.forEach((node, i) => {
    free[i] = node.gpuFree;
  });
  const levels = pools.map((pool) => {
    const counts = new Int32Array(pool.maxGpusPerNode + 1);
    for (const n of pool.nodes) counts[free[n] ?? 0] = (counts[free[n] ?? 0] ?? 0) + 1;
    return counts;
  });

  const siteFree = new Float64Array(sites.length);
  nodes.forEach((node, i) => {
    if (node.status === "READY") {
      const siteIdx = siteIdxById.get(node.siteId) ?? 0;
      siteFree[siteIdx] = (siteFree[siteIdx] ?? 0) + (free[i] ?? 0);
    }
  });
  const quotas = new Map<string, TQuota>();
  const quotaUsed = new Map<string, number>();
  for (const quota of snapshot.quotas) {
    const key = quotaKey(quota.teamId, quota.gpuModel);
    quotas.set(key, quota);
    quotaUsed.set(key, quota.usedGpus);
  }
  const capacity: TCapacity = { free, levels, siteFree, quotaUsed };

  // 4. Datasets: replica sites and the cheapest source to copy from.
  const datasets = new Map<string, TIndexedDataset>();
  for (const dataset of snapshot.datasets) {
    datasets.set(dataset.id, indexDataset(dataset, sortedSites, siteIdxById));
  }

  const knownModels = new Set<string>(KNOWN_GPU_MODELS);
  for (const node of nodes) knownModels.add(node.gpuModel);

  const allocations = sortAllocations(snapshot.allocations);

  const prepared = {
    [PREPARED]: true,
    snapshot,
    sites,
    siteIdxById,
    nodes,
    nodeIdxById,
    nodePool,
    groups,
    pools,
    datasets,
    quotas,
    allocations,
    sitesByModel,
    knownModels,
    capacity,
    memo: new Map<string, unknown>(),
  };
  return prepared as unknown as TPreparedSnapshot;
}

/** Running allocations by workload id, then node id, then GPUs. */
export function sortAllocations(allocations: readonly TAllocation[]): TAllocation[] {
  return [...allocations].sort(
    (a, b) => compareIds(a.workloadId, b.workloadId) || compareIds(a.nodeId, b.nodeId) || a.gpus - b.gpus,
  );
}

export function indexSite(
  site: TSite,
  siteIdx: number,
  siteNodes: readonly number[],
  nodes: readonly TGpuNode[],
  groups: TGroup[],
  pools: TPool[],
  nodePool: Int32Array,
  sitesByModel: Map<string, number[]>,
): TIndexedSite {
  const byGroup = new Map<string, number[]>();
  let readyGpus = 0;
  for (const n of siteNodes) {
    const node = nodes[n] as TGpuNode;
    const key = `${node.gpuModel}@${node.gpuMemoryGib}`;
    const members = byGroup.get(key);
    if (members) members.push(n);
    else byGroup.set(key, [n]);
    if (node.status === "READY") readyGpus += node.gpuTotal;
  }
  const siteGroups: TGroup[] = [];
  for (const key of [...byGroup.keys()].sort(compareIds)) {
    const members = byGroup.get(key) ?? [];
    const first = nodes[members[0] ?? 0] as TGpuNode;
    const statusCounts: Record<TNodeStatus, number> = { READY: 0, CORDONED: 0, DRAINING: 0, DOWN: 0 };
    const byFabric = new Map<string, number[]>();
    for (const n of members) {
      const node = nodes[n] as TGpuNode;
      statusCounts[node.status] += 1;
      if (node.status !== "READY") continue;
      const fabricNodes = byFabric.get(node.fabric);
      if (fabricNodes) fabricNodes.push(n);
      else byFabric.set(node.fabric, [n]);
    }
    const groupIdx = groups.length;
    const groupPools: number[] = [];
    for (const fabric of [...byFabric.keys()].sort(compareIds)) {
      const poolNodes = byFabric.get(fabric) ?? [];
      const poolIdx = pools.length;
      let maxGpusPerNode = 0;
      for (const n of poolNodes) {
        nodePool[n] = poolIdx;
        maxGpusPerNode = Math.max(maxGpusPerNode, (nodes[n] as TGpuNode).gpuTotal);
      }
      const nodesWithGpus = Array.from({ length: maxGpusPerNode + 1 }, (_, g) =>
        poolNodes.reduce((count, n) => count + ((nodes[n] as TGpuNode).gpuTotal >= g ? 1 : 0), 0),
      );
      pools.push({
        nodesWithGpus,
        idx: poolIdx,
        siteIdx,
        groupIdx,
        model: first.gpuModel,
        fabric,
        nodes: poolNodes,
        maxGpusPerNode,
      });
      groupPools.push(poolIdx);
    }
    const group: TGroup = {
      idx: groupIdx,
      siteIdx,
      key,
      model: first.gpuModel,
      memoryGib: first.gpuMemoryGib,
      price: site.pricesUsdPerGpuHour[first.gpuModel],
      statusCounts,
      pools: groupPools,
    };
    groups.push(group);
    siteGroups.push(group);
    const modelSites = sitesByModel.get(first.gpuModel);
    if (modelSites === undefined) sitesByModel.set(first.gpuModel, [siteIdx]);
    else if (modelSites[modelSites.length - 1] !== siteIdx) modelSites.push(siteIdx);
  }
  return { idx: siteIdx, site, certifications: new Set(site.certifications), groups: siteGroups, readyGpus };
}

export function indexDataset(
  dataset: TDataset,
  sites: readonly TSite[],
  siteIdxById: ReadonlyMap<string, number>,
): TIndexedDataset {
  const { allowedCountries, allowedJurisdictions } = dataset.residency;
  const rules = {
    dataset,
    allowedCountries: allowedCountries && allowedCountries.length > 0 ? new Set(allowedCountries) : undefined,
    allowedJurisdictions:
      allowedJurisdictions && allowedJurisdictions.length > 0 ? new Set(allowedJurisdictions) : undefined,
  };
  const replicaSites = new Set<number>();
  let source: TDataSource | undefined;
  for (const siteId of [...dataset.replicaSiteIds].sort(compareIds)) {
    const siteIdx = siteIdxById.get(siteId);
    if (siteIdx === undefined) continue;
    replicaSites.add(siteIdx);
    const site = sites[siteIdx] as TSite;
    // A decommissioned site holds no readable copy; a replica where the dataset may not
    // live is a stray copy, never a source.
    if (site.status === "DECOMMISSIONED") continue;
    if (residencyProblem(rules, { site, certifications: new Set(site.certifications) }) !== undefined)
      continue;
    const better =
      source === undefined ||
      site.egressUsdPerGb < source.egressUsdPerGb ||
      (site.egressUsdPerGb === source.egressUsdPerGb && site.wanGbps > source.wanGbps);
    if (better) {
      source = {
        siteIdx,
        egressUsdPerGb: site.egressUsdPerGb,
        wanGbps: site.wanGbps,
        jurisdiction: site.jurisdiction,
      };
    }
  }
  return { ...rules, replicaSites, source };
}
