/** Scores are normalised to 0..100 before weighting. */
export const MAX_SCORE = 100;

/**
 * Rescales raw scores in place to 0..MAX_SCORE, best = MAX_SCORE. With `lowerIsBetter`
 * (cost, latency, transfer time) the smallest raw value scores highest. When all raw
 * values are equal every candidate gets MAX_SCORE: nothing to tell them apart.
 */
export function normalizeScores(scores: number[], lowerIsBetter: boolean): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const range = max - min;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (!(range > 0)) scores[i] = MAX_SCORE;
    else scores[i] = (MAX_SCORE * (lowerIsBetter ? max - s : s - min)) / range;
  }
}
