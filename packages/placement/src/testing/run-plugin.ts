import { buildCandidate, runFilters } from "../framework/run-filters";
import { isRejection, type TStatusCode } from "../framework/status";
import type { TPlugin, TPluginContext } from "../framework/types";
import { checkPlacement, parseCallerPolicy } from "../place/place";
import { createContext } from "../place/run-placement";
import type { TPolicyInput, TWorkloadRequestInput } from "../schema/request.schema";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError } from "../snapshot/input-error";

export type TFilterVerdict = { code: TStatusCode; messages: string[]; models: string[] };

function setUp(snapshot: TSnapshotInput, request: TWorkloadRequestInput, policy?: TPolicyInput) {
  const prepared = indexSnapshot(snapshot);
  const caller = parseCallerPolicy(policy);
  const checked = checkPlacement(prepared, request, caller.policy, {}, "");
  if (checked.request === undefined || checked.engine === undefined)
    throw new PlacementInputError(checked.issues);
  const ctx = createContext(prepared, prepared.capacity, checked.request, checked.engine);
  return { prepared, ctx, engine: checked.engine };
}

/**
 * Runs one filter plugin the way the pipeline does (preFilter once, then filter per site)
 * and returns each site's verdict plus the GPU models of the options it kept.
 */
export function filterSites(
  plugin: TPlugin,
  snapshot: TSnapshotInput,
  request: TWorkloadRequestInput,
): Record<string, TFilterVerdict> {
  const { prepared, ctx } = setUp(snapshot, request);
  const pre = plugin.preFilter?.(ctx);
  const verdicts: Record<string, TFilterVerdict> = {};
  for (const site of prepared.sites) {
    if (pre !== undefined && pre.code !== "success") {
      verdicts[site.site.id] = { code: pre.code, messages: pre.reasons.map((r) => r.message), models: [] };
      continue;
    }
    const candidate = buildCandidate(ctx, site);
    const status = plugin.filter?.(ctx, candidate);
    const code = status?.code ?? "success";
    verdicts[site.site.id] = {
      code,
      messages: status?.reasons.map((r) => r.message) ?? [],
      models: isRejection(code) ? [] : candidate.options.map((o) => o.group.model),
    };
  }
  return verdicts;
}

export type TScoreVerdict = { raw: number; score: number };

/**
 * Runs the default filters, then one scorer the way the pipeline does (preScore, score
 * each feasible site, normalise). Returns "skip" when preScore skips.
 */
export function scoreSites(
  plugin: TPlugin,
  snapshot: TSnapshotInput,
  request: TWorkloadRequestInput,
  policy?: TPolicyInput,
): Record<string, TScoreVerdict> | "skip" {
  const { ctx, engine } = setUp(snapshot, request, policy);
  const { feasible } = runFilters(ctx, engine.filters, { explain: "none", includeDynamic: true });
  const pre = plugin.preScore?.(ctx, feasible);
  if (pre !== undefined && pre.code !== "success") return "skip";
  const score = plugin.score as NonNullable<TPlugin["score"]>;
  const raws = feasible.map((candidate) => score(ctx, candidate));
  const normalized = raws.slice();
  plugin.normalizeScore?.(ctx, normalized);
  const out: Record<string, TScoreVerdict> = {};
  feasible.forEach((candidate, i) => {
    out[candidate.site.site.id] = { raw: raws[i] ?? 0, score: Math.round((normalized[i] ?? 0) * 100) / 100 };
  });
  return out;
}

export type { TPluginContext };

/** The site ids a plugin's preFilterSites admits, or undefined when it does not narrow. */
export function preFilterSiteIds(
  plugin: TPlugin,
  snapshot: TSnapshotInput,
  request: TWorkloadRequestInput,
): string[] | undefined {
  const { prepared, ctx } = setUp(snapshot, request);
  const pre = plugin.preFilter?.(ctx);
  if (pre !== undefined && pre.code !== "success") return undefined;
  return plugin.preFilterSites?.(ctx)?.map((idx) => prepared.sites[idx]?.site.id ?? "");
}
