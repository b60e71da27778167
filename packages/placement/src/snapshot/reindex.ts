import type { TGpuNode, TQuota, TSite, TSnapshot } from "../schema/snapshot.schema";
import { compareIds } from "./compare";
import { KNOWN_GPU_MODELS } from "./gpu-catalog";
import { indexDataset, indexSite } from "./index-snapshot";
import {
  quotaKey,
  type TCapacity,
  type TGroup,
  type TIndexedDataset,
  type TIndexedSite,
  type TPool,
  type TPreparedSnapshot,
} from "./prepared-snapshot";

/** What reindex() needs to know about the changes: the ids named (records are in `snapshot`). */
export type TReshape = {
  sites: { upsert: readonly { id: string }[]; remove: readonly string[] };
  nodes: { upsert: readonly TGpuNode[]; remove: readonly string[] };
  datasets: { upsert: readonly { id: string }[]; remove: readonly string[] };
};

/**
 * buildIndex(snapshot) for a snapshot that differs from `prepared` by `changes` (nodes added,
 * removed or reshaped, sites or datasets changed), without indexing the whole estate again:
 * snapshot.nodes come in node order from mergeNodes() (merged, not sorted), only the sites whose fields or nodes changed are
 * grouped into pools again (the others keep their groups and pools, renumbered), free-GPU levels
 * are kept for untouched pools, and only datasets with a replica at a changed site are indexed
 * again. Allocations come ready (`allocations`, sorted). The result equals buildIndex(snapshot).
 */
export function reindex(
  prepared: TPreparedSnapshot,
  snapshot: TSnapshot,
  changes: TReshape,
  {
    oldToNew,
    allocations,
  }: { oldToNew: Int32Array | undefined; allocations: TPreparedSnapshot["allocations"] },
): TPreparedSnapshot {
  const nodes = snapshot.nodes;
  let nodeIdxById = prepared.nodeIdxById;
  if (oldToNew) {
    const byId = new Map<string, number>();
    for (let i = 0; i < nodes.length; i++) byId.set((nodes[i] as TGpuNode).id, i);
    nodeIdxById = byId;
  }
  const sortedSites = [...snapshot.sites].sort((a, b) => compareIds(a.id, b.id));
  const sitesKept = changes.sites.upsert.length + changes.sites.remove.length === 0;
  const siteIdxById = sitesKept ? prepared.siteIdxById : new Map(sortedSites.map((site, i) => [site.id, i]));

  // Sites whose groups must be built again: changed ones, and those a changed node left or joined.
  const touched = new Set<string>([...changes.sites.upsert.map((s) => s.id), ...changes.sites.remove]);
  for (const id of changes.nodes.remove) {
    const idx = prepared.nodeIdxById.get(id);
    if (idx !== undefined) touched.add((prepared.nodes[idx] as TGpuNode).siteId);
  }
  for (const node of changes.nodes.upsert) {
    touched.add(node.siteId);
    const idx = prepared.nodeIdxById.get(node.id);
    if (idx !== undefined) touched.add((prepared.nodes[idx] as TGpuNode).siteId);
  }
  const touchedNodes = new Map<string, number[]>();
  for (const id of touched) touchedNodes.set(id, []);
  nodes.forEach((node, i) => {
    touchedNodes.get(node.siteId)?.push(i);
  });

  const groups: TGroup[] = [];
  const pools: TPool[] = [];
  const levels: Int32Array[] = [];
  const nodePool = new Int32Array(nodes.length).fill(-1);
  const sitesByModel = new Map<string, number[]>();
  const free = oldToNew ? new Int32Array(nodes.length) : prepared.capacity.free.slice();
  if (oldToNew)
    nodes.forEach((node, i) => {
      free[i] = node.gpuFree;
    });
  else for (const node of changes.nodes.upsert) free[nodeIdxById.get(node.id) ?? -1] = node.gpuFree;
  const siteFree = new Float64Array(sortedSites.length);
  const sites = sortedSites.map((site, siteIdx): TIndexedSite => {
    const siteNodes = touchedNodes.get(site.id);
    const oldIdx = prepared.siteIdxById.get(site.id);
    if (siteNodes !== undefined || oldIdx === undefined) {
      const firstPool = pools.length;
      const indexed = indexSite(site, siteIdx, siteNodes ?? [], nodes, groups, pools, nodePool, sitesByModel);
      for (const pool of pools.slice(firstPool)) levels.push(freeLevels(pool, free));
      for (const n of siteNodes ?? [])
        if ((nodes[n] as TGpuNode).status === "READY")
          siteFree[siteIdx] = (siteFree[siteIdx] ?? 0) + (free[n] ?? 0);
      return indexed;
    }
    siteFree[siteIdx] = prepared.capacity.siteFree[oldIdx] ?? 0;
    const old = prepared.sites[oldIdx] as TIndexedSite;
    const siteGroups = old.groups.map((group) =>
      moveGroup(prepared, group, siteIdx, { groups, pools, levels, nodePool, sitesByModel, oldToNew }),
    );
    return { ...old, idx: siteIdx, groups: siteGroups };
  });

  const quotas = new Map<string, TQuota>();
  const quotaUsed = new Map<string, number>();
  for (const quota of snapshot.quotas) {
    quotas.set(quotaKey(quota.teamId, quota.gpuModel), quota);
    quotaUsed.set(quotaKey(quota.teamId, quota.gpuModel), quota.usedGpus);
  }
  const capacity: TCapacity = { free, levels, siteFree, quotaUsed };
  const knownModels = new Set<string>(KNOWN_GPU_MODELS);
  for (const group of groups) knownModels.add(group.model);

  return {
    ...prepared,
    snapshot,
    sites,
    siteIdxById,
    nodes,
    nodeIdxById,
    nodePool,
    groups,
    pools,
    datasets: reindexDatasets(prepared, snapshot, changes, sortedSites, siteIdxById, sitesKept),
    quotas,
    allocations,
    sitesByModel,
    knownModels,
    capacity,
    memo: new Map(),
  };
}

