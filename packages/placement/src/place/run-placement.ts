import { CycleState } from "../framework/cycle-state";
import { roundCents } from "../framework/money";
import { cheapest, runFilters, type TSiteRejection } from "../framework/run-filters";
import { runScores } from "../framework/run-scores";
import type { TPluginContext, TSiteCandidate } from "../framework/types";
import { estimateCarbonKg } from "../plugins/carbon";
import { siteLatencyMs } from "../plugins/latency";
import { describeGpuAsk, type TPlacementRequest } from "../request/placement-request";
import { planDataNeeds, transfersTo } from "../snapshot/data-movement";
import type { TCapacity, TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TEngine } from "./engine";
import { countReasons, explain, summarize } from "./explain";
import type { TCandidate, TPlacementResult, TReasonCount } from "./result";
import { nodeAssignments, selectNodes } from "./select-nodes";

export function createContext(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  request: TPlacementRequest,
  engine: TEngine,
): TPluginContext {
  return {
    prepared,
    capacity,
    request,
    policy: engine.policy,
    state: new CycleState(),
    dataNeeds: planDataNeeds(prepared, request.datasetIds),
  };
}

export type TRunOptions = {
  /** Build the best N feasible sites only (the rest are counted in `unbuilt`). Default: all. */
  readonly maxCandidates?: number | undefined;
  /** Sites built even past maxCandidates. */
  readonly include?: ReadonlySet<number> | undefined;
  /** Every reason of a rejected site (default), or its first only (see place()'s `reasons`). */
  readonly reasons?: "all" | "first";
};

/**
 * One placement cycle over the whole estate:
 * 1. filter every site (all reasons, or the first, kept for the explanation);
 * 2. score the feasible sites and rank them (total score, then site id);
 * 3. pick nodes inside each feasible site (best fit; a gang on one fabric), in rank order,
 *    until `maxCandidates` candidates are built (the feasible sites after them are counted,
 *    except those in `include`, built all the same);
 * 4. explain: rejected sites, reason counts, funnel and a one-line summary.
 */
export function runPlacement(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  request: TPlacementRequest,
  engine: TEngine,
  options: TRunOptions = {},
): TPlacementResult {
  const maxCandidates = options.maxCandidates ?? Number.POSITIVE_INFINITY;
  const include = options.include;
  const ctx = createContext(prepared, capacity, request, engine);

  // 1. Filter.
  const { feasible, rejected } = runFilters(ctx, engine.filters, {
    explain: options.reasons ?? "all",
    includeDynamic: true,
  });

  // 2. Score and rank.
  const { totals, skipped, entriesOf } = runScores(ctx, engine.scorers, feasible);
  const order = feasible.map((_, i) => i);
  order.sort(
    (a, b) =>
      (totals[b] ?? 0) - (totals[a] ?? 0) ||
      (feasible[a] as TSiteCandidate).site.idx - (feasible[b] as TSiteCandidate).site.idx,
  );

  // 3. Nodes inside each site.
  const candidates: TCandidate[] = [];
  const unplaceable: TSiteRejection[] = [];
  let unbuilt = 0;
  for (const i of order) {
    const candidate = feasible[i] as TSiteCandidate;
    const past = candidates.length >= maxCandidates;
    if (past && !include?.has(candidate.site.idx)) {
      unbuilt++;
      continue;
    }
    // Past the top N, the rank counts the feasible sites before it that were not built.
    const rank = candidates.length + 1 + unbuilt;
    const built = buildCandidate(ctx, candidate, rank, totals[i] ?? 0, entriesOf(i));
    if (built !== undefined) candidates.push(built);
    else {
      unplaceable.push({
        site: candidate.site,
        reasons: [
          {
            plugin: "node-selection",
            code: "unschedulable",
            message: `no free nodes for ${describeGpuAsk(request)}`,
          },
        ],
      });
    }
  }
  const allRejected =
    unplaceable.length === 0
      ? rejected
      : [...rejected, ...unplaceable].sort((a, b) => a.site.idx - b.site.idx);

  // 4. Explain.
  return explain({
    prepared,
    request,
    engine,
    candidates,
    unbuilt,
    rejected: allRejected,
    skippedScorers: skipped,
  });
}

function buildCandidate(
  ctx: TPluginContext,
  candidate: TSiteCandidate,
  rank: number,
  totalScore: number,
  scores: TCandidate["scores"],
): TCandidate | undefined {
  const option = candidate.chosen ?? cheapest(candidate.options);
  if (option === undefined) return undefined;
  const { request, prepared, capacity } = ctx;
  const choice = selectNodes(
    prepared,
    capacity,
    option,
    request.nodeCount,
    request.gpusPerNode,
    request.gang,
  );
  if (choice === undefined) return undefined;
  const site = candidate.site.site;
  const nodes = nodeAssignments(prepared, choice, request.gpusPerNode);
  return {
    rank,
    siteId: site.id,
    siteName: site.name,
    siteKind: site.kind,
    provider: site.provider,
    region: site.region,
    gpuModel: option.group.model,
    gpuMemoryGib: option.group.memoryGib,
    fabric: prepared.pools[choice.poolIdx]?.fabric ?? nodes[0]?.fabric ?? "",
    nodes,
    cost: {
      computeUsd: roundCents(option.computeUsd),
      egressUsd: roundCents(candidate.egressUsd),
      totalUsd: roundCents(option.totalUsd),
      transferHours: roundTo(candidate.transferHours, 3),
      transfers: transfersTo(prepared, ctx.dataNeeds, candidate.site).map((t) => ({
        ...t,
        egressUsd: roundCents(t.egressUsd),
        hours: roundTo(t.hours, 3),
      })),
    },
    latencyMs:
      request.latency === undefined ? undefined : siteLatencyMs(candidate, request.latency.userRegion),
    carbonKg: roundTo(estimateCarbonKg(ctx, candidate), 3),
    scores: scores.map((s) => ({
      ...s,
      raw: roundTo(s.raw, 4),
      score: roundTo(s.score, 2),
      weighted: roundTo(s.weighted, 2),
    })),
    totalScore: roundTo(totalScore, 2),
  };
}

function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * A cheaper verdict for many requests at once (a batch's unplaced workloads): every site
 * is filtered, but only its first reason is kept and nothing is scored.
 */
export function summarizePlacement(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  request: TPlacementRequest,
  engine: TEngine,
): { summary: string; reasonCounts: TReasonCount[]; feasibleSites: number } {
  const ctx = createContext(prepared, capacity, request, engine);
  const { feasible, rejected } = runFilters(ctx, engine.filters, { explain: "first", includeDynamic: true });
  const reasonCounts = countReasons(rejected);
  return {
    summary: summarize(prepared.sites.length, feasible.length, undefined, reasonCounts),
    reasonCounts,
    feasibleSites: feasible.length,
  };
}
