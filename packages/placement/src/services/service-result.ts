import type { TReason } from "../framework/types";
import type { TNodeAssignment } from "../place/result";
import type { TSiteKind } from "../schema/snapshot.schema";

/** Requests/s one replica serves for one region, at that site's latency. */
export type TServedShare = {
  readonly region: string;
  readonly rps: number;
  readonly latencyMs: number;
};

export type TServiceReplica = {
  /** 1-based, in site id order then replica order at the site. */
  readonly index: number;
  readonly siteId: string;
  readonly siteName: string;
  readonly siteKind: TSiteKind;
  readonly gpuModel: string;
  readonly gpuMemoryGib: number;
  readonly fabric: string;
  readonly nodes: readonly TNodeAssignment[];
  /** GPUs × hours × price, USD rounded to cents. */
  readonly costUsd: number;
  readonly servedRps: number;
  /** servedRps / replica capacity, 0..1. */
  readonly load: number;
  readonly serves: readonly TServedShare[];
};

export type TRegionCoverage = {
  readonly region: string;
  readonly demandRps: number;
  readonly maxLatencyMs: number;
  readonly servedRps: number;
  /** covered: all demand within SLO; partial: some; uncovered: none (a region with no demand is covered). */
  readonly status: "covered" | "partial" | "uncovered";
  /** Demand-weighted mean latency of what is served; undefined when nothing is. */
  readonly latencyMs: number | undefined;
  /** Slowest replica serving the region; never above maxLatencyMs. */
  readonly worstLatencyMs: number | undefined;
  readonly servedBy: readonly {
    readonly replica: number;
    readonly siteId: string;
    readonly rps: number;
    readonly latencyMs: number;
  }[];
  /** Why the region is short of demand; undefined when covered. */
  readonly reason: string | undefined;
  /** Sites within the region's SLO that can host a replica. */
  readonly eligibleSites: number;
};

/** A site that passed the engine's filters and is within SLO of some region. */
export type TServiceCandidateSite = {
  readonly siteId: string;
  readonly siteName: string;
  readonly siteKind: TSiteKind;
  /** Regions within SLO and their latency. */
  readonly reaches: readonly { readonly region: string; readonly latencyMs: number }[];
  /** Cost of its first replica, USD. */
  readonly replicaCostUsd: number;
  /** Replicas it could host (capped by free nodes, maxReplicas and the demand it can reach). */
  readonly maxReplicas: number;
  readonly replicas: number;
  /** Why it hosts no replica, or no more; undefined when it is used to its limit for a reason shown elsewhere. */
  readonly note: string;
};

export type TServiceRejectedSite = {
  readonly siteId: string;
  readonly siteName: string;
  readonly siteKind: TSiteKind;
  readonly reasons: readonly TReason[];
};

export type TServiceBound = {
  /** No replica set serving all demand costs less. */
  readonly lowerBoundUsd: number;
  /** (cost − bound) / cost × 100; 0 proves the placement optimal. */
  readonly gapPct: number;
};

export type TServicePlacement = {
  readonly serviceId: string;
  /** Every region's whole demand served within its SLO, and minReplicas met. */
  readonly feasible: boolean;
  /** "4 replicas at 3 sites serve 6/6 regions (1200/1200 req/s) for $98.40 …" */
  readonly summary: string;
  readonly replicas: readonly TServiceReplica[];
  readonly regions: readonly TRegionCoverage[];
  readonly candidates: readonly TServiceCandidateSite[];
  readonly rejected: readonly TServiceRejectedSite[];
  readonly costUsd: number;
  readonly demandRps: number;
  readonly servedRps: number;
  /** Present when all demand is served. */
  readonly bound: TServiceBound | undefined;
  readonly stats: {
    readonly sitesConsidered: number;
    readonly flows: number;
    readonly rounds: number;
    readonly moves: number;
  };
};
