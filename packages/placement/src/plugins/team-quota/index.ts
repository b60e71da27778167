import { keepOptions } from "../../framework/keep-options";
import { success, unschedulable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";
import { quotaHeadroom } from "../../snapshot/capacity";

export const description =
  'The team must have quota left for the GPUs, per model and across models ("*"). A team without a quota entry is not limited.';

export const teamQuotaPlugin = {
  name: "team-quota",
  description,
  scope: "option",
  dynamic: true,
  filter(ctx, candidate) {
    const { teamId, totalGpus } = ctx.request;
    const kept = keepOptions(
      candidate.options,
      (option) => quotaHeadroom(ctx.prepared, ctx.capacity, teamId, option.group.model) >= totalGpus,
    );
    if (kept.length > 0) {
      candidate.options = kept;
      return success();
    }
    const models = [...new Set(candidate.options.map((option) => option.group.model))];
    const left = Math.max(
      0,
      ...models.map((model) => quotaHeadroom(ctx.prepared, ctx.capacity, teamId, model)),
    );
    return unschedulable(
      `over team ${teamId} quota for ${models.join("/")}`,
      `needs ${totalGpus} GPUs, ${left} left`,
    );
  },
} satisfies TFilterPlugin;
