import { normalizeScores } from "../../framework/normalize-score";
import type { TPluginContext, TScorePlugin, TSiteCandidate } from "../../framework/types";

export const description =
  "binpack prefers sites that will be fuller after placement, keeping whole sites free for big gangs; " +
  "spread prefers the emptiest sites. The policy picks the mode.";

/** Share of the site's READY GPUs in use once the workload lands. */
export function utilisationAfter(ctx: TPluginContext, candidate: TSiteCandidate): number {
  const site = candidate.site;
  if (site.readyGpus === 0) return 0;
  const free = ctx.capacity.siteFree[site.idx] ?? 0;
  return (site.readyGpus - free + ctx.request.totalGpus) / site.readyGpus;
}

export const utilisationPlugin = {
  name: "utilisation",
  description,
  score(ctx, candidate) {
    return utilisationAfter(ctx, candidate);
  },
  normalizeScore(ctx, scores) {
    normalizeScores(scores, ctx.policy.utilisation === "spread");
  },
} satisfies TScorePlugin;
