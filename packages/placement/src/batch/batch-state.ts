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
import { optionGroupOf } from "./scarcity-prices";

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
  readonly items: TBatchItem[];
  readonly assignments: (TAssignment | undefined)[];
  /** Items on each node. */
  private readonly onNode: (number[] | undefined)[];
  /** Undo log of the open transactions (see begin/rollback/commitTx). */
  private readonly journal: { placed: boolean; idx: number; a: TAssignment }[] = [];
  private openTx = 0;
  /** Sum of the placed items' option costs, kept as items are placed and released. */
  private placedCost = 0;
  /** Quotas as numbered slots: the hot path compares numbers, not string keys. */
  private readonly quotaKeys: readonly string[];
  private readonly quotaLimit: Float64Array;
  private readonly quotaUsed: Float64Array;
  private readonly hasQuotas: boolean;
  private readonly slotsByTeam = new Map<string, Map<string, readonly number[]>>();

  constructor(
    readonly prepared: TPreparedSnapshot,
    readonly capacity: TCapacity,
    items: readonly TBatchItem[],
  ) {
    // Its own copy: widening replaces items, and another attempt must not see that.
    this.items = items.slice();
    this.assignments = items.map(() => undefined);
    this.onNode = prepared.nodes.map(() => undefined);
    this.quotaKeys = [...prepared.quotas.keys()].sort();
    this.quotaLimit = Float64Array.from(this.quotaKeys, (key) => prepared.quotas.get(key)?.limitGpus ?? 0);
    this.quotaUsed = Float64Array.from(this.quotaKeys, (key) => capacity.quotaUsed.get(key) ?? 0);
    this.hasQuotas = this.quotaKeys.length > 0;
  }

  optionPools(item: TBatchItem, k: number): readonly number[] {
    const ref = item.optRef[k] ?? -1;
    return item.request.gang ? [ref] : (this.prepared.groups[ref]?.pools ?? []);
  }

  /** The GPU group of option k (a gang's pool belongs to one group). */
  optionGroup(item: TBatchItem, k: number): number {
    return optionGroupOf(this.prepared, item, k);
  }

  optionModel(item: TBatchItem, k: number): string {
    const ref = item.optRef[k] ?? -1;
    return (item.request.gang ? this.prepared.pools[ref]?.model : this.prepared.groups[ref]?.model) ?? "";
  }

  optionSite(item: TBatchItem, k: number): number {
    const ref = item.optRef[k] ?? -1;
    return (item.request.gang ? this.prepared.pools[ref]?.siteIdx : this.prepared.groups[ref]?.siteIdx) ?? -1;
  }

  /** Total cost of everything placed so far. */
  get totalCost(): number {
    return this.placedCost;
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
    return !item.enforceQuota || !this.hasQuotas || this.quotaFits(item, this.optionModel(item, k));
  }

  /** The cheapest option that fits now and costs less than `below`, other than `skip`; -1 if none. */
  cheapestFitting(item: TBatchItem, below = Number.POSITIVE_INFINITY, skip = -1): number {
    for (let k = 0; k < item.optCost.length; k++) {
      if ((item.optCost[k] ?? 0) >= below) return -1;
      if (k !== skip && this.fits(item, k)) return k;
    }
    return -1;
  }

  /** Places the item on its cheapest option with room; false if none has room. */
  placeCheapest(item: TBatchItem): boolean {
    const k = this.cheapestFitting(item);
    return k >= 0 && this.place(item, k);
  }

  quotaFits(item: TBatchItem, model: string): boolean {
    for (const slot of this.quotaSlots(item.request.teamId, model)) {
      if ((this.quotaUsed[slot] ?? 0) + item.request.totalGpus > (this.quotaLimit[slot] ?? 0)) return false;
    }
    return true;
  }

  /** Places the item on option k (best-fit nodes) if it fits; false otherwise. */
  place(item: TBatchItem, k: number, fixed = false, preempted: readonly string[] = []): boolean {
    if (!this.fits(item, k)) return false;
    const { gpusPerNode, nodeCount, gang } = item.request;
    const ref = item.optRef[k] ?? -1;
    let nodes: readonly number[] | undefined;
    if (gang) nodes = selectPoolNodes(this.prepared, this.capacity, ref, nodeCount, gpusPerNode);
    else {
      const node = selectSingleNode(
        this.prepared,
        this.capacity,
        this.prepared.groups[ref]?.pools ?? [],
        gpusPerNode,
      );
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
      const here = this.onNode[n];
      const at = here?.indexOf(item.idx) ?? -1;
      if (here !== undefined && at >= 0) here.splice(at, 1);
    }
    if (item.enforceQuota && this.hasQuotas)
      this.chargeQuota(teamId, this.optionModel(item, a.option), -totalGpus);
    this.assignments[item.idx] = undefined;
    this.placedCost -= item.optCost[a.option] ?? 0;
    if (this.openTx > 0) this.journal.push({ placed: false, idx: item.idx, a });
    return a;
  }

  /** Items placed on a node. */
  itemsOn(node: number): readonly number[] {
    return this.onNode[node] ?? [];
  }

  /** Opens a transaction: every place/release from here on can be undone. */
  begin(): number {
    this.openTx++;
    return this.journal.length;
  }

  /** Undoes everything since `mark` and closes the transaction. */
  rollback(mark: number): void {
    const depth = this.openTx;
    this.openTx = 0;
    while (this.journal.length > mark) {
      const entry = this.journal.pop();
      if (entry === undefined) break;
      const item = this.items[entry.idx] as TBatchItem;
      if (entry.placed) this.release(item);
      else this.commit(item, entry.a);
    }
    this.openTx = depth - 1;
  }

  /** Keeps everything since `mark` and closes the transaction. */
  commitTx(_mark: number): void {
    this.openTx--;
    if (this.openTx === 0) this.journal.length = 0;
  }

  /** Puts a released item back on exactly the nodes it had. */
  restore(item: TBatchItem, a: TAssignment): void {
    this.commit(item, a);
  }

  /**
   * Up to `limit` items placed on the given pools, node by node (deterministic, since
   * the whole batch is).
   */
  occupantsOf(pools: readonly number[], limit: number): number[] {
    const out: number[] = [];
    for (const poolIdx of pools) {
      for (const node of this.prepared.pools[poolIdx]?.nodes ?? []) {
        for (const i of this.onNode[node] ?? []) {
          if (out.length >= limit) return out;
          if (!out.includes(i)) out.push(i);
        }
      }
    }
    return out;
  }

  private commit(item: TBatchItem, a: TAssignment): void {
    const { gpusPerNode, totalGpus, teamId } = item.request;
    for (const n of a.nodes) {
      allocateGpus(this.prepared, this.capacity, n, gpusPerNode);
      const here = this.onNode[n];
      if (here === undefined) this.onNode[n] = [item.idx];
      else here.push(item.idx);
    }
    if (item.enforceQuota && this.hasQuotas)
      this.chargeQuota(teamId, this.optionModel(item, a.option), totalGpus);
    this.assignments[item.idx] = a;
    this.placedCost += item.optCost[a.option] ?? 0;
    if (this.openTx > 0) this.journal.push({ placed: true, idx: item.idx, a });
  }

  chargeQuota(teamId: string, model: string, gpus: number): void {
    for (const slot of this.quotaSlots(teamId, model))
      this.quotaUsed[slot] = (this.quotaUsed[slot] ?? 0) + gpus;
  }

  /** Writes quota use back to the capacity, for explanations that read it. */
  syncQuota(): void {
    this.quotaKeys.forEach((key, slot) => {
      this.capacity.quotaUsed.set(key, this.quotaUsed[slot] ?? 0);
    });
  }

  private quotaSlots(teamId: string, model: string): readonly number[] {
    let byModel = this.slotsByTeam.get(teamId);
    if (byModel === undefined) {
      byModel = new Map();
      this.slotsByTeam.set(teamId, byModel);
    }
    let slots = byModel.get(model);
    if (slots === undefined) {
      slots = [quotaKey(teamId, model), quotaKey(teamId, "*")]
        .map((key) => this.quotaKeys.indexOf(key))
        .filter((slot) => slot >= 0);
      byModel.set(model, slots);
    }
    return slots;
  }
}
