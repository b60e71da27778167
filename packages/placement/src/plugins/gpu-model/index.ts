import { createStateKey, missingState } from "../../framework/cycle-state";
import { keepOptions } from "../../framework/keep-options";
import { sitesWhere } from "../../framework/site-lists";
import { success, unresolvable } from "../../framework/status";
import type { TFilterPlugin, TOption } from "../../framework/types";
import type { TGroup } from "../../snapshot/prepared-snapshot";

export const description =
  "Keeps the GPU models the workload allows and at least the GPU memory it asks for, at sites that price them.";

type TModelRule = {
  readonly models: ReadonlySet<string> | undefined;
  readonly minMemoryGib: number;
  readonly ask: string;
};

const MODEL_RULE = createStateKey<TModelRule>("gpu-model/rule");

export function groupMatches(rule: TModelRule, group: TGroup): boolean {
  return (rule.models === undefined || rule.models.has(group.model)) && group.memoryGib >= rule.minMemoryGib;
}

export const gpuModelPlugin = {
  name: "gpu-model",
  description,
  scope: "option",
  preFilter(ctx) {
    const { gpuModels, minGpuMemoryGib } = ctx.request;
    const models = gpuModels.length > 0 ? gpuModels.join("/") : "GPU";
    const memory = minGpuMemoryGib === undefined ? "" : ` with ≥${minGpuMemoryGib} GiB`;
    ctx.state.write(MODEL_RULE, {
      models: gpuModels.length > 0 ? new Set(gpuModels) : undefined,
      minMemoryGib: minGpuMemoryGib ?? 0,
      ask: `${models} nodes${memory}`,
    });
    return success();
  },
  preFilterSites(ctx) {
    const rule = ctx.state.read(MODEL_RULE);
    if (rule === undefined) return undefined;
    const models = rule.models === undefined ? "*" : [...rule.models].sort().join(",");
    return sitesWhere(ctx.prepared, `gpu:${models}@${rule.minMemoryGib}`, (site) =>
      site.groups.some((group) => group.price !== undefined && groupMatches(rule, group)),
    );
  },
  filter(ctx, candidate) {
    const rule = ctx.state.read(MODEL_RULE);
    if (rule === undefined) return missingState(MODEL_RULE);
    const matching = keepOptions(candidate.options, (option) => groupMatches(rule, option.group));
    if (matching.length === 0) return unresolvable(`no ${rule.ask}`);
    const priced = keepOptions(matching, (option) => !Number.isNaN(option.computeUsd));
    if (priced.length === 0) {
      const models = [...new Set(matching.map((option: TOption) => option.group.model))].join("/");
      return unresolvable(`no price for ${models}`);
    }
    candidate.options = priced;
    return success();
  },
} satisfies TFilterPlugin;
