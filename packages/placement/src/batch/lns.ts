import type { TBatchItem } from "./batch-item";
import type { BatchState, TAssignment } from "./batch-state";
import { exhausted, type TSearch } from "./search-budget";

const EPS = 1e-7;
/** Cheapest options of an anchor item whose pools a ruin may clear. */
const ANCHOR_OPTIONS = 4;
/** Most items one ruin lifts. */
const MAX_RUIN = 24;
/** Chance that a re-placed item skips an option that fits ("blink"), in the greedy recreates. */
const BLINK = 0.08;
/** Most left-out workloads offered the room of one ruin. */
const MAX_EXTRA = 12;
/** Steps without a new best after which a phase stops. */
const PATIENCE = 75;
/** Cheapest options of a left-out workload that count when looking for room a ruin freed. */
const NEAR_OPTIONS = 12;
/** Regret of an item with one option left: above any real cost difference. */
const SOLE = 1e12;
/** Share above the best cost that a step of equal count may reach, at the start. */
const THRESHOLD = 0.02;

/**
 * Randomised large-neighbourhood search (ruin and recreate, as in SISR): each step clears
 * the pools of one to three cheap options of randomly drawn workloads (placed or left out),
 * and re-places what it lifted together with every left-out workload of the same priority,
 * by one of several orders (regret, per-GPU regret, biggest first, random, each with an
 * occasional skipped option). Unlike the improving moves of local-search.ts it may leave
 * out other workloads than before, so it chooses *which* set of equal size is placed; it
 * reaches exchanges of several workloads at once (a gang taking a cheap fabric that small
 * workloads held, which then move elsewhere or make way for left-out ones).
 * A step is kept when no priority tier loses a placement (the highest tier that changes
 * must gain) and the cost does not rise; otherwise it is rolled back. Deterministic: the
 * draws come from a generator seeded by the batch size. Returns the number of steps kept.
 */
export function lnsPass(state: BatchState, unplaced: TBatchItem[], search: TSearch): number {
  const movable = state.items.filter((item) => item.optCost.length > 0);
  if (movable.length < 2) return 0;
  const rng = new Rng(0x9e3779b9 ^ state.items.length);
  let kept = 0;
  let fruitless = 0;
  let best = { cost: state.totalCost, assignments: state.assignments.slice() };
  while (!exhausted(search) && fruitless < PATIENCE) {
    const before = state.totalCost;
    const mark = state.begin();
    const freed = new Set<number>();
    const lifted = ruin(state, movable, rng, freed);
    search.spent++;
    if (lifted.length === 0) {
      state.rollback(mark);
      fruitless++;
      continue;
    }
    const extra = leftOutNear(state, unplaced, lifted, freed);
    // A few of them, drawn at random: the recreate's work grows with the square of its items.
    while (extra.length > MAX_EXTRA) extra.splice(rng.int(extra.length), 1);
    const everyone = [...lifted, ...extra];
    recreate(state, everyone, rng);
    // Record-to-record travel: as many placed for up to THRESHOLD more than the best,
    // shrinking to nothing as the budget runs out, so that two-step exchanges get through.
    const left = Math.max(0, 1 - search.spent / search.budget);
    const verdict = compare(state, everyone, lifted);
    const ok =
      verdict > 0 ||
      (verdict === 0 && state.totalCost <= Math.max(before, best.cost * (1 + THRESHOLD * left)) + EPS);
    if (!ok) {
      state.rollback(mark);
      fruitless++;
      continue;
    }
    state.commitTx(mark);
    for (const item of everyone) {
      const at = unplaced.indexOf(item);
      if (state.assignments[item.idx] === undefined) {
        if (at < 0) unplaced.push(item);
      } else if (at >= 0) unplaced.splice(at, 1);
    }
    // More placed (in the highest tier that changed) is better whatever it costs; counts
    // never go back, so the best is the cheapest state since the last gain in count.
    if (verdict > 0 || state.totalCost < best.cost - EPS) {
      best = { cost: state.totalCost, assignments: state.assignments.slice() };
      kept++;
      fruitless = 0;
    } else fruitless++;
  }
  if (state.totalCost > best.cost + EPS) restoreBest(state, best.assignments, unplaced);
  unplaced.sort((a, b) => a.idx - b.idx);
  return kept;
}

