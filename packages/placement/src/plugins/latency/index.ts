import { normalizeScores } from "../../framework/normalize-score";
import { sitesWhere } from "../../framework/site-lists";
import { skip, success, unresolvable } from "../../framework/status";
import type { TFilterPlugin, TScorePlugin, TSiteCandidate } from "../../framework/types";

export const description =
  "Filters out sites slower than the workload's latency SLO to its user region, and prefers the closest ones.";

export function siteLatencyMs(candidate: TSiteCandidate, userRegion: string): number | undefined {
  return candidate.site.site.latencyMsByRegion[userRegion];
}

export const latencyPlugin = {
  name: "latency",
  description,
  preFilter(ctx) {
    return ctx.request.latency === undefined ? skip() : success();
  },
  preFilterSites(ctx) {
    const slo = ctx.request.latency;
    if (slo === undefined) return undefined;
    return sitesWhere(ctx.prepared, `latency:${slo.userRegion}<=${slo.maxMs}`, (site) => {
      const ms = site.site.latencyMsByRegion[slo.userRegion];
      return ms !== undefined && ms <= slo.maxMs;
    });
  },
  filter(ctx, candidate) {
    const slo = ctx.request.latency;
    if (slo === undefined) return success();
    const ms = siteLatencyMs(candidate, slo.userRegion);
    if (ms === undefined) return unresolvable(`no latency data to ${slo.userRegion} users`);
    if (ms > slo.maxMs) return unresolvable(`over ${slo.maxMs} ms to ${slo.userRegion} users`, `${ms} ms`);
    return success();
  },
  preScore(ctx) {
    return ctx.request.latency === undefined ? skip() : success();
  },
  score(ctx, candidate) {
    const region = ctx.request.latency?.userRegion;
    return region === undefined ? 0 : (siteLatencyMs(candidate, region) ?? Number.MAX_SAFE_INTEGER);
  },
  normalizeScore(_ctx, scores) {
    normalizeScores(scores, true);
  },
} satisfies TFilterPlugin & TScorePlugin;
