import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { couldMakeRoom, evictionPlan } from "./eviction";
import { MaxHeap } from "./max-heap";
import { exhausted, type TSearch } from "./search-budget";

/** Options of one item explored per step, and occupants evicted per option. */
const CHAIN_OPTIONS = 12;
const CHAIN_OCCUPANTS = 24;
const EPS = 1e-7;
const DROP = -2;

/**
 * A way to end a chain at `end`: move to its cheapest option with room (`option` -1), leave
 * the batch (`option` -2, see exchange), or take `option` once its occupants are cleared
 * (`evict`, worked out when first needed).
 */
type TEvent = { readonly end: number; readonly option: number; evict?: readonly number[] };

/**
 * Cheapest ejection chain, best first. The start (unplaced, or placed and free to move)
 * takes one of its options, evicting one occupant there; the evicted item does the same,
 * and so on, until the last one moves to an option with room, possibly a place someone
 * earlier on the chain left. The last step may instead clear several occupants off the
 * nodes it needs (a big workload or a gang), each of which then moves to an option with
 * room. Partial chains are expanded in order of the cost they have added so far, each item
 * once, so cheap chains are found first and long ones stay reachable; ends are tried in
 * order of their estimated total.
 *
 * A chain is executed in a transaction and kept only if everyone ends up placed and the
 * total cost changes by less than `below`: +∞ gets an unplaced workload in at the least
 * cost found (an augmenting path), 0 keeps only improvements (relocations, swaps,
 * rotations, longer ejection chains). One instance serves many searches on a state: its
 * per-item scratch arrays are stamped with a search number instead of being cleared.
 */
export class ChainSearch {
  private readonly added: Float64Array;
  private readonly fromItem: Int32Array;
  private readonly fromOption: Int32Array;
  /** Search in which an item was reached / expanded; older stamps mean "not yet". */
  private readonly reached: Int32Array;
  private readonly expanded: Int32Array;
  private searches = 0;
  /** Whether chains may end by leaving their last item out (see exchange). */
  private dropping = false;
  /** How far a partial chain may run above `below`: what leaving its last item out may save. */
  private slack = 0;
  /** The item the last kept exchange left out. */
  private droppedIdx = -1;

  constructor(private readonly state: BatchState) {
    const n = state.items.length;
    this.added = new Float64Array(n);
    this.fromItem = new Int32Array(n);
    this.fromOption = new Int32Array(n);
    this.reached = new Int32Array(n);
    this.expanded = new Int32Array(n);
  }

  /**
   * Exchange of equal count: the unplaced `start` gets in by an ejection chain whose last
   * item (of the same priority, not the start) is left out, when that lowers the total
   * cost (or the start gets in with no one left out, if that is the cheapest chain).
   * E.g. A takes B's place, B takes C's, C (dear) goes out. Returns undefined if nothing
   * changed, else the index of the item left out (-1 for none).
   */
  exchange(start: TBatchItem, search: TSearch): number | undefined {
    this.dropping = true;
    this.droppedIdx = -1;
    const { state } = this;
    this.slack = 0;
    for (const item of state.items) {
      if (item.request.priority === start.request.priority && state.assignments[item.idx]?.fixed === false)
        this.slack = Math.max(this.slack, state.costOf(item));
    }
    try {
      return this.run(start, 0, search) ? this.droppedIdx : undefined;
    } finally {
      this.dropping = false;
      this.slack = 0;
    }
  }

