import type { TCapacityByModel, TGpuAmount } from "./amounts";
import { planReclaim, type TReclaimInput, type TReclaimPlan } from "./reclaim";
import { computeShares, type TShares } from "./shares";

export type TFairRoundInput = Omit<TReclaimInput, "shares" | "reclaimFor"> & {
  /** GPUs each team holds per model (running work, including work in its grace period). */
  readonly usage: readonly TGpuAmount[];
  /** GPUs each team waits for per model ("*" for any model). */
  readonly demand: readonly TGpuAmount[];
  /** GPUs per model of the usable estate (capacityByModel). */
  readonly capacity: TCapacityByModel;
};

export type TFairRound = TReclaimPlan & { readonly shares: TShares };

/**
 * One fair-sharing round, the one the product's reconcile loop and `npm run bench:fairness`
 * both run: computeShares of the estate, then planReclaim in "fair-share" mode (work of a
 * team under its fair share at its turn may reclaim borrowed GPUs from teams over theirs,
 * never pushing them below it). Pure and deterministic; throws PlacementInputError naming bad
 * fields.
 */
export function fairRound(input: TFairRoundInput): TFairRound {
  const { usage, demand, capacity, ...rest } = input;
  const shares = computeShares(input.tree, usage, demand, capacity);
  return { ...planReclaim({ ...rest, shares, reclaimFor: "fair-share" }), shares };
}
