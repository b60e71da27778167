import type { TPlacementRequest } from "../request/placement-request";
import type { TUtilisationMode } from "../schema/request.schema";
import type { TDataNeed } from "../snapshot/data-movement";
import type { TCapacity, TGroup, TIndexedSite, TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { CycleState } from "./cycle-state";
import type { TStatus, TStatusCode } from "./status";

/** Weights and switches in force for one placement, after profile and overrides merge. */
export type TResolvedPolicy = {
  readonly profile: string;
  /** Filter plugin names, in the order they run. */
  readonly filters: readonly string[];
  /** Score weight by score plugin name; 0 switches a scorer off. */
  readonly weights: Readonly<Record<string, number>>;
  readonly utilisation: TUtilisationMode;
};

/** Everything a plugin may read. Plugins never mutate it, except `state` and the candidate they are given. */
export type TPluginContext = {
  readonly prepared: TPreparedSnapshot;
  readonly capacity: TCapacity;
  readonly request: TPlacementRequest;
  readonly policy: TResolvedPolicy;
  readonly state: CycleState;
  readonly dataNeeds: readonly TDataNeed[];
};

/** One way to run the workload at a site: a GPU group (model + memory) and its usable pools. */
export type TOption = {
  readonly group: TGroup;
  /** Pools (fabrics) that can take the request; narrowed by the capacity filter. */
  readonly pools: readonly number[];
  /** GPUs × hours × price; NaN when the site has no price for the model. */
  readonly computeUsd: number;
  /** computeUsd + the site's data egress. */
  readonly totalUsd: number;
};

/**
 * A site under evaluation. The framework fills `options` and the data-movement figures
 * just before the first option-scoped filter runs, so site-scoped filters must not read
 * them. Option-scoped filters replace `options` with the ones that pass.
 */
export type TSiteCandidate = {
  readonly site: TIndexedSite;
  options: readonly TOption[];
  /** Egress for the datasets copied in, USD. */
  egressUsd: number;
  /** Hours to copy the datasets in. */
  transferHours: number;
  /** The option the workload would use: the cheapest that passed every filter. Set after filtering. */
  chosen: TOption | undefined;
};

/**
 * A plugin implements the extension points it needs. Every point returns a status
 * (see TStatusCode for what the pipeline does with each code); none throws.
 */
export type TPlugin = {
  readonly name: string;
  /** One or two sentences the console shows next to the plugin's verdicts and scores. */
  readonly description: string;
  /**
   * `site` (default): judges the site as a whole, and in explain mode runs even after an
   * earlier filter rejected the site, so every reason is listed. `option`: narrows
   * `candidate.options`; not called once an earlier option filter left none.
   */
  readonly scope?: "site" | "option";
  /**
   * True when the verdict depends on free capacity or quota use. Batch placement builds
   * its options without these filters and enforces capacity and quota itself.
   */
  readonly dynamic?: boolean;
  /** Once per request. A rejection rejects every site with its reasons; skip disables `filter` for this request. */
  preFilter?(ctx: TPluginContext): TStatus;
  /**
   * Once per request, optional: ascending indices of exactly the sites that `filter` would
   * not reject, or undefined for no narrowing. When only the survivors matter (batch
   * placement) the pipeline evaluates just the intersection of these lists and does not
   * call a site-scoped filter that gave one; explanations still call `filter` on every site.
   */
  preFilterSites?(ctx: TPluginContext): readonly number[] | undefined;
  /** Once per site. */
  filter?(ctx: TPluginContext, candidate: TSiteCandidate): TStatus;
  /** Once per request, over the sites that passed every filter. Skip leaves this scorer out. */
  preScore?(ctx: TPluginContext, candidates: readonly TSiteCandidate[]): TStatus;
  /** Raw score of one feasible site: any non-negative number, before normalisation. */
  score?(ctx: TPluginContext, candidate: TSiteCandidate): number;
  /** Rescales the raw scores of all feasible sites to 0..100 in place (see normalizeScores). */
  normalizeScore?(ctx: TPluginContext, scores: number[]): void;
};

export type TFilterPlugin = TPlugin & { filter: NonNullable<TPlugin["filter"]> };
export type TScorePlugin = TPlugin & {
  score: NonNullable<TPlugin["score"]>;
  normalizeScore: NonNullable<TPlugin["normalizeScore"]>;
};

/** Why a site was rejected, and by which plugin. */
export type TReason = {
  readonly plugin: string;
  readonly code: Exclude<TStatusCode, "success" | "skip">;
  readonly message: string;
  readonly detail?: string;
};
