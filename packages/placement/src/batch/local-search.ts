import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { ChainSearch } from "./chain-search";
import { placeByEvicting } from "./eviction";
import { dropExchangePass, exchangePass } from "./exchange";
import { lnsPass } from "./lns";
import { repackFor } from "./repack";
import { byPotential, regroupPass, relatedTo, ruinAndRecreate } from "./ruin-recreate";
import { exhausted, type TSearch, withShare } from "./search-budget";
import { shapeAssignmentPass } from "./shape-assignment";

const EPS = 1e-7;
const MAX_ROUNDS = 6;
/**
 * A round that saves less than this share of the cost is the last. Rounds after such a
 * round rarely find more (on 30 benchmark-style instances, stopping here moved no gap by
 * more than 0.06 points) yet each costs about as much as the first.
 */
const MIN_ROUND_GAIN = 0.005;
/** Evaluations one unplaced workload may use per insertion pass. */
const PER_ITEM_INSERT = 500;
/** Levels of evictions the last-resort insertion may go through. */
const EVICTION_DEPTH = 4;
/** Steps of each of the two randomised large-neighbourhood searches (see lns.ts). */
const LNS_STEPS = 300;
const LARGE_BATCH = 1_000;
/** Chain evaluations per left-out workload for the exchanges of equal count. */
const DROP_EXCHANGE_STEPS = 200;
/** At most this many in all, whatever the batch size. */
const MAX_DROP_EXCHANGE = 10_000;

export type TImproveStats = { moves: number; swaps: number; insertions: number };

/**
 * Improves a complete batch placement without ever unplacing anything, so priority
 * tiers keep what the greedy gave them. Every attempt runs in a transaction on the batch
 * state and is rolled back unless it helps.
 * 1. insert: unplaced items get in (see insertPass), with at most half the budget;
 * 2. move: an item takes a cheaper option that has room;
 * 3. regroup: ruin and recreate around the groups placed items would rather be in;
 * 4. chains: each item that is not on its cheapest option looks for the cheapest ejection
 *    chain (relocation, swap, rotation, eviction of several) that lowers the total.
 * Rounds of 2–4 repeat until a round saves under 0.5% of the cost or the evaluation budget
 * is spent. Then randomised ruin and recreate (lns.ts), which may change *which* workloads
 * are placed at equal count; exchanges of equal count by ejection chains; ruin and recreate
 * again; the still unplaced get one more try; last, the workloads of each shape are
 * reassigned exactly (shape-assignment.ts). That comes after everything that can get more
 * workloads in, so it only lowers the cost of the count they reached: earlier, its cheaper
 * arrangements took room that insertions would have used. The randomised and equal-count
 * phases have budgets of their own, in steps, so that they run however the rounds spent
 * theirs.
 */
export function improve(
  state: BatchState,
  unplaced: TBatchItem[],
  budget: number,
  sizeExponent: number,
): TImproveStats {
  const stats: TImproveStats = { moves: 0, swaps: 0, insertions: 0 };
  const search: TSearch = { spent: 0, budget };
  stats.insertions += withShare(search, 1 / 2, (part) => insertPass(state, unplaced, part, sizeExponent));
  const failedRuins = new Map<string, string>();
  for (let round = 0; round < MAX_ROUNDS && !exhausted(search); round++) {
    const before = stats.moves + stats.swaps;
    const costBefore = state.totalCost;
    stats.moves += movePass(state);
    // Ruin-and-recreate and chains each get at most half of what is left.
    stats.swaps += withShare(search, 1 / 2, (part) => regroupPass(state, part, failedRuins));
    stats.swaps += withShare(search, 1 / 2, (part) => chainPass(state, part));
    stats.swaps += withShare(search, 1 / 2, (part) => exchangePass(state, unplaced, part));
    if (stats.moves + stats.swaps === before) break;
    if (costBefore - state.totalCost < MIN_ROUND_GAIN * costBefore) break;
  }
  // Above LARGE_BATCH workloads, these phases shrink in proportion, so that their time
  // stays about flat while the rest of the search grows with the batch.
  const scale = Math.min(1, LARGE_BATCH / state.items.length);
  const lnsSteps = Math.ceil(LNS_STEPS * scale);
  stats.swaps += lnsPass(state, unplaced, { spent: 0, budget: lnsSteps });
  stats.swaps += dropExchangePass(state, unplaced, {
    spent: 0,
    budget: Math.min(DROP_EXCHANGE_STEPS * unplaced.length, MAX_DROP_EXCHANGE * scale),
  });
  stats.swaps += lnsPass(state, unplaced, { spent: 0, budget: lnsSteps });
  if (unplaced.length > 0) {
    stats.insertions += insertPass(state, unplaced, { spent: 0, budget: budget / 4 }, sizeExponent);
  }
  stats.swaps += shapeAssignmentPass(state, unplaced);
  return stats;
}

/**
 * Gets unplaced items in, cost second; returns how many got in and removes them from
 * `unplaced`. Per item, cheapest first: an ejection chain (an augmenting path, possibly
 * ending by clearing several occupants), a repack of one of its options' pools, ruin and
 * recreate of the items around it, and last an eviction tree (evicted items evict in
 * turn, several per node if need be), which finds room in tightly packed groups at any
 * cost. Each item has its own slice of the budget, so a hopeless one cannot starve the rest.
 */
export function insertPass(
  state: BatchState,
  unplaced: TBatchItem[],
  search: TSearch,
  sizeExponent: number,
): number {
  if (unplaced.length === 0) return 0;
  let count = 0;
  const chains = new ChainSearch(state);
  for (let i = 0; i < unplaced.length && !exhausted(search); i++) {
    const u = unplaced[i] as TBatchItem;
    if (u.optCost.length === 0) continue;
    const own: TSearch = { spent: 0, budget: Math.min(PER_ITEM_INSERT, search.budget - search.spent) };
    const placed =
      chains.run(u, Number.POSITIVE_INFINITY, own) ||
      repackFor(state, u, own) ||
      ruinAndRecreate(state, [u], relatedTo(state, u), own, "place", sizeExponent) ||
      placeByEvicting(state, u, EVICTION_DEPTH, new Set([u.idx]), own);
    search.spent += own.spent;
    if (placed) {
      count++;
      unplaced.splice(i, 1);
      i--;
    }
  }
  return count;
}

function movePass(state: BatchState): number {
  let moves = 0;
  for (const { item } of byPotential(state)) {
    const current = state.costOf(item);
    const a = state.release(item);
    if (a === undefined) continue;
    const k = state.cheapestFitting(item, current - EPS);
    if (k >= 0 && state.place(item, k)) moves++;
    else state.restore(item, a);
  }
  return moves;
}

function chainPass(state: BatchState, search: TSearch): number {
  let count = 0;
  const chains = new ChainSearch(state);
  for (const { item } of byPotential(state)) {
    if (exhausted(search)) break;
    if (chains.run(item, 0, search)) count++;
  }
  return count;
}
