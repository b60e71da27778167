import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { MaxHeap } from "./max-heap";

/** Regret of an item with a single option left: above any real cost difference. */
const SOLE_OPTION = 1e12;

/**
 * Places one priority tier by regret: repeatedly take the item that would lose the most
 * if its cheapest option were gone (second-cheapest minus cheapest) and give it its
 * cheapest option. Arrival order plays no part. Regrets are refreshed lazily: an item
 * popped with a stale regret goes back into the heap with the current one.
 *
 * Capacity only shrinks during this phase, so each item's first and second feasible
 * options only move forward and are tracked with two cursors.
 */
export function placeTierByRegret(
  state: BatchState,
  tier: readonly TBatchItem[],
  widen: (item: TBatchItem) => TBatchItem,
): TBatchItem[] {
  const first = new Int32Array(state.items.length);
  const second = new Int32Array(state.items.length);
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
    const best = item.optCost[a] ?? 0;
    return b >= n ? SOLE_OPTION + best : (item.optCost[b] ?? 0) - best;
  };

  const heap = new MaxHeap();
  for (const given of tier) {
    const regret = regretOf(given);
    const item = state.items[given.idx] as TBatchItem;
    if (regret === Number.NEGATIVE_INFINITY) unplaced.push(item);
    else heap.push(regret, item.idx);
  }
  for (;;) {
    const top = heap.pop();
    if (top === undefined) break;
    const regret = regretOf(state.items[top.id] as TBatchItem);
    const item = state.items[top.id] as TBatchItem;
    if (regret === Number.NEGATIVE_INFINITY) {
      unplaced.push(item);
      continue;
    }
    if (regret < top.key && heap.size > 0 && regret < heap.topKey()) {
      heap.push(regret, item.idx);
      continue;
    }
    if (!state.place(item, first[item.idx] ?? 0)) {
      // fits() said yes, so this only happens if node selection disagrees; try the next option.
      first[item.idx] = (first[item.idx] ?? 0) + 1;
      heap.push(regretOf(item), item.idx);
    }
  }
  return unplaced.sort((a, b) => a.idx - b.idx);
}
