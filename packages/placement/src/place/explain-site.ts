import { formatUsd } from "../framework/money";
import type { TPlacementResult } from "./result";

/** "Why not site X?" answered from a result alone. */
export function explainSite(result: TPlacementResult, siteId: string): string {
  const candidate = result.candidates.find((c) => c.siteId === siteId);
  if (candidate !== undefined) {
    const top = result.candidates[0];
    const scores = candidate.scores.map((s) => `${s.plugin} ${s.score}×${s.weight}`).join(", ");
    const versus =
      candidate.rank === 1 || top === undefined ? "" : ` (best: ${top.siteName} at ${top.totalScore})`;
    return (
      `${candidate.siteName} fits, ranked #${candidate.rank} of ${result.counts.feasible} with score ` +
      `${candidate.totalScore}${versus}: ${scores}; ${candidate.gpuModel} on ${candidate.nodes.length} node(s), ` +
      `${formatUsd(candidate.cost.totalUsd)}`
    );
  }
  const rejected = result.rejected.find((r) => r.siteId === siteId);
  if (rejected === undefined) return `site ${siteId} is not in the snapshot`;
  const reasons = rejected.reasons.map((r) => (r.detail ? `${r.message} (${r.detail})` : r.message));
  return `${rejected.siteName} rejected: ${reasons.join("; ")}`;
}
