import type { TEngine } from "../place/engine";
import type { TPlacementRequest } from "../request/placement-request";

/** One pending workload of a batch with its options, cheapest first. */
export type TBatchItem = {
  /** Position in the batch order: priority high to low, then workload id. */
  readonly idx: number;
  readonly request: TPlacementRequest;
  readonly engine: TEngine;
  /** Whether its profile runs the team-quota filter. */
  readonly enforceQuota: boolean;
  /** Option k: a GPU group index (single-node) or a pool index (gang). */
  readonly optRef: Int32Array;
  /**
   * Option k's cost as the search weighs it: its total cost (optUsd), plus the node-fit
   * surcharge when the batch asks for one (see buildItem's nodeFit).
   */
  readonly optCost: Float64Array;
  /** Option k's total cost: compute + data egress, USD (what results report). */
  readonly optUsd: Float64Array;
  /** False when only the cheapest options were kept (see OPTION_WINDOW). */
  readonly complete: boolean;
};
