import { createStateKey, missingState } from "../../framework/cycle-state";
import { keepOptions } from "../../framework/keep-options";
import { sitesWhere } from "../../framework/site-lists";
import { success, unresolvable } from "../../framework/status";
import type { TFilterPlugin, TOption } from "../../framework/types";
import { gpuModelsKey } from "../../request/placement-request";
import type { TGroup } from "../../snapshot/prepared-snapshot";

export const description =
  "Keeps the GPU models the workload allows and at least the GPU memory it asks for, at sites that price them.";

type TModelRule = {
  readonly models: ReadonlySet<string> | undefined;
  readonly minMemoryGib: number;
  /** gpuModelsKey() of the allowed models: with minMemoryGib, the site-list key. */
  readonly modelKey: string;
  /** The rejection of a site without them: the same text for every site. */
  readonly missing: string;
};

const MODEL_RULE = createStateKey<TModelRule>("gpu-model/rule");

export function groupMatches(rule: TModelRule, group: TGroup): boolean {
  return (rule.models === undefined || rule.models.has(group.model)) && group.memoryGib >= rule.minMemoryGib;
}

/** "H100/A100 nodes with ≥80 GiB": what was asked for, in a rejection. */
function describeAsk(gpuModels: readonly string[], minGpuMemoryGib: number | undefined): string {
  const models = gpuModels.length > 0 ? gpuModels.join("/") : "GPU";
  const memory = minGpuMemoryGib === undefined ? "" : ` with ≥${minGpuMemoryGib} GiB`;
  return `${models} nodes${memory}`;
}

export const gpuModelPlugin = {
  name: "gpu-model",
  description,
  scope: "option",
  preFilter(ctx) {
    const { gpuModels, minGpuMemoryGib } = ctx.request;
    ctx.state.write(MODEL_RULE, {
      models: gpuModels.length > 0 ? new Set(gpuModels) : undefined,
      minMemoryGib: minGpuMemoryGib ?? 0,
      modelKey: gpuModelsKey(gpuModels),
      missing: `no ${describeAsk(gpuModels, minGpuMemoryGib)}`,
    });
    return success();
  },
  preFilterSites(ctx) {
    const rule = ctx.state.read(MODEL_RULE);
    if (rule === undefined) return undefined;
    return sitesWhere(ctx.prepared, `gpu:${rule.modelKey}@${rule.minMemoryGib}`, (site) =>
      site.groups.some((group) => group.price !== undefined && groupMatches(rule, group)),
    );
  },
  filter(ctx, candidate) {
    const rule = ctx.state.read(MODEL_RULE);
    if (rule === undefined) return missingState(MODEL_RULE);
    const matching = keepOptions(candidate.options, (option) => groupMatches(rule, option.group));
    if (matching.length === 0) {
      return unresolvable(rule.missing);
    }
    const priced = keepOptions(matching, (option) => !Number.isNaN(option.computeUsd));
    if (priced.length === 0) {
      const models = [...new Set(matching.map((option: TOption) => option.group.model))].join("/");
      return unresolvable(`no price for ${models}`);
    }
    candidate.options = priced;
    return success();
  },
} satisfies TFilterPlugin;
