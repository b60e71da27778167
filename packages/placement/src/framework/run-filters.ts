import { dataCostAt } from "../snapshot/data-movement";
import type { TIndexedSite } from "../snapshot/prepared-snapshot";
import { intersectSorted, maskOf } from "./site-lists";
import { isRejection, type TStatus } from "./status";
import type { TOption, TPlugin, TPluginContext, TReason, TSiteCandidate } from "./types";

export type TSiteRejection = { readonly site: TIndexedSite; readonly reasons: readonly TReason[] };

export type TFilterOutcome = {
  readonly feasible: TSiteCandidate[];
  readonly rejected: TSiteRejection[];
};

export type TVisitStop = {
  /** Called before evaluating the site at siteOrder[position]; true ends the visit. */
  stopBefore(position: number, feasible: readonly TSiteCandidate[]): boolean;
};

export type TFilterMode = {
  /**
   * all: every site, every reason (a recommendation's explanation).
   * first: every site, its first reason only (a short summary).
   * none: only the sites every preFilterSites list admits; rejections are not reported.
   */
  readonly explain: "all" | "first" | "none";
  /** Run filters marked `dynamic` (capacity, quota). */
  readonly includeDynamic: boolean;
  /** With explain "none": visit sites in this order instead of index order. */
  readonly siteOrder?: readonly number[];
  /** With explain "none": may end the visit early (the caller knows no later site can matter). */
  readonly stop?: TVisitStop;
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

  const feasible: TSiteCandidate[] = [];
  const rejected: TSiteRejection[] = [];
  if (global.length > 0 && mode.explain === "none") return { feasible, rejected };
  let sites: readonly number[] | undefined;
  let masks: Uint8Array[] | undefined;
  let toRun = active;
  if (mode.explain === "none") {
    // Survivors only: narrow by the plugins' site lists and skip the site filters they
    // cover. Visiting in a given order, test membership per site instead of intersecting.
    const covered = new Set<TPlugin>();
    let narrowed: readonly number[] | undefined;
    for (const plugin of active) {
      const allowed = plugin.preFilterSites?.(ctx);
      if (allowed === undefined) continue;
      if (plugin.scope !== "option") covered.add(plugin);
      if (mode.siteOrder !== undefined) {
        masks ??= [];
        masks.push(maskOf(ctx.prepared, allowed));
      } else narrowed = narrowed === undefined ? allowed : intersectSorted(narrowed, allowed);
    }
    toRun = active.filter((plugin) => !covered.has(plugin));
    sites = mode.siteOrder ?? narrowed;
  }
  // Explaining every site: a site on a plugin's list passes that filter, so it need not run.
  let known: Map<TPlugin, Uint8Array> | undefined;
  if (mode.explain !== "none") {
    for (const plugin of active) {
      if (plugin.scope === "option") continue;
      const allowed = plugin.preFilterSites?.(ctx);
      if (allowed === undefined) continue;
      known ??= new Map();
      known.set(plugin, maskOf(ctx.prepared, allowed));
    }
  }
  const count = sites?.length ?? ctx.prepared.sites.length;
  const globalReasons = mode.explain === "first" ? global.slice(0, 1) : global;
  for (let i = 0; i < count; i++) {
    const siteIdx = sites === undefined ? i : (sites[i] as number);
    if (masks !== undefined && !admits(masks, siteIdx)) continue;
    if (mode.stop?.stopBefore(i, feasible) === true) break;
    const site = ctx.prepared.sites[siteIdx];
    if (site === undefined) continue;
    if (global.length > 0) {
      rejected.push({ site, reasons: globalReasons });
      continue;
    }
    const candidate: TSiteCandidate = {
      site,
      options: NO_OPTIONS,
      egressUsd: 0,
      transferHours: 0,
      chosen: undefined,
    };
    const reasons = filterSite(ctx, toRun, candidate, mode.explain === "all", known);
    if (reasons === undefined) feasible.push(candidate);
    else if (mode.explain !== "none") rejected.push({ site, reasons });
  }
  return { feasible, rejected };
}

function admits(masks: readonly Uint8Array[], siteIdx: number): boolean {
  for (const mask of masks) if (mask[siteIdx] !== 1) return false;
  return true;
}

/** Undefined when the site passes; its reasons otherwise. */
function filterSite(
  ctx: TPluginContext,
  active: readonly TPlugin[],
  candidate: TSiteCandidate,
  allReasons: boolean,
  known: ReadonlyMap<TPlugin, Uint8Array> | undefined,
): TReason[] | undefined {
  let reasons: TReason[] | undefined;
  let optionsRejected = false;
  let optionsFilled = false;
  for (const plugin of active) {
    const optionScoped = plugin.scope === "option";
    if (optionScoped && optionsRejected) continue;
    if (known?.get(plugin)?.[candidate.site.idx] === 1) continue;
    if (optionScoped && !optionsFilled) {
      fillOptions(ctx, candidate);
      optionsFilled = true;
    }
    const status = (plugin.filter as NonNullable<TPlugin["filter"]>)(ctx, candidate);
    if (!isRejection(status.code)) continue;
    reasons ??= [];
    reasons.push(...toReasons(plugin.name, status));
    if (!allReasons) return reasons;
    if (optionScoped) optionsRejected = true;
  }
  if (reasons !== undefined) return reasons;
  if (!optionsFilled) fillOptions(ctx, candidate);
  if (candidate.options.length === 0) {
    return [{ plugin: "framework", code: "unresolvable", message: "no usable GPU nodes" }];
  }
  candidate.chosen = cheapest(candidate.options);
  return undefined;
}

const NO_OPTIONS: readonly TOption[] = Object.freeze([]);

/** A site with one option per GPU group, before any filter. */
export function buildCandidate(ctx: TPluginContext, site: TIndexedSite): TSiteCandidate {
  const candidate: TSiteCandidate = {
    site,
    options: NO_OPTIONS,
    egressUsd: 0,
    transferHours: 0,
    chosen: undefined,
  };
  fillOptions(ctx, candidate);
  return candidate;
}

/** One option per GPU group at the site, costed; done only for sites that pass the site filters. */
function fillOptions(ctx: TPluginContext, candidate: TSiteCandidate): void {
  const { egressUsd, transferHours } = dataCostAt(ctx.dataNeeds, candidate.site);
  const gpuHours = ctx.request.totalGpus * ctx.request.estimatedHours;
  candidate.egressUsd = egressUsd;
  candidate.transferHours = transferHours;
  candidate.options = candidate.site.groups.map((group) => {
    const computeUsd = group.price === undefined ? Number.NaN : group.price * gpuHours;
    return { group, pools: group.pools, computeUsd, totalUsd: computeUsd + egressUsd };
  });
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
