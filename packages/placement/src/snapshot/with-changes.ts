import { z } from "zod";
import {
  type TAllocation,
  type TGpuNode,
  type TQuota,
  type TSnapshot,
  ZAllocation,
  ZDataset,
  ZGpuNode,
  ZQuota,
  ZSite,
} from "../schema/snapshot.schema";
import { compareIds } from "./compare";
import { PlacementInputError, type TInputIssue, toInputIssues } from "./input-error";
import { quotaKey, type TCapacity, type TPreparedSnapshot } from "./prepared-snapshot";
import { mergeNodes, reindex } from "./reindex";
import { restatus } from "./restatus";

const ZId = z.string().min(1);
const changesOf = <T extends z.ZodType, K extends z.ZodType>(record: T, key: K) =>
  z.object({ upsert: z.array(record).default([]), remove: z.array(key).default([]) }).default({
    upsert: [],
    remove: [],
  });

/**
 * What changed in the estate since a prepared snapshot: records added or replaced whole
 * (`upsert`, by id) and ids removed. Quotas are keyed by team and GPU model; allocations by
 * workload and node (a removal drops every allocation of that workload on that node).
 */
export const ZSnapshotChanges = z.object({
  sites: changesOf(ZSite, ZId),
  nodes: changesOf(ZGpuNode, ZId),
  datasets: changesOf(ZDataset, ZId),
  quotas: changesOf(ZQuota, z.object({ teamId: ZId, gpuModel: ZId })),
  allocations: z
    .object({
      add: z.array(ZAllocation).default([]),
      remove: z.array(z.object({ workloadId: ZId, nodeId: ZId })).default([]),
    })
    .default({ add: [], remove: [] }),
});
export type TSnapshotChanges = z.input<typeof ZSnapshotChanges>;
type TChanges = z.infer<typeof ZSnapshotChanges>;

/**
 * The prepared snapshot with `changes` applied: equal to indexSnapshot() of the changed
 * input, without validating and indexing the whole estate again. Changes that leave the
 * estate's shape alone (GPUs taken or given back, allocations, quotas, a node's status) cost
 * O(changes + the pools they touch + a copy of the per-node arrays): free-GPU counts and pools
 * are patched, every other index is shared. Sites, datasets, nodes added or removed or
 * reshaped, and a status change that opens or empties a pool re-index only the sites and
 * datasets they touch (see reindex), from the already validated records: no re-validation or
 * re-sorting of what did not change. `prepared` is left as it was.
 * Throws PlacementInputError when the changes are malformed or break a reference.
 */
export function withChanges(prepared: TPreparedSnapshot, input: TSnapshotChanges): TPreparedSnapshot {
  const parsed = ZSnapshotChanges.safeParse(input);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, "changes"));
  const changes = parsed.data;
  if (shapeKept(prepared, changes)) {
    const restated = restatus(prepared, changes.nodes.upsert);
    if (restated) return patchCapacity(restated, changes);
  }
  const merged = mergeNodes(prepared.nodes, changes.nodes);
  const snapshot = { ...applyToRecords(prepared.snapshot, changes), nodes: merged.nodes };
  const issues = checkChangedReferences(snapshot, changes);
  if (issues.length > 0) throw new PlacementInputError(issues);
  return reindex(prepared, snapshot, changes, {
    oldToNew: merged.oldToNew,
    allocations: patchAllocations(prepared.allocations, changes.allocations),
  });
}

function replaceById<T extends { id: string }>(
  items: readonly T[],
  { upsert, remove }: { upsert: readonly T[]; remove: readonly string[] },
): T[] {
  if (upsert.length === 0 && remove.length === 0) return items as T[];
  const replaced = new Map(upsert.map((item) => [item.id, item]));
  const removed = new Set(remove);
  const kept: T[] = [];
  for (const item of items) {
    if (removed.has(item.id)) continue;
    const next = replaced.get(item.id);
    kept.push(next ?? item);
    replaced.delete(item.id);
  }
  for (const item of replaced.values()) if (!removed.has(item.id)) kept.push(item);
  return kept;
}

const allocationKey = (a: { workloadId: string; nodeId: string }) => `${a.workloadId}\u0000${a.nodeId}`;

function applyToQuotas(quotas: readonly TQuota[], changes: TChanges): TQuota[] {
  const quotaId = (q: { teamId: string; gpuModel: string }) => quotaKey(q.teamId, q.gpuModel);
  const upsert = changes.quotas.upsert.map((q) => ({ id: quotaId(q), q }));
  const remove = changes.quotas.remove.map(quotaId);
  return replaceById(
    quotas.map((q) => ({ id: quotaId(q), q })),
    { upsert, remove },
  ).map((entry) => entry.q);
}

