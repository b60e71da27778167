import { normalizeScores } from "../../framework/normalize-score";
import type { TPluginContext, TScorePlugin, TSiteCandidate } from "../../framework/types";
import { getGpuPowerWatts } from "../../snapshot/gpu-catalog";

export const description =
  "Prefers low-carbon sites: estimated kg CO2e = GPUs × hours × GPU power × the site's grid intensity.";

export function estimateCarbonKg(ctx: TPluginContext, candidate: TSiteCandidate): number {
  const model = candidate.chosen?.group.model ?? "";
  const kwh = (ctx.request.totalGpus * ctx.request.estimatedHours * getGpuPowerWatts(model)) / 1000;
  return (kwh * candidate.site.site.carbonGPerKwh) / 1000;
}

export const carbonPlugin = {
  name: "carbon",
  description,
  score(ctx, candidate) {
    return estimateCarbonKg(ctx, candidate);
  },
  normalizeScore(_ctx, scores) {
    normalizeScores(scores, true);
  },
} satisfies TScorePlugin;
