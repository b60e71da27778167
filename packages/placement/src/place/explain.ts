import { formatUsd } from "../framework/money";
import type { TSiteRejection } from "../framework/run-filters";
import type { TPlacementRequest } from "../request/placement-request";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TEngine } from "./engine";
import type { TCandidate, TFunnelStep, TPlacementResult, TReasonCount, TRejectedSite } from "./result";

const SUMMARY_REASONS = 5;

export function explain(args: {
  prepared: TPreparedSnapshot;
  request: TPlacementRequest;
  engine: TEngine;
  candidates: readonly TCandidate[];
  /** Feasible sites past maxCandidates: filtered and scored, their nodes not chosen. */
  unbuilt?: number;
  rejected: readonly TSiteRejection[];
  skippedScorers: readonly string[];
}): TPlacementResult {
  const { prepared, request, engine, candidates } = args;
  const unbuilt = args.unbuilt ?? 0;
  const feasible = candidates.length + unbuilt;
  const rejected: TRejectedSite[] = args.rejected.map(({ site, reasons }) => ({
    siteId: site.site.id,
    siteName: site.site.name,
    siteKind: site.site.kind,
    reasons,
  }));
  const reasonCounts = countReasons(rejected);
  const sites = prepared.sites.length;
  return {
    workloadId: request.id,
    feasible: candidates.length > 0,
    summary: summarize(sites, feasible, candidates[0], reasonCounts),
    policy: {
      profile: engine.policy.profile,
      weights: engine.policy.weights,
      utilisation: engine.policy.utilisation,
      skippedScorers: args.skippedScorers,
    },
    candidates,
    rejected,
    reasonCounts,
    funnel: funnel(engine, rejected, sites),
    counts: { sites, feasible, rejected: rejected.length },
    ...(unbuilt > 0 ? { unbuilt } : {}),
  };
}

export function countReasons(rejected: readonly Pick<TRejectedSite, "reasons">[]): TReasonCount[] {
  const counts = new Map<string, { plugin: string; count: number }>();
  for (const site of rejected) {
    const first = site.reasons[0];
    if (first === undefined) continue;
    const seen = counts.get(first.message);
    if (seen === undefined) counts.set(first.message, { plugin: first.plugin, count: 1 });
    else seen.count++;
  }
  return [...counts.entries()]
    .map(([message, { plugin, count }]) => ({ message, plugin, count }))
    .sort((a, b) => b.count - a.count || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

export function summarize(
  sites: number,
  feasible: number,
  best: TCandidate | undefined,
  counts: readonly TReasonCount[],
): string {
  const head = `${feasible}/${sites} sites fit`;
  const shown = counts.slice(0, SUMMARY_REASONS).map((c) => `${c.count} ${c.message}`);
  const others = counts.slice(SUMMARY_REASONS).reduce((sum, c) => sum + c.count, 0);
  if (others > 0) shown.push(`${others} for other reasons`);
  if (best === undefined) return shown.length > 0 ? `${head}: ${shown.join(", ")}` : head;
  const pick = `${head}, best ${best.siteName} (${best.gpuModel}, ${formatUsd(best.cost.totalUsd)})`;
  return shown.length > 0 ? `${pick}; rejected: ${shown.join(", ")}` : pick;
}

function funnel(engine: TEngine, rejected: readonly TRejectedSite[], sites: number): TFunnelStep[] {
  const firstBy = new Map<string, number>();
  for (const site of rejected) {
    const plugin = site.reasons[0]?.plugin ?? "";
    firstBy.set(plugin, (firstBy.get(plugin) ?? 0) + 1);
  }
  const names = engine.filters.map((plugin) => plugin.name);
  for (const extra of firstBy.keys()) if (!names.includes(extra)) names.push(extra);
  let remaining = sites;
  return names.map((plugin) => {
    const count = firstBy.get(plugin) ?? 0;
    remaining -= count;
    return { plugin, rejected: count, remaining };
  });
}
