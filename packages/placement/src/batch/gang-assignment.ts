import { solveAssignment } from "./assignment";
import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";

const EPS = 1e-7;
/**
 * Most work one reassignment may take, in gangs² × columns (the solve's order): tens of
 * milliseconds. A shape with more gangs or room than that is left as the search left it.
 */
const MAX_WORK = 20_000_000;

/**
 * Exact reassignment of gangs of one shape. Gangs of the same shape (nodes × GPUs per node)
 * and priority need the same room: lift them all, count how many such gangs each fabric
 * pool can then take, and give as many gangs as were placed a pool each, at the least total
 * cost, by a linear assignment (the others, placed before or not, stay out). It closes
 * cycles of gangs across fabrics (A takes B's pool, B takes C's, …, the last takes A's, or
 * a cheaper left-out gang takes a placed one's place) of any length, which ejection chains
 * reach only a few steps deep. Other workloads stay where they are. Kept only if it costs
 * less and everyone assigned fits, quotas included; rolled back otherwise. Returns how many
 * shapes were improved; `unplaced` is updated.
 */
export function gangAssignmentPass(state: BatchState, unplaced: TBatchItem[]): number {
  const classes = new Map<string, TBatchItem[]>();
  const add = (item: TBatchItem) => {
    const { gang, nodeCount, gpusPerNode, priority } = item.request;
    if (!gang || item.optCost.length === 0) return;
    const key = `${priority}:${nodeCount}:${gpusPerNode}`;
    const list = classes.get(key);
    if (list === undefined) classes.set(key, [item]);
    else list.push(item);
  };
  for (const item of state.items) {
    const a = state.assignments[item.idx];
    if (a !== undefined && !a.fixed) add(item);
  }
  for (const item of unplaced) add(item);
  let improved = 0;
  for (const key of [...classes.keys()].sort()) {
    const gangs = classes.get(key) as TBatchItem[];
    if (gangs.length < 2) continue;
    gangs.sort((a, b) => a.idx - b.idx);
    if (reassign(state, gangs, unplaced)) improved++;
  }
  return improved;
}

function reassign(state: BatchState, gangs: readonly TBatchItem[], unplaced: TBatchItem[]): boolean {
  const placedBefore = gangs.filter((g) => state.assignments[g.idx] !== undefined).length;
  const costBefore = state.totalCost;
  const { nodeCount, gpusPerNode } = (gangs[0] as TBatchItem).request;
  const mark = state.begin();
  for (const g of gangs) state.release(g);

  // Every pool some gang may use, with how many of these gangs it can take now.
  const optionOf = gangs.map((g) => {
    const byPool = new Map<number, number>();
    for (let k = 0; k < g.optCost.length; k++) {
      const pool = g.optRef[k] ?? -1;
      if (!byPool.has(pool)) byPool.set(pool, k);
    }
    return byPool;
  });
  const pools = [...new Set(optionOf.flatMap((byPool) => [...byPool.keys()]))].sort((a, b) => a - b);
  const columnPool: number[] = [];
  for (const pool of pools) {
    const room = Math.min(gangsThatFit(state, pool, nodeCount, gpusPerNode), gangs.length);
    for (let s = 0; s < room; s++) columnPool.push(pool);
  }
  const slots = columnPool.length;
  const outs = gangs.length - placedBefore;
  const cols = slots + outs;
  // Fewer columns than gangs: best fit could not seat them again as they were (nodes with
  // room for two members); leave that shape as it is.
  if (cols < gangs.length || gangs.length * gangs.length * cols > MAX_WORK) {
    state.rollback(mark);
    return false;
  }
  // As many placed as before, no more: the room a gang would newly take may hold several
  // smaller workloads, which the insertions weigh and this does not. Each gang takes a slot
  // or one of the `outs` columns (free); a pair that may not be chosen costs more than any
  // assignment of allowed ones.
  let dearest = 0;
  for (const g of gangs) dearest += g.optCost[g.optCost.length - 1] ?? 0;
  const forbidden = 2 * dearest + 1;
  const cost = new Float64Array(gangs.length * cols);
  gangs.forEach((g, r) => {
    const byPool = optionOf[r] as Map<number, number>;
    for (let c = 0; c < slots; c++) {
      const k = byPool.get(columnPool[c] as number);
      cost[r * cols + c] = k === undefined ? forbidden : (g.optCost[k] ?? 0);
    }
  });
  const colOf = solveAssignment(cost, gangs.length, cols);
  if (colOf.some((c, r) => c < slots && (cost[r * cols + c] as number) >= forbidden)) {
    state.rollback(mark);
    return false;
  }

  // Place in pool order, as counted; a quota that refuses one undoes the whole exchange.
  const plan = gangs
    .map((g, r) => ({ g, r, c: colOf[r] as number }))
    .filter(({ c }) => c < slots)
    .sort((a, b) => a.c - b.c);
  let placedAfter = 0;
  for (const { g, r, c } of plan) {
    const k = (optionOf[r] as Map<number, number>).get(columnPool[c] as number);
    if (k === undefined || !state.place(g, k)) {
      state.rollback(mark);
      return false;
    }
    placedAfter++;
  }
  if (placedAfter !== placedBefore || state.totalCost >= costBefore - EPS) {
    state.rollback(mark);
    return false;
  }
  state.commitTx(mark);
  // Who is left out now.
  const inBatch = new Set(gangs.map((g) => g.idx));
  for (let i = unplaced.length - 1; i >= 0; i--) {
    if (inBatch.has((unplaced[i] as TBatchItem).idx)) unplaced.splice(i, 1);
  }
  for (const g of gangs) if (state.assignments[g.idx] === undefined) unplaced.push(g);
  return true;
}

/**
 * How many gangs of `nodeCount` × `gpusPerNode` the pool takes one after another, each on
 * the nodes BatchState.place would choose (fewest free GPUs that fit first): the count the
 * assignment may then rely on.
 */
function gangsThatFit(state: BatchState, pool: number, nodeCount: number, gpusPerNode: number): number {
  const free: number[] = [];
  for (const n of state.prepared.pools[pool]?.nodes ?? []) {
    const f = state.capacity.free[n] ?? 0;
    if (f >= gpusPerNode) free.push(f);
  }
  let count = 0;
  for (;;) {
    const fitting = free.filter((f) => f >= gpusPerNode).length;
    if (fitting < nodeCount) return count;
    // Best fit: the nodeCount nodes with the fewest free GPUs that fit.
    const order = free.map((f, i) => ({ f, i })).filter(({ f }) => f >= gpusPerNode);
    order.sort((a, b) => a.f - b.f || a.i - b.i);
    for (let j = 0; j < nodeCount; j++) {
      const at = (order[j] as { i: number }).i;
      free[at] = (free[at] as number) - gpusPerNode;
    }
    count++;
  }
}