  /** Runs one search from `start`; true if a chain was kept. */
  run(start: TBatchItem, below: number, search: TSearch): boolean {
    const { state } = this;
    const id = ++this.searches;
    const events: TEvent[] = [];
    // Max-heap on negated keys, so cheapest first: odd ids are ends, even ids expansions.
    const heap = new MaxHeap();
    this.reach(start.idx, 0, -1, -1, id);
    heap.push(0, 2 * start.idx);
    for (;;) {
      const top = heap.pop();
      if (top === undefined || exhausted(search)) return false;
      if (top.id & 1) {
        const event = events[top.id >> 1] as TEvent;
        if (event.option >= 0 && event.evict === undefined) {
          // A clearing end, priced now that it is the cheapest thing left to look at.
          search.spent++;
          const path = new Set(this.pathTo(event.end, start.idx));
          const last = state.items[event.end] as TBatchItem;
          // Everyone on the chain leaves their place, so the end may use it.
          const evict = evictionPlan(state, last, event.option, path, path);
          if (evict === undefined) continue;
          // Fewer than two to clear is a single eviction, which expansion covers, unless
          // the room comes from the chain leaving that option's nodes.
          if (evict.length < 2 && !this.leavesOption(path, last, event.option)) continue;
          let estimate = -top.key;
          for (const vIdx of evict) {
            const v = state.items[vIdx] as TBatchItem;
            const end = this.endCost(v, path);
            estimate = end === undefined ? Number.POSITIVE_INFINITY : estimate + end - state.costOf(v);
          }
          this.queueEnd(heap, events, below, estimate, { ...event, evict });
          continue;
        }
        search.spent++;
        if (this.execute(event, start, below)) return true;
        continue;
      }
      const idx = top.id >> 1;
      const sofar = this.added[idx] ?? 0;
      if (this.expanded[idx] === id || -top.key > sofar + EPS) continue;
      this.expanded[idx] = id;
      const x = state.items[idx] as TBatchItem;
      const current = state.assignments[idx]?.option ?? -1;
      const own = state.costOf(x);
      const path = this.pathTo(idx, start.idx);
      const end = this.endCost(x, path);
      if (end !== undefined)
        this.queueEnd(heap, events, below, sofar + end - own, { end: idx, option: -1, evict: [] });
      if (this.dropping && idx !== start.idx && x.request.priority === start.request.priority)
        this.queueEnd(heap, events, below, sofar - own, { end: idx, option: DROP, evict: [] });
      for (let k = 0; k < x.optCost.length && k < CHAIN_OPTIONS; k++) {
        const next = sofar + (x.optCost[k] ?? 0) - own;
        if (next >= below + this.slack) break;
        if (k === current) continue;
        let single = false;
        for (const vIdx of state.occupantsOf(state.optionPools(x, k), CHAIN_OCCUPANTS)) {
          const av = state.assignments[vIdx];
          if (vIdx === start.idx || this.expanded[vIdx] === id || av === undefined || av.fixed) continue;
          if (
            !couldMakeRoom(
              state,
              x,
              state.items[vIdx] as TBatchItem,
              av,
              path,
              x.request.gang ? x.optRef[k] : undefined,
            )
          )
            continue;
          single = true;
          if (this.reached[vIdx] === id && next >= (this.added[vIdx] ?? 0)) continue;
          search.spent++;
          this.reach(vIdx, next, idx, k, id);
          heap.push(-next, 2 * vIdx);
        }
        // No single eviction makes room (or x is a gang, which may need several nodes):
        // end by clearing occupants, at least `next`.
        if (!single || x.request.gang) this.queueEnd(heap, events, below, next, { end: idx, option: k });
      }
    }
  }

  /** Queues a chain end by its estimated total (odd heap ids), unless it cannot beat `below`. */
  private queueEnd(heap: MaxHeap, events: TEvent[], below: number, estimate: number, event: TEvent): void {
    if (estimate >= below) return;
    heap.push(-estimate, 2 * events.length + 1);
    events.push(event);
  }

  /** Whether an item of `path` other than `end` sits on the nodes of end's option k. */
  private leavesOption(path: ReadonlySet<number>, end: TBatchItem, k: number): boolean {
    const { state } = this;
    const pools = state.optionPools(end, k);
    for (const i of path) {
      if (i === end.idx) continue;
      for (const n of state.assignments[i]?.nodes ?? []) {
        if (pools.includes(state.prepared.nodePool[n] ?? -1)) return true;
      }
    }
    return false;
  }

  private reach(idx: number, added: number, from: number, option: number, id: number): void {
    this.reached[idx] = id;
    this.added[idx] = added;
    this.fromItem[idx] = from;
    this.fromOption[idx] = option;
  }

  /** Items on the chain from the start to `idx` (both included), `idx` first. */
  private pathTo(idx: number, startIdx: number): number[] {
    const path = [idx];
    for (let at = idx; at !== startIdx; ) {
      at = this.fromItem[at] ?? startIdx;
      path.push(at);
    }
    return path;
  }

  /**
   * Estimated cost of an item where a chain could end: its cheapest other option with room
   * now, or a place that someone on the chain (`movers`) leaves, whichever is cheaper;
   * undefined if neither. Optimistic: a chain counts only once it has been executed.
   */
  private endCost(item: TBatchItem, movers: Iterable<number>): number | undefined {
    const { state } = this;
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
   * evicted from, and the last where its end says (the evicted, biggest first, into their
   * cheapest options with room). All or nothing.
   */
  private execute(event: TEvent, start: TBatchItem, below: number): boolean {
    const { state } = this;
    const chain = this.pathTo(event.end, start.idx).reverse();
    const last = state.items[event.end] as TBatchItem;
    const evicted = (event.evict ?? [])
      .map((i) => state.items[i] as TBatchItem)
      .sort((a, b) => b.request.totalGpus - a.request.totalGpus || a.idx - b.idx);
    const before = state.totalCost;
    const mark = state.begin();
    for (const idx of [...chain, ...(event.evict ?? [])]) {
      const item = state.items[idx] as TBatchItem;
      if (state.assignments[idx] !== undefined) state.release(item);
    }
    // Each mover takes the option its successor on the chain was evicted from.
    let ok = chain
      .slice(1)
      .every((next) =>
        state.place(state.items[this.fromItem[next] ?? -1] as TBatchItem, this.fromOption[next] ?? -1),
      );
    if (event.option === DROP) {
      // `last` stays out.
    } else if (event.option < 0) ok = ok && state.placeCheapest(last);
    else ok = ok && state.place(last, event.option) && evicted.every((item) => state.placeCheapest(item));
    ok = ok && state.assignments[start.idx] !== undefined && state.totalCost - before < below - EPS;
    if (ok) {
      state.commitTx(mark);
      this.droppedIdx = event.option === DROP ? event.end : -1;
    } else state.rollback(mark);
    return ok;
  }
}