function applyToRecords(snapshot: TSnapshot, changes: TChanges): TSnapshot {
  const quotas = applyToQuotas(snapshot.quotas, changes);
  const { add, remove } = changes.allocations;
  let allocations = snapshot.allocations;
  if (add.length > 0 || remove.length > 0) {
    const removed = new Set(remove.map(allocationKey));
    allocations = [...allocations.filter((a) => !removed.has(allocationKey(a))), ...add];
  }
  return {
    sites: replaceById(snapshot.sites, changes.sites),
    nodes: snapshot.nodes, // in node order, by mergeNodes()
    datasets: replaceById(snapshot.datasets, changes.datasets),
    quotas,
    allocations,
  };
}

/**
 * The reference checks of validateSnapshot(), for what changed only: a changed node's site,
 * a changed dataset's replica sites, the nodes of changed allocations, and every node whose
 * GPUs or allocations changed holding no more than it has in use. A removed site or node
 * may leave nothing behind that points at it.
 */
function checkChangedReferences(snapshot: TSnapshot, changes: TChanges): TInputIssue[] {
  const issues: TInputIssue[] = [];
  const siteIds = new Set(snapshot.sites.map((s) => s.id));
  const removedSites = new Set(changes.sites.remove);
  const removedNodes = new Set(changes.nodes.remove);
  const changedDatasets = new Set(changes.datasets.upsert.map((d) => d.id));
  const changedNodes = new Set(changes.nodes.upsert.map((n) => n.id));
  for (const a of changes.allocations.add) changedNodes.add(a.nodeId);
  for (const a of changes.allocations.remove) changedNodes.add(a.nodeId);

  const nodeById = new Map<string, TGpuNode>();
  for (const node of snapshot.nodes) {
    if (changedNodes.has(node.id)) nodeById.set(node.id, node);
    const siteChanged = removedSites.has(node.siteId) || changedNodes.has(node.id);
    if (siteChanged && !siteIds.has(node.siteId))
      issues.push({ path: `nodes.${node.id}.siteId`, message: `unknown site '${node.siteId}'` });
  }
  for (const dataset of snapshot.datasets) {
    for (const siteId of dataset.replicaSiteIds) {
      if (!siteIds.has(siteId) && (removedSites.has(siteId) || changedDatasets.has(dataset.id)))
        issues.push({
          path: `datasets.${dataset.id}.replicaSiteIds`,
          message: `unknown site '${siteId}' for a replica of dataset '${dataset.id}'`,
        });
    }
  }
  const held = new Map<string, number>();
  for (const a of snapshot.allocations) {
    if (removedNodes.has(a.nodeId))
      issues.push({ path: `allocations.${a.workloadId}.nodeId`, message: `unknown node '${a.nodeId}'` });
    if (nodeById.has(a.nodeId)) held.set(a.nodeId, (held.get(a.nodeId) ?? 0) + a.gpus);
  }
  for (const a of changes.allocations.add) {
    if (!nodeById.has(a.nodeId))
      issues.push({ path: `allocations.${a.workloadId}.nodeId`, message: `unknown node '${a.nodeId}'` });
  }
  for (const [nodeId, gpus] of held) {
    const node = nodeById.get(nodeId) as TGpuNode;
    const inUse = node.gpuTotal - node.gpuFree;
    if (gpus > inUse)
      issues.push({
        path: `allocations.${nodeId}.gpus`,
        message: `allocations on node '${nodeId}' hold ${gpus} GPUs but only ${inUse} are in use`,
      });
  }
  return issues;
}

/**
 * True when only free GPUs, node statuses, allocations and quotas changed: sites, groups and
 * the node order all still hold.
 */
function shapeKept(prepared: TPreparedSnapshot, changes: TChanges): boolean {
  if (changes.sites.upsert.length + changes.sites.remove.length > 0) return false;
  if (changes.datasets.upsert.length + changes.datasets.remove.length > 0) return false;
  if (changes.nodes.remove.length > 0) return false;
  return changes.nodes.upsert.every((next) => {
    const idx = prepared.nodeIdxById.get(next.id);
    const node = idx === undefined ? undefined : prepared.nodes[idx];
    return (
      node !== undefined &&
      node.siteId === next.siteId &&
      node.gpuModel === next.gpuModel &&
      node.gpuMemoryGib === next.gpuMemoryGib &&
      node.gpuTotal === next.gpuTotal &&
      node.fabric === next.fabric
    );
  });
}

