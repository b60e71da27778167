import { keepOptions } from "../../framework/keep-options";
import { success, unschedulable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";

export const description =
  "Only READY nodes take work; cordoned, draining and down nodes are left out and counted in the reason.";

export const nodeHealthPlugin = {
  name: "node-health",
  description,
  scope: "option",
  filter(_ctx, candidate) {
    const ready = keepOptions(candidate.options, (option) => option.group.statusCounts.READY > 0);
    if (ready.length > 0) {
      candidate.options = ready;
      return success();
    }
    const models = [...new Set(candidate.options.map((option) => option.group.model))].join("/");
    const counts = { CORDONED: 0, DRAINING: 0, DOWN: 0 };
    for (const option of candidate.options) {
      counts.CORDONED += option.group.statusCounts.CORDONED;
      counts.DRAINING += option.group.statusCounts.DRAINING;
      counts.DOWN += option.group.statusCounts.DOWN;
    }
    const detail = Object.entries(counts)
      .filter(([, count]) => count > 0)
      .map(([status, count]) => `${count} ${status.toLowerCase()}`)
      .join(", ");
    return unschedulable(`no ready ${models} nodes`, detail);
  },
} satisfies TFilterPlugin;
