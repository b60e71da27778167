import { formatUsd, roundCents } from "../framework/money";
import type { TEngine } from "../place/engine";
import { checkPlacement, parseCallerPolicy, type TEngineOptions } from "../place/place";
import { runPlacement, summarizePlacement } from "../place/run-placement";
import type { TPlacementRequest } from "../request/placement-request";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import { cloneCapacity } from "../snapshot/capacity";
import { compareIds } from "../snapshot/compare";
import { dataCostAt, planDataNeeds } from "../snapshot/data-movement";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError, type TInputIssue } from "../snapshot/input-error";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";
import type { TBatchBound, TBatchPlacement, TBatchResult, TUnplaced } from "./batch-result";
import { BatchState, type TAssignment } from "./batch-state";
import { buildItem, OPTION_WINDOW, roomByPool } from "./build-options";
import { improve, insertPass, type TImproveStats } from "./local-search";
import { lowerBoundUsd } from "./lower-bound";
import { Preemptor } from "./preemption";
import { placeTierByRegret } from "./regret-greedy";
import { ScarcityPrices, toRealState } from "./scarcity-prices";

export type TPlaceBatchInput = TEngineOptions & {
  readonly snapshot: TSnapshotInput | TPreparedSnapshot;
  readonly requests: readonly TWorkloadRequestInput[];
  /** Let higher-priority work stop running lower-priority preemptible allocations. Default false. */
  readonly allowPreemption?: boolean;
  /** How unplaced workloads are explained: summary (default), full per-site result, or none. */
  readonly explainUnplaced?: "summary" | "full" | "none";
  /** Cheapest options kept per workload before widening (default OPTION_WINDOW). */
  readonly optionWindow?: number;
  /** Local-search evaluations per workload (default 40); 0 keeps the greedy result. */
  readonly searchEffort?: number;
  /**
   * "lagrangian" (default): prove a lower bound on the cost of placing as many workloads.
   * "none": skip it (a caller that never shows it, such as the fair round, saves its option
   * lists and subgradient steps); the result then claims only $0.
   */
  readonly bound?: "lagrangian" | "none";
  /**
   * Keep big nodes for work that needs them: the search weighs each option at its cost
   * × (1 + nodeFit × the share of the smallest fitting node there that the workload would
   * leave unused), so that a 2-GPU job takes a 2-GPU node before an 8-GPU one unless the
   * small node costs over (1 + 0.75 × nodeFit) times as much. Default 0: cost alone. Reported
   * costs and the bound are always the real ones. The fair round uses it (see fairRound).
   */
  readonly nodeFit?: number;
};

const DEFAULT_EFFORT = 40;
/** Upper bound on local-search evaluations, whatever the batch size, to bound latency. */
const MAX_EVALUATIONS = 30_000;
/** One more construction with left-out workloads first, when few are left out. */
const RESTARTS = 1;
const MAX_BOOSTED_SHARE = 0.05;
/** Constructions under rising scarcity prices, while workloads with options are left out. */
const PRICE_ROUNDS = 3;
/** Above this share left out, capacity is short overall and prices would not change that. */
const MAX_PRICED_SHARE = 0.15;
/** Above this many workloads one construction must do: restarts would cost seconds. */
const MAX_RESTART_ITEMS = 2_000;
/**
 * Regret is divided by the workload's GPU count to this power: the loss per GPU of
 * capacity it takes. A big workload on a contested group blocks several small ones that
 * would lose more there in total.
 */
const SIZE_EXPONENT = 1;

/**
 * Places many pending workloads together against shared capacity:
 * 1. validate every request (all issues at once) and sort by priority, then id;
 * 2. per priority tier, highest first: regret greedy, then preemption if allowed; once
 *    more with the workloads left out first, keeping the better attempt; if workloads
 *    with options are still left out, again under scarcity prices (see ScarcityPrices);
 * 3. local search over the whole batch: insertions, moves, ejection chains,
 *    ruin-and-recreate (nothing placed gets unplaced) and an exact reassignment of the
 *    workloads of each shape, within an evaluation budget, on
 *    the best plain and the best priced attempt, keeping the better result;
 * 4. report placements, preemptions and why the rest did not fit.
 * Deterministic; input order does not matter. Never over-allocates a node.
 */
