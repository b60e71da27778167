import type { TGpuNode } from "../schema/snapshot.schema";
import type { TGroup, TIndexedSite, TPool, TPreparedSnapshot } from "./prepared-snapshot";

/**
 * The prepared snapshot with some nodes in another status (READY, CORDONED, DRAINING, DOWN),
 * their free GPUs as they were: group status counts, the READY pools a node joins or leaves,
 * its site's ready and free GPUs. O(changed nodes + the pools they are in); `prepared` itself
 * when no status differs. Undefined when a change would open a new pool (the first READY node
 * of a fabric) or empty one: then only a new index gives the same pool numbering as
 * indexSnapshot().
 */
export function restatus(
  prepared: TPreparedSnapshot,
  changed: readonly TGpuNode[],
): TPreparedSnapshot | undefined {
  // Most derivations only take or give back GPUs: nothing to restate, nothing to copy.
  if (
    changed.every(
      (next) => prepared.nodes[prepared.nodeIdxById.get(next.id) as number]?.status === next.status,
    )
  )
    return prepared;
  const nodes = prepared.nodes.slice();
  const nodePool = prepared.nodePool.slice();
  const groups = prepared.groups.slice();
  const levels = prepared.capacity.levels.slice();
  const siteFree = prepared.capacity.siteFree.slice();
  const { free } = prepared.capacity;
  const members = new Map<number, number[]>();
  const readyGpus = new Map<number, number>();
  for (const next of changed) {
    const idx = prepared.nodeIdxById.get(next.id) as number;
    const node = nodes[idx] as TGpuNode;
    if (node.status === next.status) continue;
    nodes[idx] = { ...node, status: next.status };
    const siteIdx = prepared.siteIdxById.get(node.siteId) as number;
    const site = prepared.sites[siteIdx] as TIndexedSite;
    const groupIdx = site.groups.find((g) => g.key === `${node.gpuModel}@${node.gpuMemoryGib}`)
      ?.idx as number;
    const group = groups[groupIdx] as TGroup;
    const statusCounts = { ...group.statusCounts };
    statusCounts[node.status] -= 1;
    statusCounts[next.status] += 1;
    groups[groupIdx] = { ...group, statusCounts };

    const wasReady = node.status === "READY";
    if (wasReady === (next.status === "READY")) continue;
    const sign = wasReady ? -1 : 1;
    readyGpus.set(siteIdx, (readyGpus.get(siteIdx) ?? site.readyGpus) + sign * node.gpuTotal);
    siteFree[siteIdx] = (siteFree[siteIdx] as number) + sign * (free[idx] as number);
    const poolIdx = wasReady
      ? (nodePool[idx] as number)
      : group.pools.find((p) => prepared.pools[p]?.fabric === node.fabric);
    if (poolIdx === undefined) return undefined;
    const list = members.get(poolIdx) ?? [...(prepared.pools[poolIdx] as TPool).nodes];
    if (wasReady) list.splice(list.indexOf(idx), 1);
    else list.splice(sortedIndex(list, idx), 0, idx);
    if (list.length === 0) return undefined;
    members.set(poolIdx, list);
    nodePool[idx] = wasReady ? -1 : poolIdx;
  }

  const pools = prepared.pools.slice();
  for (const [poolIdx, list] of members) {
    const maxGpusPerNode = Math.max(...list.map((n) => (nodes[n] as TGpuNode).gpuTotal));
    const nodesWithGpus = Array.from({ length: maxGpusPerNode + 1 }, (_, g) =>
      list.reduce((count, n) => count + ((nodes[n] as TGpuNode).gpuTotal >= g ? 1 : 0), 0),
    );
    pools[poolIdx] = { ...(pools[poolIdx] as TPool), nodes: list, maxGpusPerNode, nodesWithGpus };
    const counts = new Int32Array(maxGpusPerNode + 1);
    for (const n of list) counts[free[n] as number] = (counts[free[n] as number] as number) + 1;
    levels[poolIdx] = counts;
  }
  const sites = prepared.sites.map((site) =>
    site.groups.some((g) => groups[g.idx] !== g) || readyGpus.has(site.idx)
      ? {
          ...site,
          groups: site.groups.map((g) => groups[g.idx] as TGroup),
          readyGpus: readyGpus.get(site.idx) ?? site.readyGpus,
        }
      : site,
  );
  const capacity = { ...prepared.capacity, levels, siteFree };
  return { ...prepared, nodes, nodePool, groups, pools, sites, capacity, memo: new Map() };
}

function sortedIndex(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
