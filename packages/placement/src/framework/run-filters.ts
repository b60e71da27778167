import { dataCostAt } from "../snapshot/data-movement";
import type { TIndexedSite } from "../snapshot/prepared-snapshot";
import { isRejection, type TStatus } from "./status";
import type { TOption, TPlugin, TPluginContext, TReason, TSiteCandidate } from "./types";

export type TSiteRejection = { readonly site: TIndexedSite; readonly reasons: readonly TReason[] };

export type TFilterOutcome = {
  readonly feasible: TSiteCandidate[];
  readonly rejected: TSiteRejection[];
};

export type TFilterMode = {
  /** Run every site-scoped filter on a rejected site so all reasons are listed. */
  readonly explain: boolean;
  /** Run filters marked `dynamic` (capacity, quota). */
  readonly includeDynamic: boolean;
  /** Only these site indices (batch pruning); every site when absent. */
  readonly siteIdxs?: readonly number[];
};

/**
 * The filter half of a placement cycle:
 * 1. preFilter every plugin once: a rejection rejects every site; skip turns the filter off.
 * 2. For each site, build its options (one per GPU group) and run the filters in order.
 * 3. A site that keeps at least one option is feasible; its cheapest option is chosen.
 */
export function runFilters(
  ctx: TPluginContext,
  plugins: readonly TPlugin[],
  mode: TFilterMode,
): TFilterOutcome {
  const active: TPlugin[] = [];
  const global: TReason[] = [];
  for (const plugin of plugins) {
    if (plugin.filter === undefined || (plugin.dynamic === true && !mode.includeDynamic)) continue;
    const status = plugin.preFilter?.(ctx);
    if (status === undefined || status.code === "success") active.push(plugin);
    else if (isRejection(status.code)) global.push(...toReasons(plugin.name, status));
  }

  const sites = mode.siteIdxs ?? ctx.prepared.sites.map((site) => site.idx);
  const feasible: TSiteCandidate[] = [];
  const rejected: TSiteRejection[] = [];
  for (const siteIdx of sites) {
    const site = ctx.prepared.sites[siteIdx];
    if (site === undefined) continue;
    if (global.length > 0) {
      rejected.push({ site, reasons: global });
      continue;
    }
    const candidate = buildCandidate(ctx, site);
    const reasons = filterSite(ctx, active, candidate, mode.explain);
    if (reasons.length > 0) rejected.push({ site, reasons });
    else feasible.push(candidate);
  }
  return { feasible, rejected };
}

function filterSite(
  ctx: TPluginContext,
  active: readonly TPlugin[],
  candidate: TSiteCandidate,
  explain: boolean,
): TReason[] {
  let reasons: TReason[] | undefined;
  let optionsRejected = false;
  for (const plugin of active) {
    const optionScoped = plugin.scope === "option";
    if (optionScoped && optionsRejected) continue;
    const status = (plugin.filter as NonNullable<TPlugin["filter"]>)(ctx, candidate);
    if (!isRejection(status.code)) continue;
    reasons ??= [];
    reasons.push(...toReasons(plugin.name, status));
    if (!explain) return reasons;
    if (optionScoped) optionsRejected = true;
  }
  if (reasons !== undefined) return reasons;
  if (candidate.options.length === 0) {
    return [{ plugin: "framework", code: "unresolvable", message: "no usable GPU nodes" }];
  }
  candidate.chosen = cheapest(candidate.options);
  return [];
}

/** A site with one option per GPU group, before any filter. */
export function buildCandidate(ctx: TPluginContext, site: TIndexedSite): TSiteCandidate {
  const { egressUsd, transferHours } = dataCostAt(ctx.dataNeeds, site);
  const gpuHours = ctx.request.totalGpus * ctx.request.estimatedHours;
  const options: TOption[] = site.groups.map((group) => {
    const computeUsd = group.price === undefined ? Number.NaN : group.price * gpuHours;
    return { group, pools: group.pools, computeUsd, totalUsd: computeUsd + egressUsd };
  });
  return { site, options, egressUsd, transferHours, chosen: undefined };
}

/** Lowest total cost; ties go to the first option, i.e. the lower group key. */
export function cheapest(options: readonly TOption[]): TOption | undefined {
  let best: TOption | undefined;
  for (const option of options) if (best === undefined || option.totalUsd < best.totalUsd) best = option;
  return best;
}

function toReasons(plugin: string, status: TStatus): TReason[] {
  const code = status.code === "unresolvable" || status.code === "error" ? status.code : "unschedulable";
  const reasons = status.reasons.length > 0 ? status.reasons : [{ message: `rejected by ${plugin}` }];
  return reasons.map((r) =>
    r.detail === undefined
      ? { plugin, code, message: r.message }
      : { plugin, code, message: r.message, detail: r.detail },
  );
}
