import type { TBatchItem } from "./batch-item";
import type { BatchState, TAssignment } from "./batch-state";
import { placeTierByRegret } from "./regret-greedy";

const EPS = 1e-7;
/** Cheaper options tried per item in a swap, and occupants tried per option. */
const OPTIONS_PER_ITEM = 6;
const OCCUPANTS_PER_OPTION = 12;
const MAX_ROUNDS = 6;
/** Evictions in a row when making room for an unplaced item. */
const EJECTION_DEPTH = 3;
/** Breadth of the path search for unplaced items. */
const PATH_OPTIONS = 12;
const PATH_OCCUPANTS = 24;
/** Evaluations one unplaced workload may use per insertion pass. */
const PER_ITEM_INSERT = 2_000;
/** Most items lifted by one ruin-and-recreate step. */
const RUIN_SIZE = 60;
/** Items moved by one cost-improving chain. */
const CHAIN_DEPTH = 3;

export type TImproveStats = { moves: number; swaps: number; insertions: number };

export type TSearch = { spent: number; readonly budget: number };

/**
 * Improves a complete batch placement without ever unplacing anything, so priority
 * tiers keep what the greedy gave them. Every attempt runs in a transaction on the batch
 * state and is rolled back unless it helps.
 * 1. insert: an unplaced item gets in directly, through a chain of evictions (each evicted
 *    item re-placed elsewhere), or by clearing whole nodes for it;
 * 2. move: an item takes a cheaper option that has room;
 * 3. swap: an item takes a cheaper option after one occupant of that option moves
 *    elsewhere (often into the place the item left), when the pair gets cheaper.
 * Rounds repeat until nothing improves or the evaluation budget is spent.
 */
export function improve(state: BatchState, unplaced: TBatchItem[], budget: number): TImproveStats {
  const stats: TImproveStats = { moves: 0, swaps: 0, insertions: 0 };
  const search: TSearch = { spent: 0, budget };
  // Workloads that could not get in are retried once more at the end, not every round;
  // they get at most half the budget so hopeless ones cannot starve the cost search.
  const first: TSearch = { spent: 0, budget: budget / 2 };
  stats.insertions += insertPass(state, unplaced, first);
  search.spent += first.spent;
  for (let round = 0; round < MAX_ROUNDS && search.spent < budget; round++) {
    const before = stats.moves + stats.swaps;
    stats.moves += movePass(state);
    // Chains and ruin-and-recreate each get at most half of what is left in a round.
    stats.swaps += withShare(search, (share) => regroupPass(state, share));
    stats.swaps += withShare(search, (share) => swapPass(state, share));
    if (stats.moves + stats.swaps === before) break;
  }
  if (unplaced.length > 0) stats.insertions += insertPass(state, unplaced, { spent: 0, budget: budget / 4 });
  return stats;
}

function withShare(search: TSearch, run: (share: TSearch) => number): number {
  const share: TSearch = { spent: 0, budget: (search.budget - search.spent) / 2 };
  const found = run(share);
  search.spent += share.spent;
  return found;
}

/**
 * Ruin and recreate around the GPU groups that placed items would rather be in: lift
 * everyone there and everyone wanting in, re-place them by regret, keep it if cheaper.
 * Reaches rearrangements of several items at once that chains of single moves miss.
 */
function regroupPass(state: BatchState, search: TSearch): number {
  const wanted = new Map<number, { gain: number; items: number[] }>();
  for (const item of byPotential(state)) {
    const a = state.assignments[item.idx];
    if (a === undefined) continue;
    const gain = (item.optCost[a.option] ?? 0) - (item.optCost[0] ?? 0);
    const group = optionGroup(state, item, 0);
    const entry = wanted.get(group) ?? { gain: 0, items: [] };
    entry.gain += gain;
    entry.items.push(item.idx);
    wanted.set(group, entry);
  }
  const order = [...wanted.entries()].sort((x, y) => y[1].gain - x[1].gain || x[0] - y[0]);
  let improved = 0;
  for (const [groupIdx, entry] of order) {
    if (search.spent >= search.budget) break;
    const ruin = new Set<number>(entry.items.slice(0, RUIN_SIZE / 2));
    for (const poolIdx of state.prepared.groups[groupIdx]?.pools ?? []) {
      for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
        for (const i of state.itemsOn(node)) {
          if (ruin.size < RUIN_SIZE && state.assignments[i]?.fixed === false) ruin.add(i);
        }
      }
    }
    if (
      ruinAndRecreate(
        state,
        [],
        [...ruin].sort((x, y) => x - y),
        search,
        "cost",
      )
    )
      improved++;
  }
  return improved;
}

function optionGroup(state: BatchState, item: TBatchItem, k: number): number {
  const ref = item.optRef[k] ?? -1;
  return item.request.gang ? (state.prepared.pools[ref]?.groupIdx ?? -1) : ref;
}

