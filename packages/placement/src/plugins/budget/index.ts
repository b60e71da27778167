import { keepOptions } from "../../framework/keep-options";
import { formatUsd } from "../../framework/money";
import { skip, success, type TStatus, unresolvable } from "../../framework/status";
import type { TFilterPlugin, TSiteCandidate } from "../../framework/types";

export const description =
  "Drops options whose estimated cost (compute plus data egress) is over the workload's budget ceiling.";

/**
 * Keeps the options whose estimated cost (compute plus egress) is at most `limitUsd`;
 * with none left, rejects the site as `rejection`, with the cheapest option's cost.
 */
export function keepWithinCost(candidate: TSiteCandidate, limitUsd: number, rejection: string): TStatus {
  const kept = keepOptions(candidate.options, (option) => option.totalUsd <= limitUsd);
  if (kept.length > 0) {
    candidate.options = kept;
    return success();
  }
  const cheapest = Math.min(...candidate.options.map((option) => option.totalUsd));
  return unresolvable(rejection, `cheapest option ${formatUsd(cheapest)}`);
}

export const budgetPlugin = {
  name: "budget",
  description,
  scope: "option",
  preFilter(ctx) {
    return ctx.request.budgetUsd === undefined ? skip() : success();
  },
  filter(ctx, candidate) {
    const budget = ctx.request.budgetUsd;
    if (budget === undefined) return success();
    return keepWithinCost(candidate, budget, `over budget ${formatUsd(budget)}`);
  },
} satisfies TFilterPlugin;