/** Puts every item back where `assignments` has it (all on movable items), and `unplaced` to match. */
function restoreBest(
  state: BatchState,
  assignments: readonly (TAssignment | undefined)[],
  unplaced: TBatchItem[],
): void {
  const moved: TBatchItem[] = [];
  for (const item of state.items) {
    if (state.assignments[item.idx] === assignments[item.idx]) continue;
    moved.push(item);
    state.release(item);
  }
  for (const item of moved) {
    const a = assignments[item.idx];
    if (a !== undefined) state.restore(item, a);
  }
  unplaced.length = 0;
  for (const item of state.items) if (state.assignments[item.idx] === undefined) unplaced.push(item);
}

/**
 * Left-out workloads of the lifted ones' priorities that could use what they freed: one of
 * their cheapest options is on a fabric (pool) a lifted workload was on.
 */
function leftOutNear(
  state: BatchState,
  unplaced: readonly TBatchItem[],
  lifted: readonly TBatchItem[],
  freed: ReadonlySet<number>,
): TBatchItem[] {
  const priorities = new Set(lifted.map((item) => item.request.priority));
  return unplaced.filter((u) => {
    if (
      u.optCost.length === 0 ||
      state.assignments[u.idx] !== undefined ||
      !priorities.has(u.request.priority)
    )
      return false;
    for (let k = 0; k < u.optCost.length && k < NEAR_OPTIONS; k++) {
      for (const pool of state.optionPools(u, k)) if (freed.has(pool)) return true;
    }
    return false;
  });
}

/**
 * Lifts the movable occupants of the pools of a cheap option of a randomly drawn workload,
 * then, chain-wise, of a cheap option of one of those lifted (where it would go instead),
 * and so on: the neighbourhood an ejection chain would move through, several links long.
 */
function ruin(state: BatchState, movable: readonly TBatchItem[], rng: Rng, freed: Set<number>): TBatchItem[] {
  const limit = 2 + rng.int(MAX_RUIN - 1);
  const lifted: TBatchItem[] = [];
  // Half the ruins follow chains; the other half lift around unrelated workloads.
  const scatter = rng.next() < 0.5;
  let anchor = movable[rng.int(movable.length)] as TBatchItem;
  for (let link = 0; link < 6 && lifted.length < limit; link++) {
    const assignment = state.assignments[anchor.idx];
    if (assignment !== undefined && !assignment.fixed) {
      for (const n of state.release(anchor)?.nodes ?? []) freed.add(state.prepared.nodePool[n] ?? -1);
      lifted.push(anchor);
    }
    const k = rng.int(Math.min(ANCHOR_OPTIONS, anchor.optCost.length));
    const pools = state.optionPools(anchor, k);
    const from = lifted.length;
    for (const poolIdx of rng.next() < 0.5 ? pools : pools.slice(0, 1)) {
      for (const node of state.prepared.pools[poolIdx]?.nodes ?? []) {
        for (const i of state.itemsOn(node).slice()) {
          if (lifted.length >= limit) break;
          if (state.assignments[i]?.fixed !== false) continue;
          const item = state.items[i] as TBatchItem;
          for (const n of state.release(item)?.nodes ?? []) freed.add(state.prepared.nodePool[n] ?? -1);
          lifted.push(item);
        }
      }
    }
    // Next link: one of those just lifted, or (sometimes) a fresh draw.
    const fresh = scatter || lifted.length === from || rng.next() < 0.25;
    anchor = fresh
      ? (movable[rng.int(movable.length)] as TBatchItem)
      : (lifted[from + rng.int(lifted.length - from)] as TBatchItem);
    if (rng.next() < 0.3) break;
  }
  return lifted;
}

