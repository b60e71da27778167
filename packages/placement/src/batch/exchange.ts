import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { ChainSearch } from "./chain-search";
import { evictionPlan } from "./eviction";
import { exhausted, type TSearch } from "./search-budget";

const EPS = 1e-7;
/** Options of an item tried per exchange. */
const EXCHANGE_OPTIONS = 16;
/** Levels of re-placement for a workload an exchange moves out of the way. */
const REPLACE_DEPTH = 2;
const NONE: ReadonlySet<number> = new Set();

/**
 * Exchanges that the improving moves of local-search.ts cannot make, because they may
 * leave a workload out:
 * - placed ↔ left out of equal count: a left-out workload takes an option by evicting
 *   its occupants; those that find no other place stay out, which is kept when no more
 *   are left out than got in and the total cost falls (or more are placed);
 * - gang-aware repacking: a placed workload (gangs first: they save the most) takes a
 *   cheaper option by clearing the nodes it needs, and the small workloads it clears go
 *   elsewhere (where it left, or anywhere with room, evicting in turn up to two levels).
 * Only workloads of the same priority are moved out of the way, so tiers keep their order.
 * Every exchange runs in a transaction and is kept only if the batch gets better: more
 * placed, or as many placed for less. Returns how many were kept; `unplaced` is updated.
 */
export function exchangePass(state: BatchState, unplaced: TBatchItem[], search: TSearch): number {
  let kept = 0;
  const leftOut = unplaced.filter((u) => u.optCost.length > 0);
  for (const u of leftOut) {
    if (exhausted(search)) return kept;
    if (tryExchange(state, u, unplaced, search)) kept++;
  }
  // Placed workloads that could be cheaper, the biggest possible saving first.
  const movable = state.items
    .filter((item) => {
      const a = state.assignments[item.idx];
      return a !== undefined && !a.fixed && a.option > 0;
    })
    .map((item) => ({ item, saving: state.costOf(item) - (item.optCost[0] ?? 0) }))
    .sort((a, b) => b.saving - a.saving || a.item.idx - b.item.idx);
  for (const { item } of movable) {
    if (exhausted(search)) return kept;
    if (tryExchange(state, item, unplaced, search)) kept++;
  }
  return kept;
}

/**
 * Exchanges of equal count by ejection chains: a left-out workload gets in and the chain
 * ends by leaving a dearer one out (see ChainSearch.exchange), repeated while they help.
 * Returns how many were kept; `unplaced` is updated.
 */
export function dropExchangePass(state: BatchState, unplaced: TBatchItem[], search: TSearch): number {
  let kept = 0;
  const chains = new ChainSearch(state);
  for (let again = true; again && !exhausted(search); ) {
    again = false;
    for (const u of unplaced.filter((item) => item.optCost.length > 0)) {
      if (exhausted(search)) return kept;
      const dropped = chains.exchange(u, search);
      if (dropped === undefined) continue;
      kept++;
      again = true;
      unplaced.splice(unplaced.indexOf(u), 1);
      if (dropped >= 0) unplaced.push(state.items[dropped] as TBatchItem);
    }
  }
  return kept;
}

function tryExchange(state: BatchState, x: TBatchItem, unplaced: TBatchItem[], search: TSearch): boolean {
  const current = state.assignments[x.idx];
  if (current?.fixed) return false;
  const own = state.costOf(x);
  const priority = x.request.priority;
  const keep = new Set([x.idx]);
  const leaving = current === undefined ? NONE : keep;
  for (let k = 0; k < x.optCost.length && k < EXCHANGE_OPTIONS; k++) {
    if (current !== undefined && (x.optCost[k] ?? 0) >= own - EPS) break;
    if (exhausted(search)) return false;
    search.spent++;
    const plan = evictionPlan(state, x, k, keep, leaving);
    if (plan === undefined) continue;
    if (plan.some((i) => state.items[i]?.request.priority !== priority)) continue;
    const evicted = plan
      .map((i) => state.items[i] as TBatchItem)
      .sort((a, b) => b.request.totalGpus - a.request.totalGpus || a.idx - b.idx);
    const before = state.totalCost;
    const mark = state.begin();
    if (current !== undefined) state.release(x);
    for (const v of evicted) state.release(v);
    if (!state.place(x, k)) {
      state.rollback(mark);
      continue;
    }
    const out: TBatchItem[] = [];
    const guard = new Set<number>([x.idx]);
    for (const v of evicted) {
      search.spent++;
      if (!replace(state, v, guard, REPLACE_DEPTH, search)) out.push(v);
      guard.add(v.idx);
    }
    const gained = current === undefined ? 1 : 0;
    const better = out.length < gained || (out.length === gained && state.totalCost < before - EPS);
    if (!better) {
      state.rollback(mark);
      continue;
    }
    state.commitTx(mark);
    const at = unplaced.indexOf(x);
    if (at >= 0) unplaced.splice(at, 1);
    unplaced.push(...out);
    return true;
  }
  return false;
}

/**
 * Puts an evicted workload back: its cheapest option with room, else by evicting others
 * (never those in `guard`) that go back the same way, `depth` levels down, the cheapest
 * such arrangement first. All or nothing.
 */
function replace(
  state: BatchState,
  v: TBatchItem,
  guard: ReadonlySet<number>,
  depth: number,
  search: TSearch,
): boolean {
  if (state.placeCheapest(v)) return true;
  if (depth === 0) return false;
  for (let k = 0; k < v.optCost.length && k < EXCHANGE_OPTIONS; k++) {
    if (exhausted(search)) return false;
    search.spent++;
    const plan = evictionPlan(state, v, k, guard);
    if (plan === undefined || plan.length === 0) continue;
    if (plan.some((i) => state.items[i]?.request.priority !== v.request.priority)) continue;
    const mark = state.begin();
    for (const i of plan) state.release(state.items[i] as TBatchItem);
    const inner = new Set([...guard, v.idx, ...plan]);
    const ok =
      state.place(v, k) &&
      plan
        .map((i) => state.items[i] as TBatchItem)
        .sort((a, b) => b.request.totalGpus - a.request.totalGpus || a.idx - b.idx)
        .every((w) => replace(state, w, inner, depth - 1, search));
    if (ok) {
      state.commitTx(mark);
      return true;
    }
    state.rollback(mark);
  }
  return false;
}