/**
 * The nodes by id with removals, replacements and additions applied (a removal wins over an
 * upsert of the same id, the last upsert of an id wins), and where each old index went (-1:
 * removed); undefined when no node came or went, so every index stayed.
 */
export function mergeNodes(
  old: readonly TGpuNode[],
  { upsert, remove }: TReshape["nodes"],
): { nodes: TGpuNode[]; oldToNew: Int32Array | undefined } {
  if (upsert.length + remove.length === 0) return { nodes: old as TGpuNode[], oldToNew: undefined };
  const removed = new Set(remove);
  const replaced = new Map<string, TGpuNode>();
  for (const node of upsert) if (!removed.has(node.id)) replaced.set(node.id, node);
  const nodes: TGpuNode[] = [];
  const oldToNew = new Int32Array(old.length);
  const added = [...replaced.values()]
    .filter((node) => !hasId(old, node.id))
    .sort((a, b) => compareIds(a.id, b.id));
  let a = 0;
  old.forEach((node, i) => {
    while (a < added.length && compareIds((added[a] as TGpuNode).id, node.id) < 0)
      nodes.push(added[a++] as TGpuNode);
    if (removed.has(node.id)) {
      oldToNew[i] = -1;
      return;
    }
    oldToNew[i] = nodes.length;
    nodes.push(replaced.get(node.id) ?? node);
  });
  while (a < added.length) nodes.push(added[a++] as TGpuNode);
  const same = added.length === 0 && nodes.length === old.length;
  return { nodes, oldToNew: same ? undefined : oldToNew };
}

/** Binary search in nodes sorted by id. */
function hasId(sorted: readonly TGpuNode[], id: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareIds((sorted[mid] as TGpuNode).id, id);
    if (order === 0) return true;
    if (order < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

type TBuild = {
  groups: TGroup[];
  pools: TPool[];
  levels: Int32Array[];
  nodePool: Int32Array;
  sitesByModel: Map<string, number[]>;
  oldToNew: Int32Array | undefined;
};

/** An untouched site's group, renumbered into the new index with its pools (as indexSite() would). */
function moveGroup(prepared: TPreparedSnapshot, group: TGroup, siteIdx: number, build: TBuild): TGroup {
  const groupIdx = build.groups.length;
  const poolIdxs = group.pools.map((oldPool) => {
    const pool = prepared.pools[oldPool] as TPool;
    const poolIdx = build.pools.length;
    const map = build.oldToNew;
    const members = map ? pool.nodes.map((n) => map[n] as number) : pool.nodes;
    for (const n of members) build.nodePool[n] = poolIdx;
    build.pools.push({ ...pool, idx: poolIdx, siteIdx, groupIdx, nodes: members });
    build.levels.push(prepared.capacity.levels[oldPool] as Int32Array);
    return poolIdx;
  });
  const moved: TGroup = { ...group, idx: groupIdx, siteIdx, pools: poolIdxs };
  build.groups.push(moved);
  const modelSites = build.sitesByModel.get(group.model);
  if (modelSites === undefined) build.sitesByModel.set(group.model, [siteIdx]);
  else if (modelSites[modelSites.length - 1] !== siteIdx) modelSites.push(siteIdx);
  return moved;
}

/** [f] = how many of the pool's nodes have exactly f GPUs free. */
function freeLevels(pool: TPool, free: Int32Array): Int32Array {
  const counts = new Int32Array(pool.maxGpusPerNode + 1);
  for (const n of pool.nodes) counts[free[n] ?? 0] = (counts[free[n] ?? 0] ?? 0) + 1;
  return counts;
}

/**
 * Datasets changed, and those whose replica sites changed or were renumbered, indexed again;
 * the others kept.
 */
function reindexDatasets(
  prepared: TPreparedSnapshot,
  snapshot: TSnapshot,
  changes: TReshape,
  sortedSites: readonly TSite[],
  siteIdxById: ReadonlyMap<string, number>,
  sitesKept: boolean,
): ReadonlyMap<string, TIndexedDataset> {
  if (sitesKept && changes.datasets.upsert.length + changes.datasets.remove.length === 0)
    return prepared.datasets;
  const changedSites = new Set([...changes.sites.upsert.map((s) => s.id), ...changes.sites.remove]);
  const changedDatasets = new Set(changes.datasets.upsert.map((d) => d.id));
  const renumbered = !sitesKept && !sameSiteIds(prepared, sortedSites);
  const datasets = new Map<string, TIndexedDataset>();
  for (const dataset of snapshot.datasets) {
    const old = prepared.datasets.get(dataset.id);
    const stale =
      old === undefined ||
      renumbered ||
      changedDatasets.has(dataset.id) ||
      dataset.replicaSiteIds.some((id) => changedSites.has(id));
    datasets.set(dataset.id, stale ? indexDataset(dataset, sortedSites, siteIdxById) : old);
  }
  return datasets;
}

function sameSiteIds(prepared: TPreparedSnapshot, sortedSites: readonly TSite[]): boolean {
  return (
    prepared.sites.length === sortedSites.length &&
    sortedSites.every((site, i) => prepared.sites[i]?.site.id === site.id)
  );
}
