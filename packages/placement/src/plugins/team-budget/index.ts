import { formatUsd } from "../../framework/money";
import { skip, success } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";
import { keepWithinCost } from "../budget";

export const description =
  "Under a hard monthly team budget, drops options whose estimated cost (compute plus data egress) is over what the team has left this month.";

export const teamBudgetPlugin = {
  name: "team-budget",
  description,
  scope: "option",
  preFilter(ctx) {
    return ctx.request.teamBudgetLeftUsd === undefined ? skip() : success();
  },
  filter(ctx, candidate) {
    const left = ctx.request.teamBudgetLeftUsd;
    if (left === undefined) return success();
    return keepWithinCost(
      candidate,
      left,
      `over team ${ctx.request.teamId}'s monthly budget: ${formatUsd(left)} left`,
    );
  },
} satisfies TFilterPlugin;