export function placeBatch(input: TPlaceBatchInput): TBatchResult {
  const prepared = indexSnapshot(input.snapshot);
  const allowPreemption = input.allowPreemption ?? false;

  // 1. Validate and order.
  const checked = checkRequests(prepared, input);
  checked.sort((a, b) => b.request.priority - a.request.priority || compareIds(a.request.id, b.request.id));
  const room = roomByPool(prepared, allowPreemption);
  const firstWindow = input.optionWindow ?? OPTION_WINDOW;
  const nodeFit = input.nodeFit ?? 0;
  const initial = checked.map(({ request, engine }, idx) =>
    buildItem(prepared, idx, request, engine, room, firstWindow, nodeFit),
  );
  const effort = input.searchEffort ?? DEFAULT_EFFORT;
  // Option lists are a pure function of the workload, the window and the node fit: built
  // once, shared by both runs and the bound.
  const built = new Map<string, TBatchItem>();
  const build = (item: TBatchItem, window: number, fit = nodeFit): TBatchItem => {
    const key = `${item.idx}:${window}:${fit}`;
    let wider = built.get(key);
    if (wider === undefined) {
      wider = buildItem(prepared, item.idx, item.request, item.engine, room, window, fit);
      built.set(key, wider);
    }
    return wider;
  };
  const run = (e: number) => searchBatch(initial, build, firstWindow, allowPreemption, e, prepared);
  // More search never returns less: the plain construction (effort 0) is a candidate too
  // (up to MAX_RESTART_ITEMS workloads; above, a second construction would cost seconds).
  let done = run(effort);
  if (effort > 0 && initial.length <= MAX_RESTART_ITEMS) {
    const plain = run(0);
    if (isBetter(plain.attempt, done.attempt)) done = { attempt: plain.attempt, stats: done.stats };
  }
  const { state, unplaced, preemptor, tierCount } = done.attempt;
  const { stats } = done;
  const greedyCostUsd = done.attempt.greedyCostUsd;

  // 4. Report.
  const placements = state.items
    .filter((item) => state.assignments[item.idx] !== undefined)
    .map((item) => describePlacement(state, item))
    .sort((a, b) => compareIds(a.workloadId, b.workloadId));
  const explainMode = input.explainUnplaced ?? "summary";
  state.syncQuota();
  const unplacedOut = unplaced
    .sort((a, b) => compareIds(a.request.id, b.request.id))
    .map((item) => describeUnplaced(prepared, state, item, explainMode));
  const totalCostUsd = realCostUsd(state);
  return {
    placements,
    unplaced: unplacedOut,
    preemptions: preemptor?.preemptions ?? [],
    totalCostUsd: roundCents(totalCostUsd),
    bound:
      input.bound === "none"
        ? NO_BOUND
        : describeBound(
            lowerBoundUsd(
              prepared,
              // Every option of every workload where that is affordable: a workload that kept
              // only its cheapest options is otherwise assumed to escape at its dearest one.
              // Under a node fit, always, at real cost.
              nodeFit > 0
                ? state.items.map((item) => build(item, Number.POSITIVE_INFINITY, 0))
                : state.items.length > MAX_RESTART_ITEMS
                  ? state.items
                  : state.items.map((item) => (item.complete ? item : build(item, Number.POSITIVE_INFINITY))),
              placements.length,
              totalCostUsd,
              allowPreemption,
            ),
            roundCents(totalCostUsd),
            placements.length,
          ),
    stats: {
      workloads: initial.length,
      placed: placements.length,
      unplaced: unplacedOut.length,
      tiers: tierCount,
      greedyCostUsd: roundCents(greedyCostUsd),
      ...stats,
      preempted: preemptor?.preemptions.length ?? 0,
    },
  };
}

/**
 * Steps 2 and 3 of placeBatch at one search effort, on a copy of the items (widening
 * replaces items): constructions, restarts, scarcity prices, local search; the best
 * arrangement seen at any point is what it returns (see Incumbent).
 */
