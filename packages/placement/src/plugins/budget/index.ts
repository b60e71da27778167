import { keepOptions } from "../../framework/keep-options";
import { formatUsd } from "../../framework/money";
import { skip, success, unresolvable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";

export const description =
  "Drops options whose estimated cost (compute plus data egress) is over the workload's budget ceiling.";

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
    const kept = keepOptions(candidate.options, (option) => option.totalUsd <= budget);
    if (kept.length > 0) {
      candidate.options = kept;
      return success();
    }
    const cheapest = Math.min(...candidate.options.map((option) => option.totalUsd));
    return unresolvable(`over budget ${formatUsd(budget)}`, `cheapest option ${formatUsd(cheapest)}`);
  },
} satisfies TFilterPlugin;
