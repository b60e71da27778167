import { cloneCapacity } from "../snapshot/capacity";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";
import { BatchState } from "./batch-state";

/**
 * Scarcity prices, for a construction that left workloads out although they have
 * options: a GPU group that left-out workloads need gets a surcharge per GPU-hour, so that
 * the next construction steers workloads that can run elsewhere away from it. (A workload
 * that allows L40S or A100 takes the cheaper L40S, and the L40S-only ones find it full.)
 * Prices only ever rise; each left-out workload adds its own cheapest price per GPU-hour
 * to every group it could use, so a group that several need rises faster.
 */
export class ScarcityPrices {
  /** Surcharge per GPU-hour, by GPU group. */
  private readonly perGpuHour: Float64Array;

  constructor(private readonly prepared: TPreparedSnapshot) {
    this.perGpuHour = new Float64Array(prepared.groups.length);
  }

  /** Raises the price of every group the left-out items could use. */
  raise(leftOut: readonly TBatchItem[]): void {
    for (const item of leftOut) {
      const cheapest = item.optCost[0];
      if (cheapest === undefined) continue;
      const step = cheapest / gpuHours(item);
      const groups = new Set<number>();
      for (let k = 0; k < item.optRef.length; k++) groups.add(optionGroupOf(this.prepared, item, k));
      for (const g of groups) if (g >= 0) this.perGpuHour[g] = (this.perGpuHour[g] ?? 0) + step;
    }
  }

  /**
   * The item with the surcharges added to its option costs, re-sorted (cheapest first,
   * then its former order). Same idx and request: a construction on priced items can be
   * carried back to the real ones with toRealState().
   */
  priced(item: TBatchItem): TBatchItem {
    const hours = gpuHours(item);
    const n = item.optCost.length;
    const cost = new Float64Array(n);
    const order: number[] = [];
    for (let k = 0; k < n; k++) {
      const g = optionGroupOf(this.prepared, item, k);
      cost[k] = (item.optCost[k] ?? 0) + (g >= 0 ? (this.perGpuHour[g] ?? 0) * hours : 0);
      order.push(k);
    }
    order.sort((a, b) => (cost[a] ?? 0) - (cost[b] ?? 0) || a - b);
    return {
      ...item,
      optRef: Int32Array.from(order, (k) => item.optRef[k] ?? -1),
      optCost: Float64Array.from(order, (k) => cost[k] ?? 0),
      optUsd: Float64Array.from(order, (k) => item.optUsd[k] ?? 0),
    };
  }
}

/**
 * A state over the real items with the same placements (same nodes) as `pricedState`,
 * whose items are priced copies of them; costs are the real ones.
 */
export function toRealState(
  prepared: TPreparedSnapshot,
  items: readonly TBatchItem[],
  pricedState: BatchState,
): BatchState {
  const state = new BatchState(prepared, cloneCapacity(prepared.capacity), items);
  for (const priced of pricedState.items) {
    const a = pricedState.assignments[priced.idx];
    const real = items[priced.idx];
    if (a === undefined || real === undefined) continue;
    const option = real.optRef.indexOf(priced.optRef[a.option] ?? -1);
    if (option < 0) throw new Error(`priced option of workload ${real.request.id} is not one of its options`);
    state.restore(real, { ...a, option });
  }
  return state;
}

function gpuHours(item: TBatchItem): number {
  return item.request.totalGpus * item.request.estimatedHours;
}

/** The GPU group of option k (a gang's option is a pool, which belongs to one group). */
export function optionGroupOf(prepared: TPreparedSnapshot, item: TBatchItem, k: number): number {
  const ref = item.optRef[k] ?? -1;
  return item.request.gang ? (prepared.pools[ref]?.groupIdx ?? -1) : ref;
}