function searchBatch(
  initial: readonly TBatchItem[],
  build: (item: TBatchItem, window: number) => TBatchItem,
  firstWindow: number,
  allowPreemption: boolean,
  effort: number,
  prepared: TPreparedSnapshot,
): { attempt: TAttempt; stats: TImproveStats } {
  const items = initial.slice();
  // A workload whose cheapest options are all taken looks 4× further, then everywhere.
  const windowOf = new Map<number, number>();
  const widen = (item: TBatchItem, all = false) => {
    const window = (windowOf.get(item.idx) ?? firstWindow) * 4;
    const next = all || window > 16 * firstWindow ? Number.POSITIVE_INFINITY : window;
    windowOf.set(item.idx, next);
    const wider = build(item, next);
    items[item.idx] = wider;
    return wider;
  };
  const budget = Math.min(effort * items.length, MAX_EVALUATIONS);
  // Preemption changes capacity outside the batch state, so only its final state counts.
  const incumbent = allowPreemption ? undefined : new Incumbent(prepared);
  // A construction on priced items is not offered to the incumbent as it is (its items carry
  // the prices): constructWithPrices carries its best back to real costs, offered below.
  const solve = (batch: TBatchItem[], boost: ReadonlySet<number>, priced = false) =>
    solveOnce(
      prepared,
      batch,
      boost,
      widen,
      allowPreemption,
      effort > 0 ? budget / 4 : 0,
      priced ? undefined : incumbent,
    );

  // Construct, and get left-out workloads in; then "squeaky wheel": workloads the
  // construction left out despite having options (before any insertion squeezed some in)
  // go first next time. The best attempt is kept.
  let best = solve(items, new Set());
  const boost = new Set<number>();
  for (let round = 0; round < RESTARTS; round++) {
    const losers = best.leftOut.filter((item) => item.optCost.length > 0 && !boost.has(item.idx));
    if (
      losers.length === 0 ||
      losers.length > MAX_BOOSTED_SHARE * items.length ||
      items.length > MAX_RESTART_ITEMS
    ) {
      break;
    }
    for (const item of losers) boost.add(item.idx);
    const next = solve(items, boost);
    if (isBetter(next, best)) best = next;
  }
  // Scarcity prices: when workloads with options are left out, workloads that can run
  // elsewhere are steered off the GPU groups those need, and the construction runs again.
  const priced = allowPreemption
    ? undefined
    : constructWithPrices(prepared, items, best, widen, (batch) => solve(batch, new Set(), true));
  incumbent?.offer(best);
  if (priced !== undefined) incumbent?.offer(priced);

  // Local search on the best attempt, and on the best priced one if there is one (the
  // cheaper start does not always end cheaper): the better result is kept.
  let done = finish(best, widen, budget, effort);
  incumbent?.offer(done.attempt);
  if (priced !== undefined) {
    const other = finish(priced, widen, budget, effort);
    incumbent?.offer(other.attempt);
    if (isBetter(other.attempt, done.attempt)) done = other;
  }
  const kept = incumbent?.best;
  if (kept !== undefined && isBetter(kept.attempt, done.attempt)) {
    done = { attempt: incumbent?.restore() ?? done.attempt, stats: done.stats };
  }
  return done;
}

/**
 * The best arrangement seen so far (more placed per tier, then cheaper): offered after
 * every construction and search, so that no later step can make the result worse than
 * something already found. Keeps a copy of who sits where, and rebuilds it on demand.
 */
class Incumbent {
  best: { attempt: TAttempt; items: TBatchItem[]; assignments: (TAssignment | undefined)[] } | undefined;

  constructor(private readonly prepared: TPreparedSnapshot) {}

  offer(attempt: TAttempt): void {
    const { state } = attempt;
    const now = { ...attempt, placedByTier: countByTier(state, attempt.tiers), costUsd: state.totalCost };
    if (this.best !== undefined && !isBetter(now, this.best.attempt)) return;
    this.best = { attempt: now, items: state.items.slice(), assignments: state.assignments.slice() };
  }

