import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { exhausted, type TSearch } from "./search-budget";

/** Options of the unplaced item whose pools are repacked. */
const REPACK_OPTIONS = 6;

/**
 * Bin-packing repair for an unplaced item: empties the pools of one of its options and
 * refills them with their items plus it, biggest first, best fit; an item that no longer
 * fits there goes to its cheapest option with room. Kept only if everyone is placed.
 * Finds room that fragmentation hides: free GPUs spread over nodes in ones and twos.
 */
export function repackFor(state: BatchState, u: TBatchItem, search: TSearch): boolean {
  for (let k = 0; k < u.optCost.length && k < REPACK_OPTIONS; k++) {
    if (exhausted(search)) return false;
    const members = new Set<number>();
    for (const poolIdx of state.optionPools(u, k)) {
      for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
        for (const i of state.itemsOn(node)) if (state.assignments[i]?.fixed === false) members.add(i);
      }
    }
    if (members.size === 0) continue;
    search.spent += members.size;
    const mark = state.begin();
    const refill: { item: TBatchItem; option: number }[] = [{ item: u, option: k }];
    for (const i of members) {
      const item = state.items[i] as TBatchItem;
      refill.push({ item, option: state.assignments[i]?.option ?? 0 });
      state.release(item);
    }
    refill.sort(
      (a, b) =>
        b.item.request.gpusPerNode - a.item.request.gpusPerNode ||
        b.item.request.nodeCount - a.item.request.nodeCount ||
        a.item.idx - b.item.idx,
    );
    if (refill.every(({ item, option }) => state.place(item, option) || state.placeCheapest(item))) {
      state.commitTx(mark);
      return true;
    }
    state.rollback(mark);
  }
  return false;
}
