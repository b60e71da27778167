import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";
import { placeByEvicting } from "./eviction";
import { placeTierByRegret } from "./regret-greedy";
import { exhausted, type TSearch } from "./search-budget";

/** Most items lifted by one ruin-and-recreate step. */
const RUIN_SIZE = 60;
/** Options per item whose occupants count as related to it. */
const RELATED_OPTIONS = 12;
/** Levels of evictions for a lifted item that regret could not fit back. */
const EVICTION_DEPTH = 2;
const EPS = 1e-7;
/** Size exponent 0: regret in dollars, whatever the workload's size. */
const PLAIN_REGRET = 0;

/**
 * Large-neighbourhood step: lifts `ruin` and re-places it, together with `extra`, by regret
 * (hardest first, regret divided by GPUs to the power `sizeExponent`); an item that regret
 * cannot fit back is placed by evicting others (who are placed again in turn).
 * "place": kept if every one of them is placed; "cost": kept if all are placed again and
 * the total cost drops.
 */
export function ruinAndRecreate(
  state: BatchState,
  extra: readonly TBatchItem[],
  ruin: readonly number[],
  search: TSearch,
  goal: "place" | "cost",
  sizeExponent: number,
): boolean {
  if (ruin.length === 0 || exhausted(search)) return false;
  search.spent += ruin.length;
  const before = state.totalCost;
  const mark = state.begin();
  const lifted = ruin.map((i) => state.items[i] as TBatchItem);
  for (const item of lifted) state.release(item);
  const everyone = [...extra, ...lifted];
  let left = placeTierByRegret(state, everyone, (item) => item, sizeExponent);
  left = left.filter((item) => !placeByEvicting(state, item, EVICTION_DEPTH, new Set([item.idx]), search));
  if (left.length > 0 && goal === "place") {
    // Regret order did not pack them all: undo and try biggest first, best fit.
    for (const item of everyone) if (state.assignments[item.idx] !== undefined) state.release(item);
    left = everyone
      .sort(
        (a, b) =>
          b.request.gpusPerNode - a.request.gpusPerNode ||
          a.optCost.length - b.optCost.length ||
          a.idx - b.idx,
      )
      .filter((item) => !state.placeCheapest(item));
  }
  const keep = left.length === 0 && (goal === "place" || state.totalCost < before - EPS);
  if (keep) state.commitTx(mark);
  else state.rollback(mark);
  return keep;
}

/**
 * Ruin and recreate around the GPU groups that placed items would rather be in, most
 * wanted first: lift those who want in and everyone there, re-place them together, keep
 * it if cheaper. Reaches rearrangements of many items at once (a big workload making way
 * for several small ones, or the reverse) that chains of single moves miss. Recreates by
 * plain regret, not per GPU like the construction: a different order reaches arrangements
 * the construction's order does not. Only for batches bigger than one ruin: in a smaller
 * one, a ruin lifts nearly everything, which makes it a second construction, not a local
 * step (and costs as much).
 */
export function regroupPass(
  state: BatchState,
  search: TSearch,
  failed = new Map<string, string>(),
  ruinSize = RUIN_SIZE,
): number {
  if (state.items.length <= ruinSize) return 0;
  const wanted = new Map<number, { gain: number; items: number[] }>();
  for (const { item, gain } of byPotential(state)) {
    const group = state.optionGroup(item, 0);
    const entry = wanted.get(group) ?? { gain: 0, items: [] };
    entry.gain += gain;
    entry.items.push(item.idx);
    wanted.set(group, entry);
  }
  const order = [...wanted.entries()].sort((x, y) => y[1].gain - x[1].gain || x[0] - y[0]);
  let improved = 0;
  for (const [groupIdx, entry] of order) {
    if (exhausted(search)) break;
    const ruin = new Set<number>(entry.items.slice(0, Math.ceil(ruinSize / 2)));
    for (const poolIdx of state.prepared.groups[groupIdx]?.pools ?? []) {
      for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
        for (const i of state.itemsOn(node)) {
          if (ruin.size < ruinSize && state.assignments[i]?.fixed === false) ruin.add(i);
        }
      }
    }
    const sorted = [...ruin].sort((x, y) => x - y);
    // Neighbouring groups often give the same ruin, and later rounds the same again: a set
    // that failed is tried again only once one of its items has moved.
    const key = sorted.join(",");
    const where = sorted.map((i) => state.assignments[i]?.nodes.join("+")).join(",");
    if (failed.get(key) === where) continue;
    if (ruinAndRecreate(state, [], sorted, search, "cost", PLAIN_REGRET)) improved++;
    else failed.set(key, where);
  }
  return improved;
}

/** Movable placed items not on their cheapest option, biggest possible saving first. */
export function byPotential(state: BatchState): { item: TBatchItem; gain: number }[] {
  const out: { item: TBatchItem; gain: number }[] = [];
  for (const item of state.items) {
    const a = state.assignments[item.idx];
    if (a === undefined || a.fixed || a.option === 0) continue;
    out.push({ item, gain: (item.optCost[a.option] ?? 0) - (item.optCost[0] ?? 0) });
  }
  return out.sort((x, y) => y.gain - x.gain || x.item.idx - y.item.idx);
}

/**
 * Movable items around an unplaced one: those on the pools of its options, and those on
 * the pools where they could go instead (two steps), at most RUIN_SIZE of them.
 */
export function relatedTo(state: BatchState, u: TBatchItem): number[] {
  const found = new Set<number>();
  let frontier: TBatchItem[] = [u];
  for (let level = 0; level < 2 && found.size < RUIN_SIZE; level++) {
    const next: TBatchItem[] = [];
    for (const item of frontier) {
      for (let k = 0; k < item.optCost.length && k < RELATED_OPTIONS; k++) {
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
    frontier = next;
  }
  return [...found].sort((a, b) => a - b);
}