  /** The best arrangement as an attempt of its own, on a fresh copy of the capacity. */
  restore(): TAttempt | undefined {
    const kept = this.best;
    if (kept === undefined) return undefined;
    const state = new BatchState(this.prepared, cloneCapacity(this.prepared.capacity), kept.items);
    const unplaced: TBatchItem[] = [];
    kept.assignments.forEach((a, idx) => {
      const item = kept.items[idx] as TBatchItem;
      if (a === undefined) unplaced.push(item);
      else state.restore(item, a);
    });
    return { ...kept.attempt, state, unplaced, costUsd: state.totalCost };
  }
}

type TAttempt = {
  readonly state: BatchState;
  readonly unplaced: TBatchItem[];
  /** Left out by the construction, before insertions: who goes first on a restart. */
  readonly leftOut: readonly TBatchItem[];
  readonly preemptor: Preemptor | undefined;
  readonly insertions: number;
  readonly greedyCostUsd: number;
  readonly tierCount: number;
  /** [start, end) of each priority tier in batch order. */
  readonly tiers: readonly (readonly [number, number])[];
  /** Placed workloads per tier, highest priority first, then total cost: compared in that order. */
  readonly placedByTier: readonly number[];
  readonly costUsd: number;
};

function solveOnce(
  prepared: TPreparedSnapshot,
  items: TBatchItem[],
  boost: ReadonlySet<number>,
  widen: (item: TBatchItem, all?: boolean) => TBatchItem,
  allowPreemption: boolean,
  budget: number,
  incumbent: Incumbent | undefined,
): TAttempt {
  const state = new BatchState(prepared, cloneCapacity(prepared.capacity), items);
  const preemptor = allowPreemption ? new Preemptor(prepared) : undefined;

  // Tiers, highest priority first; boosted workloads lead their tier.
  const unplaced: TBatchItem[] = [];
  const tiers: [number, number][] = [];
  for (let start = 0; start < items.length; ) {
    let end = start;
    const priority = items[start]?.request.priority;
    while (end < items.length && items[end]?.request.priority === priority) end++;
    tiers.push([start, end]);
    const tier = items.slice(start, end);
    const left = [
      ...placeTierByRegret(
        state,
        tier.filter((item) => boost.has(item.idx)),
        widen,
        SIZE_EXPONENT,
      ),
      ...placeTierByRegret(
        state,
        tier.filter((item) => !boost.has(item.idx)),
        widen,
        SIZE_EXPONENT,
      ),
    ];
    for (const item of left) {
      const placed = placeDirect(state, item) || (preemptor?.placeByPreempting(state, item) ?? false);
      if (!placed) unplaced.push(item);
    }
    start = end;
  }
  const greedyCostUsd = realCostUsd(state);
  const leftOut = unplaced.slice();
  if (budget > 0) {
    incumbent?.offer({
      state,
      unplaced,
      leftOut,
      preemptor,
      insertions: 0,
      greedyCostUsd,
      tierCount: tiers.length,
      tiers,
      placedByTier: [],
      costUsd: 0,
    });
  }

  const insertions = budget > 0 ? insertPass(state, unplaced, { spent: 0, budget }, SIZE_EXPONENT) : 0;
  const placedByTier = countByTier(state, tiers);
  const costUsd = state.totalCost;
  return {
    state,
    unplaced,
    leftOut,
    preemptor,
    insertions,
    greedyCostUsd,
    tierCount: tiers.length,
    tiers,
    placedByTier,
    costUsd,
  };
}

/**
 * Up to PRICE_ROUNDS constructions under rising scarcity prices while workloads with
 * options are left out (but not so many that capacity is simply short); the best of them
 * at real cost, or undefined if prices never came into play.
 */
function constructWithPrices(
  prepared: TPreparedSnapshot,
  items: TBatchItem[],
  start: TAttempt,
  widen: (item: TBatchItem, all?: boolean) => TBatchItem,
  solvePriced: (batch: TBatchItem[]) => TAttempt,
): TAttempt | undefined {
  if (items.length > MAX_RESTART_ITEMS) return undefined;
  const prices = new ScarcityPrices(prepared);
  let last = start;
  let best: TAttempt | undefined;
  for (let round = 0; round < PRICE_ROUNDS; round++) {
    const leftOut = last.unplaced.filter((item) => item.optCost.length > 0);
    if (leftOut.length === 0 || leftOut.length > MAX_PRICED_SHARE * items.length) break;
    // Priced options are re-sorted, so each item needs all of them.
    if (round === 0) for (const item of items) if (!item.complete) widen(item, true);
    prices.raise(leftOut.map((item) => items[item.idx] as TBatchItem));
    const attempt = solvePriced(items.map((item) => prices.priced(item)));
    last = atRealCost(prepared, items, attempt);
    if (best === undefined || isBetter(last, best)) best = last;
  }
  return best;
}

