import { normalizeScores } from "../../framework/normalize-score";
import type { TScorePlugin } from "../../framework/types";

export const description =
  "Prefers the cheapest site: GPUs × hours × price per GPU-hour, plus egress for every dataset copied in from its cheapest replica.";

export const costPlugin = {
  name: "cost",
  description,
  score(_ctx, candidate) {
    return candidate.chosen?.totalUsd ?? 0;
  },
  normalizeScore(_ctx, scores) {
    normalizeScores(scores, true);
  },
} satisfies TScorePlugin;
