import type { TWeightedScorer } from "../framework/run-scores";
import type { TPlugin, TResolvedPolicy } from "../framework/types";
import type { TRegistry } from "../registry";
import { joinPath, type TInputIssue } from "../snapshot/input-error";

/** The plugins one policy runs: filters in order, scorers with weight > 0 in registry order. */
export type TEngine = {
  readonly policy: TResolvedPolicy;
  readonly filters: readonly TPlugin[];
  readonly scorers: readonly TWeightedScorer[];
};

export function buildEngine(
  policy: TResolvedPolicy,
  registry: TRegistry,
  prefix: string,
): { engine: TEngine; issues: TInputIssue[] } {
  const issues: TInputIssue[] = [];
  const filters: TPlugin[] = [];
  policy.filters.forEach((name, i) => {
    const plugin = registry.get(name)?.();
    if (plugin?.filter === undefined) {
      issues.push({ path: joinPath(prefix, `filters.${i}`), message: `unknown filter plugin '${name}'` });
    } else filters.push(plugin);
  });
  const scorers: TWeightedScorer[] = [];
  for (const factory of registry.values()) {
    const plugin = factory();
    const weight = policy.weights[plugin.name] ?? 0;
    if (plugin.score !== undefined && weight > 0) scorers.push({ plugin, weight });
  }
  return { engine: { policy, filters, scorers }, issues };
}