/**
 * Local search on an attempt's state, then one more try for the left-out workloads with
 * all their options. Changes the attempt's state and unplaced list; returns the attempt
 * with its final counts and cost.
 */
function finish(
  attempt: TAttempt,
  widen: (item: TBatchItem, all?: boolean) => TBatchItem,
  budget: number,
  effort: number,
): { attempt: TAttempt; stats: TImproveStats } {
  const { state, unplaced } = attempt;
  const stats =
    effort > 0 ? improve(state, unplaced, budget, SIZE_EXPONENT) : { moves: 0, swaps: 0, insertions: 0 };
  stats.insertions += attempt.insertions;
  // Workloads that ran out of their cheapest options get all of them and one more try.
  for (let i = unplaced.length - 1; i >= 0; i--) {
    let item = unplaced[i] as TBatchItem;
    if (!item.complete) {
      item = widen(item, true);
      state.items[item.idx] = item;
      unplaced[i] = item;
    }
    if (placeDirect(state, item)) {
      unplaced.splice(i, 1);
      stats.insertions++;
    }
  }
  return {
    attempt: { ...attempt, placedByTier: countByTier(state, attempt.tiers), costUsd: state.totalCost },
    stats,
  };
}

/** Placed workloads per tier, highest priority first. */
function countByTier(state: BatchState, tiers: readonly (readonly [number, number])[]): number[] {
  return tiers.map(([start, end]) => {
    let placed = 0;
    for (let i = start; i < end; i++) if (state.assignments[i] !== undefined) placed++;
    return placed;
  });
}

/** An attempt made on priced items, carried back to the real items and costs. */
function atRealCost(prepared: TPreparedSnapshot, items: readonly TBatchItem[], priced: TAttempt): TAttempt {
  const state = toRealState(prepared, items, priced.state);
  return {
    ...priced,
    state,
    unplaced: priced.unplaced.map((item) => items[item.idx] as TBatchItem),
    costUsd: state.totalCost,
  };
}

