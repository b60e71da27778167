import type { TNodeAssignment, TPlacementResult, TReasonCount } from "../place/result";
import type { TSiteKind } from "../schema/snapshot.schema";

export type TBatchPlacement = {
  readonly workloadId: string;
  readonly priority: number;
  readonly siteId: string;
  readonly siteName: string;
  readonly siteKind: TSiteKind;
  readonly gpuModel: string;
  readonly fabric: string;
  readonly nodes: readonly TNodeAssignment[];
  readonly cost: {
    readonly computeUsd: number;
    readonly egressUsd: number;
    readonly totalUsd: number;
    readonly transferHours: number;
  };
  /** Running workloads this placement preempted; empty for most. */
  readonly preempted: readonly string[];
};

export type TUnplaced = {
  readonly workloadId: string;
  readonly priority: number;
  /** Against the capacity left once the batch is placed. */
  readonly summary: string;
  readonly reasonCounts: readonly TReasonCount[];
  /** The full per-site explanation, with `explainUnplaced: "full"`. */
  readonly explanation?: TPlacementResult;
};

/** A running workload stopped to make room for higher-priority work. */
export type TPreemption = {
  readonly workloadId: string;
  readonly priority: number;
  readonly preemptedBy: string;
  readonly nodes: readonly { readonly nodeId: string; readonly gpus: number }[];
};

export type TBatchStats = {
  readonly workloads: number;
  readonly placed: number;
  readonly unplaced: number;
  /** Distinct priorities, placed highest first. */
  readonly tiers: number;
  /** Cost after the regret greedy, before local search. */
  readonly greedyCostUsd: number;
  readonly moves: number;
  readonly swaps: number;
  readonly insertions: number;
  readonly preempted: number;
};

/** How far from optimal the batch can be, proven (see lower-bound.ts). */
export type TBatchBound = {
  /** No arrangement placing as many workloads costs less (Lagrangian relaxation), USD rounded down to cents. */
  readonly lowerBoundUsd: number;
  /**
   * The batch's cost above the bound, in % of the bound: the cost is within this of the
   * cheapest way to place as many workloads. Null when the bound is 0 and the cost is not.
   */
  readonly withinPct: number | null;
  /** "within 1.2% of optimal for 240 workloads (lower bound $91,005)" */
  readonly summary: string;
};

export type TBatchResult = {
  /** Sorted by workload id. */
  readonly placements: readonly TBatchPlacement[];
  readonly unplaced: readonly TUnplaced[];
  readonly preemptions: readonly TPreemption[];
  /** Sum of placements' costs, USD rounded to cents. */
  readonly totalCostUsd: number;
  /** A proven lower bound on the cost of placing as many workloads, and the distance to it. */
  readonly bound: TBatchBound;
  readonly stats: TBatchStats;
};
