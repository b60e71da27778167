import { roundCents } from "../framework/money";
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
import type { TBatchPlacement, TBatchResult, TUnplaced } from "./batch-result";
import { BatchState } from "./batch-state";
import { buildItem, OPTION_WINDOW, roomByPool } from "./build-options";
import { improve, type TImproveStats } from "./local-search";
import { Preemptor } from "./preemption";
import { placeTierByRegret } from "./regret-greedy";

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
};

const DEFAULT_EFFORT = 40;
/** Upper bound on local-search evaluations, whatever the batch size, to bound latency. */
const MAX_EVALUATIONS = 40_000;

/**
 * Places many pending workloads together against shared capacity:
 * 1. validate every request (all issues at once) and sort by priority, then id;
 * 2. per priority tier, highest first: regret greedy, then preemption if allowed;
 * 3. local search over the whole batch: moves, swaps, insertions (nothing gets unplaced);
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
  const items = checked.map(({ request, engine }, idx) =>
    buildItem(prepared, idx, request, engine, room, firstWindow),
  );
  const state = new BatchState(prepared, cloneCapacity(prepared.capacity), items);
  // A workload whose cheapest options are all taken looks 4× further, then everywhere.
  const windowOf = new Map<number, number>();
  const widen = (item: TBatchItem, all = false) => {
    const window = (windowOf.get(item.idx) ?? firstWindow) * 4;
    const next = all || window > 16 * firstWindow ? Number.POSITIVE_INFINITY : window;
    windowOf.set(item.idx, next);
    return buildItem(prepared, item.idx, item.request, item.engine, room, next);
  };
  const preemptor = allowPreemption ? new Preemptor(prepared) : undefined;

  // 2. Tiers, highest priority first.
  const unplaced: TBatchItem[] = [];
  let tierCount = 0;
  for (let start = 0; start < items.length; ) {
    let end = start;
    const priority = items[start]?.request.priority;
    while (end < items.length && items[end]?.request.priority === priority) end++;
    tierCount++;
    const left = placeTierByRegret(state, items.slice(start, end), widen);
    for (const item of left) {
      const placed = placeDirect(state, item) || (preemptor?.placeByPreempting(state, item) ?? false);
      if (!placed) unplaced.push(item);
    }
    start = end;
  }
  const greedyCostUsd = items.reduce((sum, item) => sum + state.costOf(item), 0);

  // 3. Local search.
  const effort = input.searchEffort ?? DEFAULT_EFFORT;
  const stats: TImproveStats =
    effort > 0
      ? improve(state, unplaced, Math.min(effort * items.length, MAX_EVALUATIONS))
      : { moves: 0, swaps: 0, insertions: 0 };
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

  // 4. Report.
  const placements = items
    .filter((item) => state.assignments[item.idx] !== undefined)
    .map((item) => describePlacement(state, item))
    .sort((a, b) => compareIds(a.workloadId, b.workloadId));
  const explainMode = input.explainUnplaced ?? "summary";
  state.syncQuota();
  const unplacedOut = unplaced
    .sort((a, b) => compareIds(a.request.id, b.request.id))
    .map((item) => describeUnplaced(prepared, state, item, explainMode));
  const totalCostUsd = items.reduce((sum, item) => sum + state.costOf(item), 0);
  return {
    placements,
    unplaced: unplacedOut,
    preemptions: preemptor?.preemptions ?? [],
    totalCostUsd: roundCents(totalCostUsd),
    stats: {
      workloads: items.length,
      placed: placements.length,
      unplaced: unplacedOut.length,
      tiers: tierCount,
      greedyCostUsd: roundCents(greedyCostUsd),
      ...stats,
      preempted: preemptor?.preemptions.length ?? 0,
    },
  };
}

function checkRequests(
  prepared: TPreparedSnapshot,
  input: TPlaceBatchInput,
): { request: TPlacementRequest; engine: TEngine }[] {
  const caller = parseCallerPolicy(input.policy);
  const issues: TInputIssue[] = [...caller.issues];
  const out: { request: TPlacementRequest; engine: TEngine }[] = [];
  const seen = new Set<string>();
  input.requests.forEach((raw, i) => {
    const checked = checkPlacement(prepared, raw, caller.policy, input, `requests.${i}`);
    issues.push(...checked.issues);
    if (checked.request === undefined || checked.engine === undefined) return;
    if (seen.has(checked.request.id)) {
      issues.push({ path: `requests.${i}.id`, message: `duplicate workload id '${checked.request.id}'` });
    }
    seen.add(checked.request.id);
    out.push({ request: checked.request, engine: checked.engine });
  });
  if (issues.length > 0) throw new PlacementInputError(issues);
  return out;
}

function placeDirect(state: BatchState, item: TBatchItem): boolean {
  for (let k = 0; k < item.optCost.length; k++) if (state.fits(item, k)) return state.place(item, k);
  return false;
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
      totalUsd: roundCents(item.optCost[k] ?? 0),
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
