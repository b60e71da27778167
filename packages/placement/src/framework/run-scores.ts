import type { TPlugin, TPluginContext, TSiteCandidate } from "./types";

export type TScoreEntry = {
  readonly plugin: string;
  readonly weight: number;
  /** Before normalisation, in the plugin's unit ($, ms, hours, share, kg). */
  readonly raw: number;
  /** 0..100, best = 100. */
  readonly score: number;
  readonly weighted: number;
};

export type TWeightedScorer = { readonly plugin: TPlugin; readonly weight: number };

/**
 * The score half of a placement cycle:
 * 1. preScore each scorer once; skip leaves it out of this cycle.
 * 2. score every feasible site, one at a time.
 * 3. normalise each scorer's scores to 0..100, then weight and add up.
 */
export function runScores(
  ctx: TPluginContext,
  scorers: readonly TWeightedScorer[],
  candidates: readonly TSiteCandidate[],
): { entries: TScoreEntry[][]; totals: number[]; skipped: string[] } {
  const entries: TScoreEntry[][] = candidates.map(() => []);
  const totals = candidates.map(() => 0);
  const skipped: string[] = [];
  if (candidates.length === 0) return { entries, totals, skipped };
  for (const { plugin, weight } of scorers) {
    const score = plugin.score;
    if (score === undefined) continue;
    const status = plugin.preScore?.(ctx, candidates);
    if (status !== undefined && status.code !== "success") {
      skipped.push(plugin.name);
      continue;
    }
    const raws = candidates.map((candidate) => score(ctx, candidate));
    const normalized = raws.slice();
    plugin.normalizeScore?.(ctx, normalized);
    for (let i = 0; i < candidates.length; i++) {
      const s = normalized[i] ?? 0;
      const weighted = s * weight;
      entries[i]?.push({ plugin: plugin.name, weight, raw: raws[i] ?? 0, score: s, weighted });
      totals[i] = (totals[i] ?? 0) + weighted;
    }
  }
  return { entries, totals, skipped };
}
