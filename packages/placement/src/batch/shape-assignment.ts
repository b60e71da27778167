import { solveAssignment } from "./assignment";
import type { TBatchItem } from "./batch-item";
import type { BatchState } from "./batch-state";

const EPS = 1e-7;
/**
 * Most work one reassignment may take, in workloads² × columns (the solve's order): tens
 * of milliseconds. A shape with more workloads or room than that is left as it is.
 */
const MAX_WORK = 20_000_000;

/**
 * Exact reassignment of the workloads of one shape. Workloads of the same shape (gang or
 * not, nodes × GPUs per node) and priority need the same room: lift them all, count how
 * many of them each place can then take (a fabric pool for gangs, a GPU group for
 * single-node work), and give as many as were placed a place each, at the least total
 * cost, by a linear assignment; the others, placed before or not, stay out. It closes
 * cycles across fabrics and sites (A takes B's pool, B takes C's, …, the last takes A's,
 * or a cheaper left-out workload takes a dearer one's place) of any length, which ejection
 * chains reach only a few steps deep. Workloads of other shapes stay where they are. Kept
 * only if it costs less and everyone assigned fits, quotas included; rolled back
 * otherwise. Returns how many shapes were improved; `unplaced` is updated.
 *
 * It never places more than were placed: the room a workload would newly take may hold
 * several smaller ones, which the insertions weigh and this does not.
 */
export function shapeAssignmentPass(state: BatchState, unplaced: TBatchItem[]): number {
  const shapes = new Map<string, TBatchItem[]>();
  const add = (item: TBatchItem) => {
    if (item.optCost.length === 0) return;
    const { gang, nodeCount, gpusPerNode, priority } = item.request;
    const key = `${priority}:${gang ? "gang" : "single"}:${nodeCount}:${gpusPerNode}`;
    const list = shapes.get(key);
    if (list === undefined) shapes.set(key, [item]);
    else list.push(item);
  };
  for (const item of state.items) {
    const a = state.assignments[item.idx];
    if (a !== undefined && !a.fixed) add(item);
  }
  for (const item of unplaced) add(item);
  let improved = 0;
  for (const key of [...shapes.keys()].sort()) {
    const items = shapes.get(key) as TBatchItem[];
    if (items.length < 2) continue;
    items.sort((a, b) => a.idx - b.idx);
    if (reassign(state, items, unplaced)) improved++;
  }
  return improved;
}

function reassign(state: BatchState, items: readonly TBatchItem[], unplaced: TBatchItem[]): boolean {
  const rows = items.length;
  const placedBefore = items.filter((item) => state.assignments[item.idx] !== undefined).length;
  const costBefore = state.totalCost;
  const mark = state.begin();
  for (const item of items) state.release(item);

  // Each workload's cheapest option per place (optRef: a pool for a gang, a group otherwise),
  // and how many of them may use each place: it needs no more slots than that.
  const optionOf = items.map((item) => {
    const byPlace = new Map<number, number>();
    for (let k = 0; k < item.optCost.length; k++) {
      const place = item.optRef[k] ?? -1;
      if (!byPlace.has(place)) byPlace.set(place, k);
    }
    return byPlace;
  });
  const users = new Map<number, number>();
  for (const byPlace of optionOf) {
    for (const place of byPlace.keys()) users.set(place, (users.get(place) ?? 0) + 1);
  }
  // Each workload takes a slot or one of `outs` columns (free): as many placed as before.
  const outs = rows - placedBefore;
  const maxCols = MAX_WORK / (rows * rows);
  const columnPlace: number[] = [];
  for (const place of [...users.keys()].sort((a, b) => a - b)) {
    const room = roomFor(state, items[0] as TBatchItem, place, users.get(place) ?? 0);
    for (let s = 0; s < room; s++) columnPlace.push(place);
    if (columnPlace.length + outs > maxCols) break; // too big to solve: left as it is, below
  }
  const slots = columnPlace.length;
  const cols = slots + outs;
  // Fewer columns than workloads: best fit could not seat them again as they were (a gang
  // on nodes with room for two members); leave that shape as it is.
  if (cols < rows || cols > maxCols) {
    state.rollback(mark);
    return false;
  }
  // A place a workload may not use costs more than any assignment of allowed ones.
  let dearest = 0;
  for (const item of items) dearest += item.optCost[item.optCost.length - 1] ?? 0;
  const forbidden = 2 * dearest + 1;
  const cost = new Float64Array(rows * cols);
  items.forEach((item, r) => {
    const byPlace = optionOf[r] as Map<number, number>;
    for (let c = 0; c < slots; c++) {
      const k = byPlace.get(columnPlace[c] as number);
      cost[r * cols + c] = k === undefined ? forbidden : (item.optCost[k] ?? 0);
    }
  });
  const colOf = solveAssignment(cost, rows, cols);

  // Place in column order, as counted; a quota that refuses one undoes the whole exchange.
  const plan = items
    .map((item, r) => ({ item, r, c: colOf[r] as number }))
    .filter(({ c }) => c < slots)
    .sort((a, b) => a.c - b.c);
  for (const { item, r, c } of plan) {
    const k = (optionOf[r] as Map<number, number>).get(columnPlace[c] as number);
    if (k === undefined || !state.place(item, k)) {
      state.rollback(mark);
      return false;
    }
  }
  if (plan.length !== placedBefore || state.totalCost >= costBefore - EPS) {
    state.rollback(mark);
    return false;
  }
  state.commitTx(mark);
  const moved = new Set(items.map((item) => item.idx));
  for (let i = unplaced.length - 1; i >= 0; i--) {
    if (moved.has((unplaced[i] as TBatchItem).idx)) unplaced.splice(i, 1);
  }
  for (const item of items) if (state.assignments[item.idx] === undefined) unplaced.push(item);
  return true;
}

/**
 * How many workloads shaped like `like` the place (a gang's pool, a single-node group)
 * takes one after another, up to `limit`, each on the nodes BatchState.place would choose:
 * the count the assignment may then rely on.
 */
function roomFor(state: BatchState, like: TBatchItem, place: number, limit: number): number {
  const { gang, nodeCount, gpusPerNode } = like.request;
  const { prepared, capacity } = state;
  if (!gang) {
    // One node each: a node with f free takes ⌊f / size⌋ of them, whichever node best fit picks.
    let count = 0;
    for (const pool of prepared.groups[place]?.pools ?? []) {
      for (const n of prepared.pools[pool]?.nodes ?? []) {
        count += Math.floor((capacity.free[n] ?? 0) / gpusPerNode);
        if (count >= limit) return limit;
      }
    }
    return count;
  }
  // A gang takes nodeCount distinct nodes, best fit: the fewest free GPUs that fit first.
  const free: number[] = [];
  for (const n of prepared.pools[place]?.nodes ?? []) {
    const f = capacity.free[n] ?? 0;
    if (f >= gpusPerNode) free.push(f);
  }
  let count = 0;
  while (count < limit) {
    const order = free.map((f, i) => ({ f, i })).filter(({ f }) => f >= gpusPerNode);
    if (order.length < nodeCount) break;
    order.sort((a, b) => a.f - b.f || a.i - b.i);
    for (let j = 0; j < nodeCount; j++) {
      const at = (order[j] as { i: number }).i;
      free[at] = (free[at] as number) - gpusPerNode;
    }
    count++;
  }
  return count;
}
