import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { couldMakeRoom, evictionPlan } from "./eviction";
import { MaxHeap } from "./max-heap";
import { exhausted, type TSearch } from "./search-budget";

/** Options of one item explored per step, and occupants evicted per option. */
const CHAIN_OPTIONS = 12;
const CHAIN_OCCUPANTS = 24;
const EPS = 1e-7;

/** How a chain ends: `end` moves to its cheapest option with room, or to `option` once `evict` leave. */
type TFinish = { readonly end: number; readonly option: number; readonly evict: readonly number[] };
type TStep = { readonly from: number; readonly option: number };

/**
 * Cheapest ejection chain, best first. `start` (unplaced, or placed and free to move)
 * takes one of its options, evicting one occupant there; the evicted item does the same,
 * and so on, until the last one moves to an option with room, possibly a place someone
 * earlier on the chain left. The last step may also clear several occupants off the
 * nodes it needs (a big workload or a gang), each of which then moves to an option with
 * room. Partial chains are expanded in order of the cost they have added so far, each item
 * once, so cheap chains are found first and long ones stay reachable; finished chains are
 * tried in order of their estimated total.
 *
 * A chain is executed in a transaction and kept only if everyone ends up placed and the
 * total cost changes by less than `below`: +∞ gets an unplaced workload in at the least
 * cost found (an augmenting path), 0 keeps only improvements (relocations, swaps,
 * rotations, longer ejection chains).
 */
export function cheapestChain(state: BatchState, start: TBatchItem, below: number, search: TSearch): boolean {
  const via = new Map<number, TStep>();
  const added = new Map<number, number>([[start.idx, 0]]);
  const expanded = new Set<number>();
  const finishes: TFinish[] = [];
  // Max-heap on negated keys, so cheapest first: odd ids are finishes, even ids expansions.
  const heap = new MaxHeap();
  const finishAt = (estimate: number, finish: TFinish) => {
    if (estimate >= below) return;
    heap.push(-estimate, 2 * finishes.length + 1);
    finishes.push(finish);
  };
  const reach = (idx: number, sofar: number) => {
    heap.push(-sofar, 2 * idx);
    const item = state.items[idx] as TBatchItem;
    const end = endCost(state, item, pathTo(via, idx, start.idx));
    if (end !== undefined) finishAt(sofar + end - state.costOf(item), { end: idx, option: -1, evict: [] });
  };
  reach(start.idx, 0);
  for (;;) {
    const top = heap.pop();
    if (top === undefined || exhausted(search)) return false;
    if (top.id & 1) {
      search.spent++;
      if (runChain(state, via, finishes[top.id >> 1] as TFinish, start, below)) return true;
      continue;
    }
    const idx = top.id >> 1;
    const sofar = added.get(idx) ?? 0;
    if (expanded.has(idx) || -top.key > sofar + EPS) continue;
    expanded.add(idx);
    const x = state.items[idx] as TBatchItem;
    const current = state.assignments[idx]?.option ?? -1;
    const own = state.costOf(x);
    for (let k = 0; k < x.optCost.length && k < CHAIN_OPTIONS; k++) {
      const next = sofar + (x.optCost[k] ?? 0) - own;
      if (next >= below) break;
      if (k === current) continue;
      let single = false;
      for (const vIdx of state.occupantsOf(state.optionPools(x, k), CHAIN_OCCUPANTS)) {
        const av = state.assignments[vIdx];
        if (vIdx === start.idx || expanded.has(vIdx) || av === undefined || av.fixed) continue;
        if (!couldMakeRoom(state, x, state.items[vIdx] as TBatchItem, av)) continue;
        single = true;
        if (next >= (added.get(vIdx) ?? Number.POSITIVE_INFINITY)) continue;
        search.spent++;
        added.set(vIdx, next);
        via.set(vIdx, { from: idx, option: k });
        reach(vIdx, next);
      }
      // No single eviction makes room (or x is a gang, which may need several nodes):
      // finish by clearing the fewest occupants.
      if (single && !x.request.gang) continue;
      search.spent++;
      const path = pathTo(via, idx, start.idx);
      const evict = evictionPlan(state, x, k, path);
      if (evict === undefined || evict.length < 2) continue;
      let estimate = next;
      for (const vIdx of evict) {
        const v = state.items[vIdx] as TBatchItem;
        const end = endCost(state, v, path);
        estimate = end === undefined ? Number.POSITIVE_INFINITY : estimate + end - state.costOf(v);
      }
      finishAt(estimate, { end: idx, option: k, evict });
    }
  }
}

/** Items on the chain from the start to `idx` (both included). */
function pathTo(via: ReadonlyMap<number, TStep>, idx: number, startIdx: number): Set<number> {
  const path = new Set<number>([idx, startIdx]);
  for (let step = via.get(idx); step !== undefined; step = via.get(step.from)) path.add(step.from);
  return path;
}

/**
 * Estimated cost of an item where a chain could end: its cheapest other option with room
 * now, or a place that someone on the chain (`movers`) leaves, whichever is cheaper;
 * undefined if neither. Optimistic: a chain counts only once it has been executed.
 */
function endCost(state: BatchState, item: TBatchItem, movers: ReadonlySet<number>): number | undefined {
  const current = state.assignments[item.idx]?.option ?? -1;
  const k = state.cheapestFitting(item, Number.POSITIVE_INFINITY, current);
  let best = k >= 0 ? (item.optCost[k] ?? 0) : Number.POSITIVE_INFINITY;
  for (const m of movers) {
    const mover = state.items[m] as TBatchItem;
    const left = state.assignments[m];
    if (left === undefined || m === item.idx) continue;
    const { gpusPerNode } = mover.request;
    if (!left.nodes.some((n) => (state.capacity.free[n] ?? 0) + gpusPerNode >= item.request.gpusPerNode)) {
      continue;
    }
    const group = state.optionGroup(mover, left.option);
    for (let j = 0; j < item.optCost.length && (item.optCost[j] ?? 0) < best; j++) {
      if (j !== current && state.optionGroup(item, j) === group) best = item.optCost[j] ?? 0;
    }
  }
  return Number.isFinite(best) ? best : undefined;
}

/**
 * Executes a chain: lifts everyone on it, puts each item into the option the next one was
 * evicted from, and the last where its finish says (the evicted, biggest first, into
 * their cheapest options with room). All or nothing.
 */
function runChain(
  state: BatchState,
  via: ReadonlyMap<number, TStep>,
  finish: TFinish,
  start: TBatchItem,
  below: number,
): boolean {
  const moves: TStep[] = [];
  for (let step = via.get(finish.end); step !== undefined; step = via.get(step.from)) moves.push(step);
  moves.reverse();
  const last = state.items[finish.end] as TBatchItem;
  const evicted = finish.evict
    .map((i) => state.items[i] as TBatchItem)
    .sort((a, b) => b.request.totalGpus - a.request.totalGpus || a.idx - b.idx);
  const before = state.totalCost;
  const mark = state.begin();
  for (const item of [...moves.map((m) => state.items[m.from] as TBatchItem), last, ...evicted]) {
    if (state.assignments[item.idx] !== undefined) state.release(item);
  }
  let ok = moves.every((m) => state.place(state.items[m.from] as TBatchItem, m.option));
  if (finish.option < 0) ok = ok && state.placeCheapest(last);
  else ok = ok && state.place(last, finish.option) && evicted.every((item) => state.placeCheapest(item));
  ok = ok && state.assignments[start.idx] !== undefined && state.totalCost - before < below - EPS;
  if (ok) state.commitTx(mark);
  else state.rollback(mark);
  return ok;
}
