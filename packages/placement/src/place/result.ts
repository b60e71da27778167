import type { TScoreEntry } from "../framework/run-scores";
import type { TReason } from "../framework/types";
import type { TUtilisationMode } from "../schema/request.schema";
import type { TSiteKind } from "../schema/snapshot.schema";
import type { TTransfer } from "../snapshot/data-movement";

export type TCostBreakdown = {
  /** GPUs × hours × price per GPU-hour, USD rounded to cents. */
  readonly computeUsd: number;
  /** Egress for the datasets copied in, USD rounded to cents. */
  readonly egressUsd: number;
  readonly totalUsd: number;
  /** Hours to copy the datasets in, one after another. */
  readonly transferHours: number;
  readonly transfers: readonly TTransfer[];
};

export type TNodeAssignment = { readonly nodeId: string; readonly gpus: number; readonly fabric: string };

/** A site where the workload fits, with where exactly and why it ranks where it does. */
export type TCandidate = {
  /**
   * 1 = recommended. A candidate built past `maxCandidates` (`includeSites`) counts the feasible
   * sites ranked before it that were not built.
   */
  readonly rank: number;
  readonly siteId: string;
  readonly siteName: string;
  readonly siteKind: TSiteKind;
  readonly provider: string;
  readonly region: string;
  readonly gpuModel: string;
  readonly gpuMemoryGib: number;
  /** The fabric of a gang; a single node's fabric otherwise. */
  readonly fabric: string;
  readonly nodes: readonly TNodeAssignment[];
  readonly cost: TCostBreakdown;
  /** Latency to the request's user region, when it asked for one. */
  readonly latencyMs: number | undefined;
  readonly carbonKg: number;
  readonly scores: readonly TScoreEntry[];
  readonly totalScore: number;
};

export type TRejectedSite = {
  readonly siteId: string;
  readonly siteName: string;
  readonly siteKind: TSiteKind;
  /** Every reason found; the first one decides the summary bucket. */
  readonly reasons: readonly TReason[];
};

export type TReasonCount = { readonly message: string; readonly plugin: string; readonly count: number };

/** Sites first rejected at each filter step, in pipeline order. */
export type TFunnelStep = { readonly plugin: string; readonly rejected: number; readonly remaining: number };

export type TPlacementResult = {
  readonly workloadId: string;
  readonly feasible: boolean;
  /** "0/412 sites fit: 301 no free H100 ×8, 97 outside the EU residency of dataset claims-2025, …" */
  readonly summary: string;
  readonly policy: {
    readonly profile: string;
    readonly weights: Readonly<Record<string, number>>;
    readonly utilisation: TUtilisationMode;
    /** Scorers with nothing to score for this request (no SLO, no datasets). */
    readonly skippedScorers: readonly string[];
  };
  /** Feasible sites, best first (total score, then site id). */
  readonly candidates: readonly TCandidate[];
  /** Every rejected site, by site id. */
  readonly rejected: readonly TRejectedSite[];
  /** Rejections counted by each site's first reason, most common first. */
  readonly reasonCounts: readonly TReasonCount[];
  readonly funnel: readonly TFunnelStep[];
  /** `feasible` counts the unbuilt sites too (see `unbuilt`). */
  readonly counts: { readonly sites: number; readonly feasible: number; readonly rejected: number };
  /**
   * Feasible sites past `maxCandidates` (place()): they passed every filter and were scored, but
   * their nodes were not chosen, so they are not in `candidates`. Absent when all were built.
   */
  readonly unbuilt?: number;
};
