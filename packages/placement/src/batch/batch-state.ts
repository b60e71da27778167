import {
  allocateGpus,
  countNodesWithFree,
  poolMaxFree,
  releaseGpus,
  selectPoolNodes,
  selectSingleNode,
} from "../snapshot/capacity";
import { quotaKey, type TCapacity, type TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";

export type TAssignment = {
  readonly option: number;
  readonly nodes: readonly number[];
  /** Placed by preemption: local search leaves it where it is. */
  readonly fixed: boolean;
  readonly preempted: readonly string[];
};

/**
 * Capacity, quota use and who sits where while a batch is placed. Every allocation goes
 * through place()/restore(), which take GPUs from the shared capacity, so no node is ever
 * over-allocated.
 */
export class BatchState {
  readonly assignments: (TAssignment | undefined)[];
  private readonly occupants: (Set<number> | undefined)[];
  private readonly quotaKeyCache = new Map<string, readonly string[]>();

  constructor(
    readonly prepared: TPreparedSnapshot,
    readonly capacity: TCapacity,
    readonly items: readonly TBatchItem[],
  ) {
    this.assignments = items.map(() => undefined);
    this.occupants = prepared.pools.map(() => undefined);
  }

  optionPools(item: TBatchItem, k: number): readonly number[] {
    const ref = item.optRef[k] ?? -1;
    return item.request.gang ? [ref] : (this.prepared.groups[ref]?.pools ?? []);
  }

  optionModel(item: TBatchItem, k: number): string {
    const ref = item.optRef[k] ?? -1;
    return (item.request.gang ? this.prepared.pools[ref]?.model : this.prepared.groups[ref]?.model) ?? "";
  }

  optionSite(item: TBatchItem, k: number): number {
    const ref = item.optRef[k] ?? -1;
    return (item.request.gang ? this.prepared.pools[ref]?.siteIdx : this.prepared.groups[ref]?.siteIdx) ?? -1;
  }

  costOf(item: TBatchItem): number {
    const a = this.assignments[item.idx];
    return a === undefined ? 0 : (item.optCost[a.option] ?? 0);
  }

  /** Could option k take the item with today's free GPUs and quota? */
  fits(item: TBatchItem, k: number): boolean {
    const { gpusPerNode, nodeCount, gang } = item.request;
    const ref = item.optRef[k] ?? -1;
    if (gang) {
      if (countNodesWithFree(this.capacity, ref, gpusPerNode) < nodeCount) return false;
    } else {
      const pools = this.prepared.groups[ref]?.pools ?? [];
      let room = false;
      for (const poolIdx of pools) {
        if (poolMaxFree(this.capacity, poolIdx) >= gpusPerNode) {
          room = true;
          break;
        }
      }
      if (!room) return false;
    }
    return !item.enforceQuota || this.quotaFits(item, this.optionModel(item, k));
  }

  quotaFits(item: TBatchItem, model: string): boolean {
    for (const key of this.quotaKeys(item.request.teamId, model)) {
      const limit = this.prepared.quotas.get(key)?.limitGpus ?? 0;
      if ((this.capacity.quotaUsed.get(key) ?? 0) + item.request.totalGpus > limit) return false;
    }
    return true;
  }

  /** Places the item on option k (best-fit nodes) if it fits; false otherwise. */
  place(item: TBatchItem, k: number, fixed = false, preempted: readonly string[] = []): boolean {
    if (!this.fits(item, k)) return false;
    const { gpusPerNode, nodeCount, gang } = item.request;
    const ref = item.optRef[k] ?? -1;
    let nodes: readonly number[] | undefined;
    if (gang) nodes = selectPoolNodes(this.capacity, ref, nodeCount, gpusPerNode);
    else {
      const node = selectSingleNode(this.capacity, this.prepared.groups[ref]?.pools ?? [], gpusPerNode);
      nodes = node < 0 ? undefined : [node];
    }
    if (nodes === undefined) return false;
    this.commit(item, { option: k, nodes, fixed, preempted });
    return true;
  }

  /** Takes the item off its nodes and returns where it was. */
  release(item: TBatchItem): TAssignment | undefined {
    const a = this.assignments[item.idx];
    if (a === undefined) return undefined;
    const { gpusPerNode, totalGpus, teamId } = item.request;
    for (const n of a.nodes) {
      releaseGpus(this.prepared, this.capacity, n, gpusPerNode);
      this.occupants[this.prepared.nodePool[n] ?? -1]?.delete(item.idx);
    }
    if (item.enforceQuota) this.chargeQuota(teamId, this.optionModel(item, a.option), -totalGpus);
    this.assignments[item.idx] = undefined;
    return a;
  }

  /** Puts a released item back on exactly the nodes it had. */
  restore(item: TBatchItem, a: TAssignment): void {
    this.commit(item, a);
  }

  /** Items sitting on any pool of option k of another item, in a stable order. */
  occupantsOf(pools: readonly number[]): number[] {
    const out: number[] = [];
    for (const poolIdx of pools) {
      const set = this.occupants[poolIdx];
      if (set !== undefined) for (const i of set) out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  private commit(item: TBatchItem, a: TAssignment): void {
    const { gpusPerNode, totalGpus, teamId } = item.request;
    for (const n of a.nodes) {
      allocateGpus(this.prepared, this.capacity, n, gpusPerNode);
      const poolIdx = this.prepared.nodePool[n] ?? -1;
      let set = this.occupants[poolIdx];
      if (set === undefined) {
        set = new Set();
        this.occupants[poolIdx] = set;
      }
      set.add(item.idx);
    }
    if (item.enforceQuota) this.chargeQuota(teamId, this.optionModel(item, a.option), totalGpus);
    this.assignments[item.idx] = a;
  }

  chargeQuota(teamId: string, model: string, gpus: number): void {
    for (const key of this.quotaKeys(teamId, model)) {
      this.capacity.quotaUsed.set(key, (this.capacity.quotaUsed.get(key) ?? 0) + gpus);
    }
  }

  private quotaKeys(teamId: string, model: string): readonly string[] {
    const cacheKey = quotaKey(teamId, model);
    let keys = this.quotaKeyCache.get(cacheKey);
    if (keys === undefined) {
      keys = [cacheKey, quotaKey(teamId, "*")].filter((key) => this.prepared.quotas.has(key));
      this.quotaKeyCache.set(cacheKey, keys);
    }
    return keys;
  }
}
