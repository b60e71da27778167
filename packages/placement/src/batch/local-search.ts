import type { TBatchItem } from "./batch-item";
import type { BatchState, TAssignment } from "./batch-state";

const EPS = 1e-7;
/** Cheaper options tried per item in a swap, and occupants tried per option. */
const OPTIONS_PER_ITEM = 6;
const OCCUPANTS_PER_OPTION = 12;
const MAX_ROUNDS = 6;

export type TImproveStats = { moves: number; swaps: number; insertions: number };

/**
 * Improves a complete batch placement without ever unplacing anything, so priority
 * tiers keep what the greedy gave them:
 * 1. insert: an unplaced item gets in, directly or after one occupant moves elsewhere;
 * 2. move: an item takes a cheaper option that has room;
 * 3. swap: an item takes a cheaper option after one occupant of that option moves
 *    elsewhere (often into the place the item left), when the pair gets cheaper.
 * Rounds repeat until nothing improves or the evaluation budget is spent.
 */
export function improve(state: BatchState, unplaced: TBatchItem[], budget: number): TImproveStats {
  const stats: TImproveStats = { moves: 0, swaps: 0, insertions: 0 };
  let left = budget;
  for (let round = 0; round < MAX_ROUNDS && left > 0; round++) {
    const before = stats.moves + stats.swaps + stats.insertions;
    // Placing more work comes first; half the budget at most, so cost gets its turn.
    const inserted = insertPass(state, unplaced, Math.ceil(left / 2));
    stats.insertions += inserted.count;
    left -= inserted.spent;
    stats.moves += movePass(state);
    const swapped = swapPass(state, left);
    stats.swaps += swapped.count;
    left -= swapped.spent;
    if (stats.moves + stats.swaps + stats.insertions === before) break;
  }
  return stats;
}

/** First option cheaper than `below` that has room now; -1 when none. */
function cheapestFitting(state: BatchState, item: TBatchItem, below: number): number {
  const n = item.optCost.length;
  for (let k = 0; k < n; k++) {
    if ((item.optCost[k] ?? 0) >= below - EPS) return -1;
    if (state.fits(item, k)) return k;
  }
  return -1;
}

/** Movable placed items, biggest possible saving first. */
function byPotential(state: BatchState): TBatchItem[] {
  const out: { item: TBatchItem; gain: number }[] = [];
  for (const item of state.items) {
    const a = state.assignments[item.idx];
    if (a === undefined || a.fixed || a.option === 0) continue;
    out.push({ item, gain: (item.optCost[a.option] ?? 0) - (item.optCost[0] ?? 0) });
  }
  out.sort((x, y) => y.gain - x.gain || x.item.idx - y.item.idx);
  return out.map((x) => x.item);
}

function movePass(state: BatchState): number {
  let moves = 0;
  for (const item of byPotential(state)) {
    const current = state.costOf(item);
    const a = state.release(item);
    if (a === undefined) continue;
    const k = cheapestFitting(state, item, current);
    if (k >= 0 && state.place(item, k)) moves++;
    else state.restore(item, a);
  }
  return moves;
}

function swapPass(state: BatchState, budget: number): { count: number; spent: number } {
  let count = 0;
  let spent = 0;
  for (const w of byPotential(state)) {
    if (spent >= budget) break;
    const aw = state.assignments[w.idx];
    if (aw === undefined) continue;
    const costW = w.optCost[aw.option] ?? 0;
    let done = false;
    for (let k = 0; k < aw.option && k < OPTIONS_PER_ITEM && !done; k++) {
      const costK = w.optCost[k] ?? 0;
      if (costK >= costW - EPS) break;
      for (const vIdx of state.occupantsOf(state.optionPools(w, k), OCCUPANTS_PER_OPTION)) {
        if (spent >= budget) break;
        const v = state.items[vIdx] as TBatchItem;
        const av = state.assignments[vIdx];
        if (vIdx === w.idx || av === undefined || av.fixed || !couldMakeRoom(state, w, v, av)) continue;
        spent++;
        const costV = v.optCost[av.option] ?? 0;
        state.release(w);
        state.release(v);
        if (state.place(w, k)) {
          const kv = cheapestFitting(state, v, costW + costV - costK);
          if (kv >= 0 && state.place(v, kv)) {
            count++;
            done = true;
            break;
          }
          state.release(w);
        }
        state.restore(v, av);
        state.restore(w, aw);
      }
    }
  }
  return { count, spent };
}

function insertPass(
  state: BatchState,
  unplaced: TBatchItem[],
  budget: number,
): { count: number; spent: number } {
  let count = 0;
  let spent = 0;
  for (let i = 0; i < unplaced.length; i++) {
    const u = unplaced[i] as TBatchItem;
    if (spent >= budget) break;
    let placed = false;
    const direct = cheapestFitting(state, u, Number.POSITIVE_INFINITY);
    if (direct >= 0) placed = state.place(u, direct);
    for (let k = 0; k < u.optCost.length && k < OPTIONS_PER_ITEM && !placed; k++) {
      for (const vIdx of state.occupantsOf(state.optionPools(u, k), OCCUPANTS_PER_OPTION)) {
        if (spent >= budget) break;
        const v = state.items[vIdx] as TBatchItem;
        const av = state.assignments[vIdx];
        if (av === undefined || av.fixed || !couldMakeRoom(state, u, v, av)) continue;
        spent++;
        state.release(v);
        if (state.place(u, k)) {
          const kv = cheapestFitting(state, v, Number.POSITIVE_INFINITY);
          if (kv >= 0 && state.place(v, kv)) {
            placed = true;
            break;
          }
          state.release(u);
        }
        state.restore(v, av);
      }
    }
    if (placed) {
      count++;
      unplaced.splice(i, 1);
      i--;
    }
  }
  return { count, spent };
}

/** Cheap test before trying: a single-node item needs v's node to free enough GPUs. */
function couldMakeRoom(state: BatchState, item: TBatchItem, v: TBatchItem, av: TAssignment): boolean {
  if (item.request.gang) return true;
  for (const n of av.nodes) {
    if ((state.capacity.free[n] ?? 0) + v.request.gpusPerNode >= item.request.gpusPerNode) return true;
  }
  return false;
}