/** Only the insertion step: gets unplaced items in, cost second. Returns how many. */
export function insertUnplaced(state: BatchState, unplaced: TBatchItem[], budget: number): number {
  return insertPass(state, unplaced, { spent: 0, budget });
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

/**
 * Cost-improving ejection chains: w takes a cheaper option, evicting an occupant v, which
 * is re-placed (perhaps evicting another, and so on) as long as the whole chain still saves.
 */
function swapPass(state: BatchState, search: TSearch): number {
  let count = 0;
  for (const w of byPotential(state)) {
    if (search.spent >= search.budget) break;
    const aw = state.assignments[w.idx];
    if (aw === undefined) continue;
    const costW = w.optCost[aw.option] ?? 0;
    let done = false;
    for (let k = 0; k < aw.option && k < OPTIONS_PER_ITEM && !done; k++) {
      const gain = costW - (w.optCost[k] ?? 0);
      if (gain <= EPS) break;
      for (const vIdx of state.occupantsOf(state.optionPools(w, k), OCCUPANTS_PER_OPTION)) {
        if (search.spent >= search.budget) break;
        const v = state.items[vIdx] as TBatchItem;
        const av = state.assignments[vIdx];
        if (vIdx === w.idx || av === undefined || av.fixed || !couldMakeRoom(state, w, v, av)) continue;
        search.spent++;
        const limit = (v.optCost[av.option] ?? 0) + gain;
        const mark = state.begin();
        state.release(w);
        state.release(v);
        const chain = new Set([w.idx, vIdx]);
        if (state.place(w, k) && reinsert(state, v, limit, CHAIN_DEPTH - 1, chain, search, false)) {
          state.commitTx(mark);
          count++;
          done = true;
          break;
        }
        state.rollback(mark);
      }
    }
  }
  return count;
}

/**
 * Tries the cheapest ways in first: a chain may add at most 2×, then 8×, 32×… the
 * workload's own cheapest cost, then anything. Stops a cheap arrival from pushing a data-heavy
 * workload far from its data.
 */
function insertWithinCaps(state: BatchState, u: TBatchItem, search: TSearch): boolean {
  const own = Math.max(u.optCost[0] ?? 0, 1);
  for (const cap of [2 * own, 8 * own, 32 * own, 128 * own, 512 * own, Number.POSITIVE_INFINITY]) {
    if (reinsert(state, u, cap, EJECTION_DEPTH, new Set([u.idx]), search)) return true;
  }
  return false;
}

function insertPass(state: BatchState, unplaced: TBatchItem[], search: TSearch): number {
  let count = 0;
  for (let i = 0; i < unplaced.length && search.spent < search.budget; i++) {
    const u = unplaced[i] as TBatchItem;
    if (u.optCost.length === 0) continue;
    // Each workload gets its own slice of the budget, so a hopeless one cannot starve the rest.
    const own: TSearch = { spent: 0, budget: Math.min(PER_ITEM_INSERT, search.budget - search.spent) };
    const placed =
      insertWithinCaps(state, u, own) ||
      insertAlongPath(state, u, own) ||
      repackFor(state, u, own) ||
      ruinAndRecreate(state, [u], relatedTo(state, u), own, "place");
    search.spent += own.spent;
    if (placed) {
      count++;
      unplaced.splice(i, 1);
      i--;
    }
  }
  return count;
}

/**
 * Places a released item so that its cost plus what the chain adds elsewhere stays below
 * `limit`: directly if an option has room; else, per option, by evicting one occupant, or
 * by clearing the fewest occupants off the nodes it needs, and re-placing the evicted the
 * same way, `depth` levels deep (an ejection chain). Items in `chain` are never evicted.
 * Without `clearing` only single evictions are tried (cheaper; enough for cost moves).
 * All or nothing: a failed attempt leaves no trace.
 */
function reinsert(
  state: BatchState,
  u: TBatchItem,
  limit: number,
  depth: number,
  chain: Set<number>,
  search: TSearch,
  clearing = true,
): boolean {
  const direct = cheapestFitting(state, u, limit);
  if (direct >= 0 && state.place(u, direct)) return true;
  if (depth === 0) return false;
  for (let k = 0; k < u.optCost.length && k < OPTIONS_PER_ITEM; k++) {
    const left = limit - (u.optCost[k] ?? 0);
    if (left <= EPS) break;
    for (const vIdx of state.occupantsOf(state.optionPools(u, k), OCCUPANTS_PER_OPTION)) {
      if (search.spent >= search.budget) return false;
      const v = state.items[vIdx] as TBatchItem;
      const av = state.assignments[vIdx];
      if (chain.has(vIdx) || av === undefined || av.fixed || !couldMakeRoom(state, u, v, av)) continue;
      if (tryEvicting(state, u, k, [vIdx], left, depth, chain, search, clearing)) return true;
    }
    if (!clearing) continue;
    const plan = evictionPlan(state, u, k, chain);
    if (plan !== undefined && plan.length > 1 && tryEvicting(state, u, k, plan, left, depth, chain, search)) {
      return true;
    }
  }
  return false;
}

/** Evicts `evict`, places u on option k, re-places the evicted within what is `left`. */
function tryEvicting(
  state: BatchState,
  u: TBatchItem,
  k: number,
  evict: readonly number[],
  left: number,
  depth: number,
  chain: Set<number>,
  search: TSearch,
  clearing = true,
): boolean {
  search.spent += evict.length;
  const before = new Map(evict.map((i) => [i, state.costOf(state.items[i] as TBatchItem)]));
  const mark = state.begin();
  for (const vIdx of evict) state.release(state.items[vIdx] as TBatchItem);
  let ok = state.place(u, k);
  if (ok) {
    const guard = new Set([...chain, ...evict]);
    const biggestFirst = [...evict].sort(
      (a, b) => (state.items[b]?.request.totalGpus ?? 0) - (state.items[a]?.request.totalGpus ?? 0) || a - b,
    );
    let room = left;
    for (const vIdx of biggestFirst) {
      const v = state.items[vIdx] as TBatchItem;
      const old = before.get(vIdx) ?? 0;
      ok = reinsert(state, v, old + room, depth - 1, guard, search, clearing);
      if (!ok) break;
      room -= state.costOf(v) - old;
    }
  }
  if (ok) state.commitTx(mark);
  else state.rollback(mark);
  return ok;
}

/**
 * Breadth-first search for the shortest chain u ← v1 ← v2 ← … ← vm where each item takes
 * an option of the one before it by evicting it, and vm can move somewhere with room.
 * Finds chains that depth-first ejection misses when branching is wide; each item is
 * visited once. The chain is then executed in a transaction and kept only if it works.
 */
function insertAlongPath(state: BatchState, u: TBatchItem, search: TSearch): boolean {
  const via = new Map<number, { from: number; option: number }>();
  const queue: number[] = [u.idx];
  const seen = new Set<number>([u.idx]);
  for (let head = 0; head < queue.length; head++) {
    const xIdx = queue[head] as number;
    const x = state.items[xIdx] as TBatchItem;
    for (let k = 0; k < x.optCost.length && k < PATH_OPTIONS; k++) {
      for (const vIdx of state.occupantsOf(state.optionPools(x, k), PATH_OCCUPANTS)) {
        if (search.spent >= search.budget) return false;
        const v = state.items[vIdx] as TBatchItem;
        const av = state.assignments[vIdx];
        if (seen.has(vIdx) || av === undefined || av.fixed || !couldMakeRoom(state, x, v, av)) continue;
        search.spent++;
        seen.add(vIdx);
        via.set(vIdx, { from: xIdx, option: k });
        if (runPath(state, via, vIdx)) return true;
        queue.push(vIdx);
      }
    }
  }
  return false;
}

/** Lifts the whole chain, puts each item into the place of the next, and the last anywhere with room. */
function runPath(
  state: BatchState,
  via: ReadonlyMap<number, { from: number; option: number }>,
  end: number,
): boolean {
  const moves: { mover: TBatchItem; option: number }[] = [];
  for (let step = via.get(end); step !== undefined; step = via.get(step.from)) {
    moves.push({ mover: state.items[step.from] as TBatchItem, option: step.option });
  }
  moves.reverse();
  const mark = state.begin();
  const last = state.items[end] as TBatchItem;
  for (const { mover } of moves) if (state.assignments[mover.idx] !== undefined) state.release(mover);
  state.release(last);
  let ok = true;
  for (const { mover, option } of moves) {
    ok = state.place(mover, option);
    if (!ok) break;
  }
  if (ok) {
    const free = cheapestFitting(state, last, Number.POSITIVE_INFINITY);
    ok = free >= 0 && state.place(last, free);
  }
  if (ok) state.commitTx(mark);
  else state.rollback(mark);
  return ok;
}

/**
 * Bin-packing repair: empties the pools of one of u's options and refills them with
 * their items plus u, biggest first, best fit; an item that no longer fits there goes to
 * its cheapest option with room. Kept only if everyone is placed.
 */
function repackFor(state: BatchState, u: TBatchItem, search: TSearch): boolean {
  for (let k = 0; k < u.optCost.length && k < OPTIONS_PER_ITEM; k++) {
    if (search.spent >= search.budget) return false;
    const pools = state.optionPools(u, k);
    const members = new Set<number>();
    for (const poolIdx of pools) {
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
    let ok = true;
    for (const { item, option } of refill) {
      if (state.place(item, option)) continue;
      const elsewhere = cheapestFitting(state, item, Number.POSITIVE_INFINITY);
      ok = elsewhere >= 0 && state.place(item, elsewhere);
      if (!ok) break;
    }
    if (ok) {
      state.commitTx(mark);
      return true;
    }
    state.rollback(mark);
  }
  return false;
}

/**
 * Movable items around an unplaced one: those on the pools of its options, and those on
 * the pools where they could go instead (two steps), at most RUIN_SIZE of them.
 */
function relatedTo(state: BatchState, u: TBatchItem): number[] {
  const found = new Set<number>();
  const frontier: TBatchItem[] = [u];
  for (let level = 0; level < 2 && found.size < RUIN_SIZE; level++) {
    const next: TBatchItem[] = [];
    for (const item of frontier) {
      for (let k = 0; k < item.optCost.length && k < PATH_OPTIONS; k++) {
        for (const poolIdx of state.optionPools(item, k)) {
          for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
            for (const i of state.itemsOn(node)) {
              if (found.size >= RUIN_SIZE || found.has(i) || state.assignments[i]?.fixed !== false) continue;
              found.add(i);
              next.push(state.items[i] as TBatchItem);
            }
          }
        }
      }
    }
    frontier.splice(0, frontier.length, ...next);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Large-neighbourhood step: lifts `ruin` and re-places it together with `extra` by regret
 * (hardest first). "place": kept if every one of them is placed; "cost": kept if all are
 * placed again and the total cost drops.
 */
export function ruinAndRecreate(
  state: BatchState,
  extra: readonly TBatchItem[],
  ruin: readonly number[],
  search: TSearch,
  goal: "place" | "cost",
): boolean {
  if (ruin.length === 0 || search.spent >= search.budget) return false;
  search.spent += ruin.length;
  let before = 0;
  for (const i of ruin) before += state.costOf(state.items[i] as TBatchItem);
  const mark = state.begin();
  const lifted = ruin.map((i) => state.items[i] as TBatchItem);
  for (const item of lifted) state.release(item);
  let left = placeTierByRegret(state, [...extra, ...lifted], (item) => item);
  // Whoever the regret order could not fit back gets a short ejection chain.
  left = left.filter(
    (item) => !reinsert(state, item, Number.POSITIVE_INFINITY, 2, new Set([item.idx]), search),
  );
  if (left.length > 0 && goal === "place") {
    // Regret order did not pack them all: undo and try biggest first, best fit.
    for (const item of [...extra, ...lifted])
      if (state.assignments[item.idx] !== undefined) state.release(item);
    left = [...extra, ...lifted]
      .sort(
        (a, b) =>
          b.request.gpusPerNode - a.request.gpusPerNode ||
          a.optCost.length - b.optCost.length ||
          a.idx - b.idx,
      )
      .filter((item) => {
        const k = cheapestFitting(state, item, Number.POSITIVE_INFINITY);
        return !(k >= 0 && state.place(item, k));
      });
  }
  let after = 0;
  for (const item of lifted) after += state.costOf(item);
  for (const item of extra) after += state.costOf(item);
  const keep = left.length === 0 && (goal === "place" || after < before - EPS);
  if (keep) state.commitTx(mark);
  else state.rollback(mark);
  return keep;
}

/** The fewest movable items to evict so option k has room for u; undefined if impossible. */
function evictionPlan(state: BatchState, u: TBatchItem, k: number, chain: Set<number>): number[] | undefined {
  const { gpusPerNode, nodeCount } = u.request;
  let best: number[] | undefined;
  for (const poolIdx of state.optionPools(u, k)) {
    const perNode: { node: number; evict: number[] }[] = [];
    for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
      const evict = evictionOn(state, node, gpusPerNode, chain);
      if (evict !== undefined) perNode.push({ node, evict });
    }
    if (perNode.length < nodeCount) continue;
    perNode.sort((a, b) => a.evict.length - b.evict.length || a.node - b.node);
    const chosen = [...new Set(perNode.slice(0, nodeCount).flatMap((p) => p.evict))];
    if (best === undefined || chosen.length < best.length) best = chosen;
  }
  return best;
}

function evictionOn(state: BatchState, node: number, gpus: number, chain: Set<number>): number[] | undefined {
  let free = state.capacity.free[node] ?? 0;
  if (free >= gpus) return [];
  const movable = state
    .itemsOn(node)
    .filter((i) => !chain.has(i) && state.assignments[i]?.fixed === false)
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

/** Cheap test before trying: a single-node item needs v's node to free enough GPUs. */
function couldMakeRoom(state: BatchState, item: TBatchItem, v: TBatchItem, av: TAssignment): boolean {
  if (item.request.gang) return true;
  for (const n of av.nodes) {
    if ((state.capacity.free[n] ?? 0) + v.request.gpusPerNode >= item.request.gpusPerNode) return true;
  }
  return false;
}