/** Moves each changed node between its pool's free levels and its site's free total. */
function patchCapacity(prepared: TPreparedSnapshot, changes: TChanges): TPreparedSnapshot {
  const old = prepared.capacity;
  const nodes = prepared.nodes.slice();
  const free = old.free.slice();
  const levels = old.levels.slice();
  const siteFree = old.siteFree.slice();
  const copied = new Set<number>();
  for (const node of changes.nodes.upsert) {
    const idx = prepared.nodeIdxById.get(node.id) as number;
    nodes[idx] = node;
    const before = free[idx] as number;
    free[idx] = node.gpuFree;
    const poolIdx = prepared.nodePool[idx] as number;
    if (poolIdx < 0) continue; // not READY: in no pool, and not counted as free at its site
    if (!copied.has(poolIdx)) {
      levels[poolIdx] = (old.levels[poolIdx] as Int32Array).slice();
      copied.add(poolIdx);
    }
    const counts = levels[poolIdx] as Int32Array;
    counts[before] = (counts[before] as number) - 1;
    counts[node.gpuFree] = (counts[node.gpuFree] as number) + 1;
    const siteIdx = prepared.pools[poolIdx]?.siteIdx as number;
    siteFree[siteIdx] = (siteFree[siteIdx] as number) + node.gpuFree - before;
  }
  const allocations = patchAllocations(prepared.allocations, changes.allocations);
  const issues = checkHeld(prepared, nodes, allocations, changes);
  if (issues.length > 0) throw new PlacementInputError(issues);
  const quotaList = applyToQuotas(prepared.snapshot.quotas, changes);
  const quotas = new Map<string, TQuota>();
  const quotaUsed = new Map<string, number>();
  for (const quota of quotaList) {
    quotas.set(quotaKey(quota.teamId, quota.gpuModel), quota);
    quotaUsed.set(quotaKey(quota.teamId, quota.gpuModel), quota.usedGpus);
  }
  const capacity: TCapacity = { free, levels, siteFree, quotaUsed };
  // The records in index order: the engine never depends on their input order.
  const snapshot: TSnapshot = {
    ...prepared.snapshot,
    nodes,
    quotas: quotaList,
    allocations: allocationsChanged(changes) ? allocations : prepared.snapshot.allocations,
  };
  // Memoised lookups may read capacity (free room per pool): start afresh, they are cheap.
  return { ...prepared, snapshot, nodes, quotas, allocations, capacity, memo: new Map() };
}

function allocationsChanged({ allocations }: Pick<TChanges, "allocations">): boolean {
  return allocations.add.length + allocations.remove.length > 0;
}

/** Allocations stay sorted (see sortAllocations): removals and additions by binary search. */
function patchAllocations(
  sorted: readonly TAllocation[],
  { add, remove }: TChanges["allocations"],
): TAllocation[] {
  if (add.length + remove.length === 0) return sorted as TAllocation[];
  const out = sorted.slice();
  const firstAtOrAfter = (key: { workloadId: string; nodeId: string }, gpus: number) => {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const a = out[mid] as TAllocation;
      const order =
        compareIds(a.workloadId, key.workloadId) || compareIds(a.nodeId, key.nodeId) || a.gpus - gpus;
      if (order < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const key of remove) {
    const from = firstAtOrAfter(key, Number.NEGATIVE_INFINITY);
    let to = from;
    while (to < out.length && out[to]?.workloadId === key.workloadId && out[to]?.nodeId === key.nodeId) to++;
    out.splice(from, to - from);
  }
  for (const allocation of add) out.splice(firstAtOrAfter(allocation, allocation.gpus), 0, allocation);
  return out;
}

/** Every node whose GPUs or allocations changed holds no more than it has in use. */
function checkHeld(
  prepared: TPreparedSnapshot,
  nodes: readonly TGpuNode[],
  allocations: readonly TAllocation[],
  changes: TChanges,
): TInputIssue[] {
  const issues: TInputIssue[] = [];
  const touched = new Set(changes.nodes.upsert.map((n) => n.id));
  for (const a of changes.allocations.add) {
    touched.add(a.nodeId);
    if (!prepared.nodeIdxById.has(a.nodeId))
      issues.push({ path: `allocations.${a.workloadId}.nodeId`, message: `unknown node '${a.nodeId}'` });
  }
  if (issues.length > 0 || touched.size === 0) return issues;
  const held = new Map<string, number>();
  for (const a of allocations)
    if (touched.has(a.nodeId)) held.set(a.nodeId, (held.get(a.nodeId) ?? 0) + a.gpus);
  for (const [nodeId, gpus] of held) {
    const node = nodes[prepared.nodeIdxById.get(nodeId) as number] as TGpuNode;
    const inUse = node.gpuTotal - node.gpuFree;
    if (gpus > inUse)
      issues.push({
        path: `allocations.${nodeId}.gpus`,
        message: `allocations on node '${nodeId}' hold ${gpus} GPUs but only ${inUse} are in use`,
      });
  }
  return issues;
}
