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
 * The round's node fit (placeBatch's nodeFit), used while the queue asks for more GPUs than
 * are free (see planReclaim): a 2-GPU job takes a 2-GPU node before a quarter of an 8-GPU
 * node unless the small one costs over 1 + 16 × 0.75 = 13 times as much, so that whole big
 * nodes stay for gangs. Without it, jobs of 1–4 GPUs start at once on whichever node is
 * cheapest, big ones included, while the small nodes idle and gangs of a team under its share
 * wait for whole nodes. On `bench:fairness --size=dev` (50 sites, 2,000 nodes), against cost
 * alone: max deviation from entitlement 11.08 → 9.34 %, utilisation when oversubscribed
 * 93.49 → 94.81 %; 8 gives 9.74 %, 32 the same 9.34 %. Packing only once work already waits
 * for whole-node room was too late: 11.74 %.
 */
export const FAIR_NODE_FIT = 16;

/**
 * One fair-sharing round, the one the product's reconcile loop and `npm run bench:fairness`
 * both run: computeShares of the estate, then planReclaim in "fair-share" mode (work of a
 * team under its fair share at its turn may reclaim borrowed GPUs from teams over theirs,
 * never pushing them below it), placing with FAIR_NODE_FIT unless the input sets nodeFit. Pure
 * and deterministic; throws PlacementInputError naming bad fields.
 */
export function fairRound(input: TFairRoundInput): TFairRound {
  const { usage, demand, capacity, ...rest } = input;
  const shares = computeShares(input.tree, usage, demand, capacity);
  return {
    ...planReclaim({ ...rest, nodeFit: rest.nodeFit ?? FAIR_NODE_FIT, shares, reclaimFor: "fair-share" }),
    shares,
  };
}
