import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { MaxHeap } from "./max-heap";
import { OptionWatch } from "./option-watch";

/** Regret of an item with a single option left: above any real cost difference. */
const SOLE_OPTION = 1e12;

/**
 * Places one priority tier by regret: repeatedly take the item that would lose the most
 * if its cheapest option were gone (second-cheapest minus cheapest, divided by its GPU
 * count to the power `sizeExponent`) and give it its cheapest option. Arrival order plays
 * no part.
 *
 * Regrets are kept exact as capacity shrinks: an item's regret depends only on its first
 * and second options that still fit, so it watches the GPU groups of those two options at
 * its GPUs-per-node. A placement that takes a node of a group from `before` to `after`
 * free GPUs wakes the watchers needing more than `after` and at most `before`, and only
 * those are re-evaluated. A workload whose last options are disappearing therefore jumps
 * ahead in time instead of being left out. Quota, which the watches do not see, is
 * re-checked when an item comes to the top.
 *
 * Capacity only shrinks during this phase, so each item's first and second feasible
 * options only move forward and are tracked with two cursors.
 */
export function placeTierByRegret(
  state: BatchState,
  tier: readonly TBatchItem[],
  widen: (item: TBatchItem) => TBatchItem,
  sizeExponent = 0,
): TBatchItem[] {
  if (tier.length === 0) return [];
  const count = state.items.length;
  const first = new Int32Array(count);
  const second = new Int32Array(count);
  /** The key an item has in the heap now; other heap entries of it are stale. */
  const keyOf = new Float64Array(count);
  /** 0: not in this tier or finished; 1: waiting in the heap. */
  const waiting = new Uint8Array(count);
  const watch = new OptionWatch(state.prepared, state.capacity, count);
  const unplaced: TBatchItem[] = [];

  const regretOf = (given: TBatchItem): number => {
    let item = given;
    let n = item.optCost.length;
    let a = first[item.idx] ?? 0;
    while (a < n && !state.fits(item, a)) a++;
    while (a >= n && !item.complete) {
      // Its cheapest options are all taken: look further.
      const wider = widen(item);
      if (wider === item) break;
      item = wider;
      state.items[item.idx] = item;
      n = item.optCost.length;
      a = 0;
      second[item.idx] = 0;
      while (a < n && !state.fits(item, a)) a++;
    }
    first[item.idx] = a;
    if (a >= n) return Number.NEGATIVE_INFINITY;
    let b = Math.max(second[item.idx] ?? 0, a + 1);
    while (b < n && !state.fits(item, b)) b++;
    second[item.idx] = b;
    watch.watch(item, 0, a);
    watch.watch(item, 1, b);
    const best = item.optCost[a] ?? 0;
    if (b >= n) return SOLE_OPTION + best;
    const regret = (item.optCost[b] ?? 0) - best;
    return sizeExponent === 0 ? regret : regret / item.request.totalGpus ** sizeExponent;
  };

  const heap = new MaxHeap();
  const enqueue = (idx: number) => {
    const regret = regretOf(state.items[idx] as TBatchItem);
    if (regret === Number.NEGATIVE_INFINITY) {
      waiting[idx] = 0;
      unplaced.push(state.items[idx] as TBatchItem);
    } else if (waiting[idx] === 0 || regret !== keyOf[idx]) {
      waiting[idx] = 1;
      keyOf[idx] = regret;
      heap.push(regret, idx);
    }
  };
  const lookAgain = (idx: number) => {
    if (waiting[idx] === 1) enqueue(idx);
  };

  for (const item of tier) enqueue(item.idx);
  for (;;) {
    const top = heap.pop();
    if (top === undefined) break;
    if (waiting[top.id] === 0 || top.key !== keyOf[top.id]) continue;
    // Quota may have changed without waking it: re-check before committing.
    const regret = regretOf(state.items[top.id] as TBatchItem);
    if (regret !== top.key) {
      waiting[top.id] = 0;
      enqueue(top.id);
      continue;
    }
    const item = state.items[top.id] as TBatchItem;
    const k = first[item.idx] ?? 0;
    if (!state.place(item, k)) {
      // fits() said yes, so this only happens if node selection disagrees; try the next option.
      first[item.idx] = k + 1;
      enqueue(item.idx);
      continue;
    }
    waiting[item.idx] = 0;
    const { gpusPerNode } = item.request;
    for (const node of state.assignments[item.idx]?.nodes ?? []) {
      const after = state.capacity.free[node] ?? 0;
      watch.shrunk(node, after + gpusPerNode, after, lookAgain);
    }
  }
  return unplaced.sort((a, b) => a.idx - b.idx);
}