function isBetter(a: TAttempt, b: TAttempt): boolean {
  for (let t = 0; t < a.placedByTier.length; t++) {
    const diff = (a.placedByTier[t] ?? 0) - (b.placedByTier[t] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return a.costUsd < b.costUsd - 1e-6;
}

function checkRequests(
  prepared: TPreparedSnapshot,
  input: TPlaceBatchInput,
): { request: TPlacementRequest; engine: TEngine }[] {
  const caller = parseCallerPolicy(input.policy);
  const issues: TInputIssue[] = [...caller.issues];
  const { nodeFit } = input;
  if (nodeFit !== undefined && !(Number.isFinite(nodeFit) && nodeFit >= 0))
    issues.push({ path: "nodeFit", message: "must be a number of at least 0" });
  const out: { request: TPlacementRequest; engine: TEngine }[] = [];
  const seen = new Set<string>();
  // Requests without a policy of their own share one engine.
  const shared = new Map<string, ReturnType<typeof checkPlacement>>();
  input.requests.forEach((raw, i) => {
    const checked = checkPlacement(prepared, raw, caller.policy, input, `requests.${i}`, shared);
    issues.push(...checked.issues);
    if (checked.request === undefined || checked.engine === undefined) return;
    if (seen.has(checked.request.id)) {
      issues.push({ path: `requests.${i}.id`, message: `duplicate workload id '${checked.request.id}'` });
    }
    seen.add(checked.request.id);
    out.push({ request: checked.request, engine: checked.engine });
  });
  if (issues.length > 0) {
    const seen = new Set<string>();
    throw new PlacementInputError(
      issues.filter((issue) => {
        const key = `${issue.path}\u0000${issue.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    );
  }
  return out;
}

function placeDirect(state: BatchState, item: TBatchItem): boolean {
  for (let k = 0; k < item.optCost.length; k++) if (state.fits(item, k)) return state.place(item, k);
  return false;
}

/** What a batch run with `bound: "none"` claims: nothing beyond $0, and says it was not computed. */
const NO_BOUND: TBatchBound = {
  lowerBoundUsd: 0,
  withinPct: null,
  summary: "no lower bound computed (bound: none)",
};

function describeBound(bound: number, costUsd: number, placed: number): TBatchBound {
  // Down to the cent, so that rounding never makes the bound claim more than it proves.
  const lowerBoundUsd = Math.max(0, Math.floor(bound * 100 + 1e-6) / 100);
  const withinPct =
    lowerBoundUsd > 0 ? Math.round((costUsd / lowerBoundUsd - 1) * 10_000) / 100 : costUsd === 0 ? 0 : null;
  const workloads = `${placed} workload${placed === 1 ? "" : "s"}`;
  const summary =
    withinPct === null
      ? `no lower bound above $0 for ${workloads}`
      : `within ${withinPct}% of optimal for ${workloads} (lower bound ${formatUsd(lowerBoundUsd)})`;
  return { lowerBoundUsd, withinPct, summary };
}

/** What the placed workloads cost, at real prices (the state's total includes any node-fit surcharge). */
function realCostUsd(state: BatchState): number {
  let sum = 0;
  for (const item of state.items) {
    const a = state.assignments[item.idx];
    if (a !== undefined) sum += item.optUsd[a.option] ?? 0;
  }
  return sum;
}

function describePlacement(state: BatchState, item: TBatchItem): TBatchPlacement {
  const a = state.assignments[item.idx];
  const { prepared } = state;
  const request = item.request;
  const k = a?.option ?? 0;
  const site = prepared.sites[state.optionSite(item, k)];
  const model = state.optionModel(item, k);
  const price = site?.site.pricesUsdPerGpuHour[model] ?? 0;
  const computeUsd = price * request.totalGpus * request.estimatedHours;
  const data =
    site === undefined
      ? { egressUsd: 0, transferHours: 0 }
      : dataCostAt(planDataNeeds(prepared, request.datasetIds), site);
  const nodes = (a?.nodes ?? []).map((n) => {
    const node = prepared.nodes[n];
    return { nodeId: node?.id ?? "", gpus: request.gpusPerNode, fabric: node?.fabric ?? "" };
  });
  return {
    workloadId: request.id,
    priority: request.priority,
    siteId: site?.site.id ?? "",
    siteName: site?.site.name ?? "",
    siteKind: site?.site.kind ?? "CLOUD",
    gpuModel: model,
    fabric: nodes[0]?.fabric ?? "",
    nodes,
    cost: {
      computeUsd: roundCents(computeUsd),
      egressUsd: roundCents(data.egressUsd),
      totalUsd: roundCents(item.optUsd[k] ?? 0),
      transferHours: Math.round(data.transferHours * 1000) / 1000,
    },
    preempted: a?.preempted ?? [],
  };
}

function describeUnplaced(
  prepared: TPreparedSnapshot,
  state: BatchState,
  item: TBatchItem,
  mode: "summary" | "full" | "none",
): TUnplaced {
  const base = { workloadId: item.request.id, priority: item.request.priority };
  if (mode === "none") return { ...base, summary: "not placed", reasonCounts: [] };
  const note = (summary: string, feasible: boolean) =>
    feasible ? `not placed: the batch gave the capacity to other workloads (${summary})` : summary;
  if (mode === "full") {
    const result = runPlacement(prepared, state.capacity, item.request, item.engine);
    return {
      ...base,
      summary: note(result.summary, result.feasible),
      reasonCounts: result.reasonCounts,
      explanation: result,
    };
  }
  const brief = summarizePlacement(prepared, state.capacity, item.request, item.engine);
  return { ...base, summary: note(brief.summary, brief.feasibleSites > 0), reasonCounts: brief.reasonCounts };
}