/** Re-places `items` (all unplaced) by a randomly drawn order; those that fit nowhere stay out. */
function recreate(state: BatchState, items: TBatchItem[], rng: Rng): void {
  const how = rng.int(5);
  if (how < 2) {
    // Regret in dollars, or per GPU: the construction's two orders, on this neighbourhood
    // (small, so recomputed in full each time rather than watched as regret-greedy.ts does).
    regretFill(state, items, how);
    return;
  }
  const keyOf = new Map<number, number>();
  for (const item of items) {
    const r = rng.next();
    keyOf.set(
      item.idx,
      how === 2
        ? -(item.request.totalGpus + r * 0.5)
        : how === 3
          ? -((item.optCost[1] ?? item.optCost[0] ?? 0) - (item.optCost[0] ?? 0)) * (0.75 + 0.5 * r)
          : r,
    );
  }
  items.sort((a, b) => (keyOf.get(a.idx) ?? 0) - (keyOf.get(b.idx) ?? 0) || a.idx - b.idx);
  for (const item of items) {
    let placed = false;
    for (let k = 0; k < item.optCost.length && !placed; k++) {
      if (!state.fits(item, k)) continue;
      if (k + 1 < item.optCost.length && rng.next() < BLINK) continue;
      placed = state.place(item, k);
    }
    if (!placed) state.placeCheapest(item);
  }
}

/** Places `items` by regret (cheapest fitting vs second cheapest, per GPU^sizeExponent), hardest first. */
function regretFill(state: BatchState, items: readonly TBatchItem[], sizeExponent: number): void {
  const waiting = items.slice();
  while (waiting.length > 0) {
    let pick = -1;
    let pickOption = -1;
    let pickRegret = Number.NEGATIVE_INFINITY;
    for (let w = waiting.length - 1; w >= 0; w--) {
      const item = waiting[w] as TBatchItem;
      let first = -1;
      let second = -1;
      for (let k = 0; k < item.optCost.length && second < 0; k++) {
        if (!state.fits(item, k)) continue;
        if (first < 0) first = k;
        else second = k;
      }
      if (first < 0) {
        waiting.splice(w, 1);
        if (pick > w) pick--;
        continue;
      }
      const gap = second < 0 ? SOLE : (item.optCost[second] ?? 0) - (item.optCost[first] ?? 0);
      const regret = sizeExponent === 0 ? gap : gap / item.request.totalGpus;
      if (regret > pickRegret || (regret === pickRegret && item.idx < (waiting[pick]?.idx ?? -1))) {
        pick = w;
        pickOption = first;
        pickRegret = regret;
      }
    }
    if (pick < 0) return;
    const item = waiting[pick] as TBatchItem;
    waiting.splice(pick, 1);
    if (!state.place(item, pickOption)) state.placeCheapest(item);
  }
}

/**
 * +1 if the highest priority whose placed count changed among the items touched gained,
 * -1 if it lost, 0 if no count changed. Lifted items were all placed before; the extra
 * ones were not.
 */
function compare(state: BatchState, everyone: readonly TBatchItem[], lifted: readonly TBatchItem[]): number {
  const delta = new Map<number, number>();
  const wasPlaced = new Set(lifted.map((item) => item.idx));
  for (const item of everyone) {
    const now = state.assignments[item.idx] !== undefined ? 1 : 0;
    const then = wasPlaced.has(item.idx) ? 1 : 0;
    if (now !== then) delta.set(item.request.priority, (delta.get(item.request.priority) ?? 0) + now - then);
  }
  const changed = [...delta.entries()].filter(([, d]) => d !== 0).sort((a, b) => b[0] - a[0]);
  return Math.sign(changed[0]?.[1] ?? 0);
}

/** Small deterministic generator (mulberry32). */
class Rng {
  constructor(private s: number) {}

  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
