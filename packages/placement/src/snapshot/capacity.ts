import type { TGpuNode } from "../schema/snapshot.schema";
import { quotaKey, type TCapacity, type TPreparedSnapshot } from "./prepared-snapshot";

export function cloneCapacity(capacity: TCapacity): TCapacity {
  return {
    free: capacity.free.slice(),
    buckets: capacity.buckets.map((levels) => levels.map((level) => level.slice())),
    siteFree: capacity.siteFree.slice(),
    quotaUsed: new Map(capacity.quotaUsed),
  };
}

/** How many nodes of a pool have at least `gpus` free. */
export function countNodesWithFree(capacity: TCapacity, poolIdx: number, gpus: number): number {
  const levels = capacity.buckets[poolIdx];
  if (levels === undefined) return 0;
  let count = 0;
  for (let f = gpus; f < levels.length; f++) count += (levels[f] as number[]).length;
  return count;
}

/** Most GPUs free on any one node of a pool. */
export function poolMaxFree(capacity: TCapacity, poolIdx: number): number {
  const levels = capacity.buckets[poolIdx];
  if (levels === undefined) return 0;
  for (let f = levels.length - 1; f > 0; f--) if ((levels[f] as number[]).length > 0) return f;
  return 0;
}

/**
 * Best fit inside one pool: the `count` nodes with the fewest free GPUs that still have
 * `gpus` free, lower node id first. Undefined when the pool cannot take the whole gang.
 */
export function selectPoolNodes(
  capacity: TCapacity,
  poolIdx: number,
  count: number,
  gpus: number,
): number[] | undefined {
  const levels = capacity.buckets[poolIdx];
  if (levels === undefined) return undefined;
  const chosen: number[] = [];
  for (let f = gpus; f < levels.length && chosen.length < count; f++) {
    for (const n of levels[f] as number[]) {
      chosen.push(n);
      if (chosen.length === count) break;
    }
  }
  return chosen.length === count ? chosen : undefined;
}

/** Best fit across pools (any fabric) for a single-node request; -1 when none fits. */
export function selectSingleNode(capacity: TCapacity, poolIdxs: readonly number[], gpus: number): number {
  let best = -1;
  let bestFree = Number.POSITIVE_INFINITY;
  for (const poolIdx of poolIdxs) {
    const levels = capacity.buckets[poolIdx];
    if (levels === undefined) continue;
    for (let f = gpus; f < levels.length && f <= bestFree; f++) {
      const first = (levels[f] as number[])[0];
      if (first === undefined) continue;
      if (f < bestFree || first < best) {
        best = first;
        bestFree = f;
      }
      break;
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
  const levels = capacity.buckets[poolIdx] as number[][];
  removeSorted(levels[before] as number[], nodeIdx);
  insertSorted(levels[after] as number[], nodeIdx);
  const siteIdx = prepared.pools[poolIdx]?.siteIdx ?? 0;
  capacity.siteFree[siteIdx] = (capacity.siteFree[siteIdx] ?? 0) + delta;
}

function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: number[], value: number): void {
  list.splice(lowerBound(list, value), 0, value);
}

function removeSorted(list: number[], value: number): void {
  const at = lowerBound(list, value);
  if (list[at] === value) list.splice(at, 1);
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

export function chargeQuota(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  teamId: string,
  model: string,
  gpus: number,
): void {
  for (const key of [quotaKey(teamId, model), quotaKey(teamId, "*")]) {
    if (prepared.quotas.has(key)) capacity.quotaUsed.set(key, (capacity.quotaUsed.get(key) ?? 0) + gpus);
  }
}
