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

/** One scorer's column: its raw and normalised score for every candidate. */
type TScoreColumn = {
  readonly plugin: string;
  readonly weight: number;
  readonly raws: Float64Array;
  readonly scores: Float64Array;
};

export type TScored = {
  /** Weighted total per candidate, in the candidates' order. */
  readonly totals: Float64Array;
  /** Scorers with nothing to score this cycle (preScore said skip). */
  readonly skipped: string[];
  /** Candidate i's entry per scorer, built on demand: most candidates are only ranked, never shown. */
  entriesOf(i: number): TScoreEntry[];
};

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
): TScored {
  const n = candidates.length;
  const totals = new Float64Array(n);
  const skipped: string[] = [];
  const columns: TScoreColumn[] = [];
  for (const { plugin, weight } of n === 0 ? [] : scorers) {
    const score = plugin.score;
    if (score === undefined) continue;
    const status = plugin.preScore?.(ctx, candidates);
    if (status !== undefined && status.code !== "success") {
      skipped.push(plugin.name);
      continue;
    }
    const raws = new Float64Array(n);
    for (let i = 0; i < n; i++) raws[i] = score(ctx, candidates[i] as TSiteCandidate);
    const normalized = Array.from(raws);
    plugin.normalizeScore?.(ctx, normalized);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = normalized[i] ?? 0;
      scores[i] = s;
      totals[i] = (totals[i] as number) + s * weight;
    }
    columns.push({ plugin: plugin.name, weight, raws, scores });
  }
  return {
    totals,
    skipped,
    entriesOf: (i) =>
      columns.map(({ plugin, weight, raws, scores }) => {
        const s = scores[i] as number;
        return { plugin, weight, raw: raws[i] as number, score: s, weighted: s * weight };
      }),
  };
}
