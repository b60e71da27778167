import { createStateKey, missingState } from "../../framework/cycle-state";
import { keepOptions } from "../../framework/keep-options";
import { success, unschedulable } from "../../framework/status";
import type { TFilterPlugin, TPluginContext } from "../../framework/types";
import { quotaHeadroom } from "../../snapshot/capacity";

export const description =
  'The team must have quota left for the GPUs, per model and across models ("*"). A team without a quota entry is not limited.';

/** The team's headroom per GPU model, worked out once per cycle: capacity does not change within one. */
const HEADROOM = createStateKey<Map<string, number>>("team-quota/headroom");

function headroomOf(ctx: TPluginContext, known: Map<string, number>, model: string): number {
  let left = known.get(model);
  if (left === undefined) {
    left = quotaHeadroom(ctx.prepared, ctx.capacity, ctx.request.teamId, model);
    known.set(model, left);
  }
  return left;
}

export const teamQuotaPlugin = {
  name: "team-quota",
  description,
  scope: "option",
  dynamic: true,
  preFilter(ctx) {
    ctx.state.write(HEADROOM, new Map());
    return success();
  },
  filter(ctx, candidate) {
    const known = ctx.state.read(HEADROOM);
    if (known === undefined) return missingState(HEADROOM);
    const { totalGpus } = ctx.request;
    const headroom = (model: string) => headroomOf(ctx, known, model);
    const kept = keepOptions(candidate.options, (option) => headroom(option.group.model) >= totalGpus);
    if (kept.length > 0) {
      candidate.options = kept;
      return success();
    }
    const models = [...new Set(candidate.options.map((option) => option.group.model))];
    const left = Math.max(0, ...models.map(headroom));
    return unschedulable(
      `over team ${ctx.request.teamId} quota for ${models.join("/")}`,
      `needs ${totalGpus} GPUs, ${left} left`,
    );
  },
} satisfies TFilterPlugin;
