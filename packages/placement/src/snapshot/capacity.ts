import type { TGpuNode } from "../schema/snapshot.schema";
import { quotaKey, type TCapacity, type TPreparedSnapshot } from "./prepared-snapshot";

export function cloneCapacity(capacity: TCapacity): TCapacity {
  return {
    free: capacity.free.slice(),
    levels: capacity.levels.map((counts) => counts.slice()),
    siteFree: capacity.siteFree.slice(),
    quotaUsed: new Map(capacity.quotaUsed),
  };
}

/** How many nodes of a pool have at least `gpus` free. */
export function countNodesWithFree(capacity: TCapacity, poolIdx: number, gpus: number): number {
  const counts = capacity.levels[poolIdx];
  if (counts === undefined) return 0;
  let count = 0;
  for (let f = gpus; f < counts.length; f++) count += counts[f] as number;
  return count;
}

/** Most GPUs free on any one node of a pool. */
export function poolMaxFree(capacity: TCapacity, poolIdx: number): number {
  const counts = capacity.levels[poolIdx];
  if (counts === undefined) return 0;
  for (let f = counts.length - 1; f > 0; f--) if ((counts[f] as number) > 0) return f;
  return 0;
}

/**
 * Best fit inside one pool: the `count` nodes with the fewest free GPUs that still have
 * `gpus` free, lower node id first. Undefined when the pool cannot take the whole gang.
 */
export function selectPoolNodes(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  poolIdx: number,
  count: number,
  gpus: number,
): number[] | undefined {
  if (countNodesWithFree(capacity, poolIdx, gpus) < count) return undefined;
  const fitting: number[] = [];
  for (const n of prepared.pools[poolIdx]?.nodes ?? []) if ((capacity.free[n] ?? 0) >= gpus) fitting.push(n);
  fitting.sort((a, b) => (capacity.free[a] ?? 0) - (capacity.free[b] ?? 0) || a - b);
  return fitting.slice(0, count);
}

/** Best fit across pools (any fabric) for a single-node request; -1 when none fits. */
export function selectSingleNode(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  poolIdxs: readonly number[],
  gpus: number,
): number {
  let best = -1;
  let bestFree = Number.POSITIVE_INFINITY;
  for (const poolIdx of poolIdxs) {
    if (poolMaxFree(capacity, poolIdx) < gpus) continue;
    for (const n of prepared.pools[poolIdx]?.nodes ?? []) {
      const f = capacity.free[n] ?? 0;
      if (f >= gpus && (f < bestFree || (f === bestFree && n < best))) {
        best = n;
        bestFree = f;
      }
    }
  }
  return best;
}

export function allocateGpus(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  nodeIdx: number,
  gpus: number,
): void {
  moveNode(prepared, capacity, nodeIdx, -gpus);
}

export function releaseGpus(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  nodeIdx: number,
  gpus: number,
): void {
  moveNode(prepared, capacity, nodeIdx, gpus);
}

function moveNode(prepared: TPreparedSnapshot, capacity: TCapacity, nodeIdx: number, delta: number): void {
  const before = capacity.free[nodeIdx] ?? 0;
  const after = before + delta;
  const node = prepared.nodes[nodeIdx] as TGpuNode;
  if (after < 0 || after > node.gpuTotal) {
    throw new Error(`capacity bug: node ${node.id} would have ${after} of ${node.gpuTotal} GPUs free`);
  }
  capacity.free[nodeIdx] = after;
  const poolIdx = prepared.nodePool[nodeIdx] ?? -1;
  if (poolIdx < 0) return;
  const counts = capacity.levels[poolIdx] as Int32Array;
  counts[before] = (counts[before] as number) - 1;
  counts[after] = (counts[after] as number) + 1;
  const siteIdx = prepared.pools[poolIdx]?.siteIdx ?? 0;
  capacity.siteFree[siteIdx] = (capacity.siteFree[siteIdx] ?? 0) + delta;
}

/** GPUs the team may still take of a model: the tighter of its model and "*" quotas. */
export function quotaHeadroom(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  teamId: string,
  model: string,
): number {
  let headroom = Number.POSITIVE_INFINITY;
  for (const key of [quotaKey(teamId, model), quotaKey(teamId, "*")]) {
    const quota = prepared.quotas.get(key);
    if (quota === undefined) continue;
    headroom = Math.min(headroom, quota.limitGpus - (capacity.quotaUsed.get(key) ?? 0));
  }
  return headroom;
}
