import { poolMaxFree } from "../snapshot/capacity";
import type { TCapacity, TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";

/** Room for more GPUs per node than any node has: keys stay distinct per GPU count. */
const GPU_KEYS = 1024;

/**
 * Who must look again when capacity shrinks. An item watches up to two of its options
 * (the two its regret depends on); a watch is the option's GPU group (single-node) or pool
 * (gang) at the item's GPUs per node. After a node goes from `before` to `after` free
 * GPUs, only watches at more than `after` and at most `before` GPUs can have stopped
 * fitting, and a single-node watch only if no node of its group has that much left.
 * Lists keep stale entries (an item that moved its watch on); those are skipped.
 */
export class OptionWatch {
  private readonly lists = new Map<number, number[]>();
  /** The two keys each item watches; -1 for none. */
  private readonly keys: Float64Array;
  /** Last wake that visited an item, so an item listed twice is visited once. */
  private readonly visited: Int32Array;
  private wakes = 0;

  constructor(
    private readonly prepared: TPreparedSnapshot,
    private readonly capacity: TCapacity,
    itemCount: number,
  ) {
    this.keys = new Float64Array(2 * itemCount).fill(-1);
    this.visited = new Int32Array(itemCount).fill(-1);
  }

  /** Item watches its option k in `slot` (0 or 1); k past its options clears the slot. */
  watch(item: TBatchItem, slot: 0 | 1, k: number): void {
    const key = k < item.optCost.length ? this.keyOf(item, k) : -1;
    const at = 2 * item.idx + slot;
    if (this.keys[at] === key) return;
    this.keys[at] = key;
    if (key < 0 || this.keys[2 * item.idx + 1 - slot] === key) return;
    const list = this.lists.get(key);
    if (list === undefined) this.lists.set(key, [item.idx]);
    else list.push(item.idx);
  }

  /** Calls `visit` for every item whose watched option may no longer fit after the change. */
  shrunk(node: number, before: number, after: number, visit: (idx: number) => void): void {
    const poolIdx = this.prepared.nodePool[node] ?? -1;
    const pool = this.prepared.pools[poolIdx];
    if (pool === undefined) return;
    const groupPools = this.prepared.groups[pool.groupIdx]?.pools ?? [];
    let groupMax = 0;
    for (const p of groupPools) groupMax = Math.max(groupMax, poolMaxFree(this.capacity, p));
    for (let gpus = after + 1; gpus <= before; gpus++) {
      // A gang needs several nodes: one fewer with room may be one too few.
      this.wake(2 * (poolIdx * GPU_KEYS + gpus) + 1, visit);
      if (groupMax < gpus) this.wake(2 * (pool.groupIdx * GPU_KEYS + gpus), visit);
    }
  }

  private wake(key: number, visit: (idx: number) => void): void {
    const list = this.lists.get(key);
    if (list === undefined) return;
    this.lists.delete(key);
    const wake = ++this.wakes;
    for (const idx of list) {
      const slot = this.keys[2 * idx] === key ? 0 : this.keys[2 * idx + 1] === key ? 1 : -1;
      if (slot < 0 || this.visited[idx] === wake) continue;
      this.visited[idx] = wake;
      // Its list is gone: forget the watch, so that looking again registers it afresh.
      this.keys[2 * idx + slot] = -1;
      if (this.keys[2 * idx + 1 - slot] === key) this.keys[2 * idx + 1 - slot] = -1;
      visit(idx);
    }
  }

  private keyOf(item: TBatchItem, k: number): number {
    const ref = item.optRef[k] ?? -1;
    const { gang, gpusPerNode } = item.request;
    return gang ? 2 * (ref * GPU_KEYS + gpusPerNode) + 1 : 2 * (ref * GPU_KEYS + gpusPerNode);
  }
}
