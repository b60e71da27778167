import { normalizeScores } from "../../framework/normalize-score";
import { skip, success } from "../../framework/status";
import type { TScorePlugin } from "../../framework/types";

export const description =
  "Prefers sites that already hold the data: the fewer hours spent copying datasets in over the WAN, the better.";

export const dataGravityPlugin = {
  name: "data-gravity",
  description,
  preScore(ctx) {
    return ctx.dataNeeds.length === 0 ? skip() : success();
  },
  score(_ctx, candidate) {
    return candidate.transferHours;
  },
  normalizeScore(_ctx, scores) {
    normalizeScores(scores, true);
  },
} satisfies TScorePlugin;
