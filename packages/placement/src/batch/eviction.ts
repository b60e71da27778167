import { countNodesWithFree } from "../snapshot/capacity";
import type { TBatchItem } from "./batch-item";
import type { BatchState, TAssignment } from "./batch-state";
import { exhausted, type TSearch } from "./search-budget";

/** Options tried per item, and occupants tried per option, at each level of the tree. */
const TREE_OPTIONS = 6;
const TREE_OCCUPANTS = 12;
const EMPTY: ReadonlySet<number> = new Set();

/**
 * Places u whatever it costs, evicting if need be: on its cheapest option with room; else,
 * option by option (cheapest first), by evicting one occupant or by clearing the fewest
 * occupants off the nodes it needs, and placing the evicted the same way, `depth` levels
 * deep. Items in `keep` are never evicted. All or nothing. Unlike ChainSearch, every
 * level may clear several occupants, which packs big workloads and gangs back in after a
 * ruin has lifted them.
 */
export function placeByEvicting(
  state: BatchState,
  u: TBatchItem,
  depth: number,
  keep: ReadonlySet<number>,
  search: TSearch,
): boolean {
  if (state.placeCheapest(u)) return true;
  if (depth === 0) return false;
  for (let k = 0; k < u.optCost.length && k < TREE_OPTIONS; k++) {
    for (const vIdx of state.occupantsOf(state.optionPools(u, k), TREE_OCCUPANTS)) {
      if (exhausted(search)) return false;
      const av = state.assignments[vIdx];
      if (keep.has(vIdx) || av === undefined || av.fixed) continue;
      if (
        !couldMakeRoom(
          state,
          u,
          state.items[vIdx] as TBatchItem,
          av,
          [],
          u.request.gang ? u.optRef[k] : undefined,
        )
      )
        continue;
      if (evictAndPlace(state, u, k, [vIdx], depth, keep, search)) return true;
    }
    const plan = evictionPlan(state, u, k, keep);
    if (plan !== undefined && plan.length > 1 && evictAndPlace(state, u, k, plan, depth, keep, search)) {
      return true;
    }
  }
  return false;
}

/** Evicts `evict`, places u on option k, then places the evicted, biggest first. */
function evictAndPlace(
  state: BatchState,
  u: TBatchItem,
  k: number,
  evict: readonly number[],
  depth: number,
  keep: ReadonlySet<number>,
  search: TSearch,
): boolean {
  search.spent += evict.length;
  const mark = state.begin();
  for (const vIdx of evict) state.release(state.items[vIdx] as TBatchItem);
  const guard = new Set([...keep, ...evict]);
  const biggestFirst = evict
    .map((i) => state.items[i] as TBatchItem)
    .sort((a, b) => b.request.totalGpus - a.request.totalGpus || a.idx - b.idx);
  const ok =
    state.place(u, k) && biggestFirst.every((v) => placeByEvicting(state, v, depth - 1, guard, search));
  if (ok) state.commitTx(mark);
  else state.rollback(mark);
  return ok;
}

/**
 * Cheap test before trying: a single-node item needs v's node to free enough GPUs, counting
 * those that the items `leaving` (moving elsewhere on the same chain) free there too; a gang
 * on `pool` needs enough nodes of it with room once they and v have left.
 */
export function couldMakeRoom(
  state: BatchState,
  item: TBatchItem,
  v: TBatchItem,
  av: TAssignment,
  leaving: readonly number[] = [],
  pool?: number,
): boolean {
  if (item.request.gang) {
    // A gang on `pool` (when given) needs nodeCount nodes with room once v and `leaving` left.
    if (pool === undefined) return true;
    const { gpusPerNode, nodeCount } = item.request;
    let nodes = countNodesWithFree(state.capacity, pool, gpusPerNode);
    if (nodes >= nodeCount) return true;
    // Only the nodes that v and `leaving` sit on can gain room.
    const gone = [...leaving, v.idx];
    const seen: number[] = [];
    for (const i of gone) {
      for (const n of state.assignments[i]?.nodes ?? []) {
        if (state.prepared.nodePool[n] !== pool || seen.includes(n)) continue;
        seen.push(n);
        if ((state.capacity.free[n] ?? 0) < gpusPerNode && freeAfter(state, n, gone) >= gpusPerNode) nodes++;
      }
    }
    return nodes >= nodeCount;
  }
  const need = item.request.gpusPerNode - v.request.gpusPerNode;
  for (const n of av.nodes) if (freeAfter(state, n, leaving) >= need) return true;
  return false;
}

/** GPUs free on a node once the items `leaving` have left it. */
function freeAfter(state: BatchState, node: number, leaving: Iterable<number>): number {
  let free = state.capacity.free[node] ?? 0;
  for (const i of leaving) {
    if (state.assignments[i]?.nodes.includes(node)) free += state.items[i]?.request.gpusPerNode ?? 0;
  }
  return free;
}

/**
 * The fewest movable items to evict so that option k has room for u; undefined if
 * impossible. Items in `keep` are never evicted; those of them in `leaving` are leaving
 * anyway (they move on the same chain), so their GPUs count as free.
 */
export function evictionPlan(
  state: BatchState,
  u: TBatchItem,
  k: number,
  keep: ReadonlySet<number>,
  leaving: ReadonlySet<number> = EMPTY,
): number[] | undefined {
  const { gpusPerNode, nodeCount } = u.request;
  let best: number[] | undefined;
  for (const poolIdx of state.optionPools(u, k)) {
    const perNode: { node: number; evict: number[] }[] = [];
    for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
      const evict = evictionOn(state, node, gpusPerNode, keep, leaving);
      if (evict !== undefined) perNode.push({ node, evict });
    }
    if (perNode.length < nodeCount) continue;
    perNode.sort((a, b) => a.evict.length - b.evict.length || a.node - b.node);
    const chosen = [...new Set(perNode.slice(0, nodeCount).flatMap((p) => p.evict))];
    if (best === undefined || chosen.length < best.length) best = chosen;
  }
  return best;
}

/** Biggest movable occupants first until the node has `gpus` free; undefined if it cannot. */
function evictionOn(
  state: BatchState,
  node: number,
  gpus: number,
  keep: ReadonlySet<number>,
  leaving: ReadonlySet<number>,
): number[] | undefined {
  let free = leaving.size === 0 ? (state.capacity.free[node] ?? 0) : freeAfter(state, node, leaving);
  if (free >= gpus) return [];
  const movable = state
    .itemsOn(node)
    .filter((i) => !keep.has(i) && state.assignments[i]?.fixed === false)
    .sort(
      (a, b) =>
        (state.items[b]?.request.gpusPerNode ?? 0) - (state.items[a]?.request.gpusPerNode ?? 0) || a - b,
    );
  const evict: number[] = [];
  for (const i of movable) {
    if (free >= gpus) break;
    evict.push(i);
    free += state.items[i]?.request.gpusPerNode ?? 0;
  }
  return free >= gpus ? evict : undefined;
}
