import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";
import { optionGroupOf } from "./scarcity-prices";
import { smallestSum } from "./smallest-sum";

/** Subgradient steps: fixed, so the bound is deterministic and its cost known. */
const ITERATIONS = 300;
/** Steps without a better bound before the step size halves. */
const PATIENCE = 20;
/** Deflected steps after the plain ones, and how much of the last direction they keep. */
const DEFLECTED_ITERATIONS = 150;
const DEFLECTION = 1.5;

/**
 * A proven lower bound on the cost of placing `count` of the items, by Lagrangian
 * relaxation. The exact problem (each placed item takes one option; nodes keep their free
 * GPUs; gangs stay on one fabric) is relaxed twice: node capacity becomes the capacities
 * of Resources (per GPU group and GPU-per-node size, and per fabric for gangs; a node
 * counts only the GPUs that sums of the sizes asked can fill), and those
 * constraints move into the objective at a price λ ≥ 0 per GPU. For any λ,
 *   L(λ) = Σ of the `count` smallest v_i(λ) − Σ_r λ_r · capacity_r,
 *   v_i(λ) = min over i's options k of cost_ik + GPUs_i · Σ over the resources r of k of λ_r,
 * is at most the cost of any arrangement placing `count` items (weak duality), so every
 * L(λ) is a bound; subgradient steps on λ raise it. An item that kept only its cheapest
 * options (`complete` false) may use any other at no less than its dearest kept option's
 * cost, which is what the bound assumes for those. Quotas are left out (a relaxation
 * too). Pure and deterministic; O(iterations × (options + resources)): an option's price
 * is two look-ups in prefix sums over its resource blocks, and the `count` smallest values
 * are found by selection, not sorting.
 *
 * Capacity relaxed this way lets a fabric with one free node hold a quarter of a 4-node
 * gang, and such fractions are most of what separates this bound from the optimum when
 * workloads compete for cheap capacity. So the plain steps are followed by deflected ones
 * from the best λ (they reach the relaxation's optimum where plain steps zig-zag), and
 * then by a second relaxation that keeps every workload whole (wholeAscent); the bound is
 * the best of the three.
 *
 * `upperUsd` is the cost of a known arrangement placing `count` items (the batch's own),
 * which sizes the steps. Returns 0 when nothing is placed.
 */
export function lowerBoundUsd(
  prepared: TPreparedSnapshot,
  items: readonly TBatchItem[],
  count: number,
  upperUsd: number,
  allowPreemption: boolean,
): number {
  if (count <= 0) return 0;
  const resources = new Resources(prepared, items, allowPreemption);
  // Flatten the options: per item, its options' costs and the resources each takes. An
  // option takes the first few resources of one block (a group's sizes) and maybe of a
  // second (a pool's): it is priced by prefix sums over each block, and charged at the
  // end of its prefix, spread back by suffix sums.
  const width = resources.width;
  const starts: number[] = [];
  const costs: number[] = [];
  const ends: number[] = [];
  const gpus: number[] = [];
  const tails: number[] = [];
  const gangFlags: number[] = [];
  for (const item of items) {
    if (item.optCost.length === 0) continue;
    starts.push(costs.length);
    for (let k = 0; k < item.optCost.length; k++) {
      costs.push(item.optCost[k] ?? 0);
      resources.ends(item, k, ends);
    }
    gpus.push(item.request.totalGpus);
    gangFlags.push(item.request.gang ? 1 : 0);
    tails.push(item.complete ? Number.POSITIVE_INFINITY : (item.optCost[item.optCost.length - 1] ?? 0));
  }
  const n = starts.length;
  if (n < count) return 0;
  starts.push(costs.length);
  const optionStart = Int32Array.from(starts);
  const optionCost = Float64Array.from(costs);
  const optionEnds = Int32Array.from(ends);
  const itemGpus = Float64Array.from(gpus);
  const itemTail = Float64Array.from(tails);
  const cap = Float64Array.from(resources.capacity);
  const flat: TFlatOptions = { optionStart, optionCost, optionEnds, itemGpus, itemTail, cap, width };
  const first = capacityAscent(flat, count, upperUsd, new Float64Array(cap.length), 2, ITERATIONS, 0);
  if (first.best <= 0) return 0;
  // Then on from the best prices with deflected steps (each step's direction keeps part of
  // the last one's, Camerini-Fratta-Maffioli), which reach the relaxation's optimum where
  // plain steps zig-zag; the better of the two runs is kept.
  const second = capacityAscent(flat, count, upperUsd, first.lambda, 1, DEFLECTED_ITERATIONS, DEFLECTION);
  const { best, lambda: bestLambda, threshold: bestThreshold } = second.best > first.best ? second : first;
  const sacks = knapsacks(Uint8Array.from(gangFlags), optionStart, optionEnds, itemGpus, cap, width);
  return Math.max(best, wholeAscent(flat, sacks, count, upperUsd, bestLambda, bestThreshold, best));
}

/**
 * Subgradient ascent on the capacity prices λ from `startLambda`: the best bound seen, the
 * prices that gave it and the count-th smallest value there. With `deflection` > 0 each
 * step's direction is the subgradient plus the last direction times
 * max(0, −deflection · ⟨g, d⟩ / ‖d‖²).
 */
function capacityAscent(
  flat: TFlatOptions,
  count: number,
  upperUsd: number,
  startLambda: Float64Array,
  startStep: number,
  iterations: number,
  deflection: number,
): { readonly best: number; readonly lambda: Float64Array; readonly threshold: number } {
  const { optionStart, optionCost, optionEnds, itemGpus, itemTail, cap, width } = flat;
  const lambda = Float64Array.from(startLambda);
  const prefix = new Float64Array(cap.length);
  const n = itemGpus.length;
  const value = new Float64Array(n);
  const scratch = new Float64Array(n);
  const choice = new Int32Array(n);
  const usage = new Float64Array(cap.length);
  const direction = new Float64Array(cap.length);
  const charged = new Float64Array(cap.length);
  let best = 0;
  const bestLambda = new Float64Array(cap.length);
  let bestThreshold = 0;
  let step = startStep;
  let stale = 0;
  for (let it = 0; it < iterations; it++) {
    pricePrefix(lambda, width, prefix);
    for (let i = 0; i < n; i++) {
      let v = itemTail[i] as number;
      let c = -1;
      const g = itemGpus[i] as number;
      for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
        const ge = optionEnds[2 * j] as number;
        const pe = optionEnds[2 * j + 1] as number;
        const price = (ge >= 0 ? (prefix[ge] as number) : 0) + (pe >= 0 ? (prefix[pe] as number) : 0);
        const x = (optionCost[j] as number) + price * g;
        if (x < v) {
          v = x;
          c = j;
        }
      }
      value[i] = v;
      choice[i] = c;
    }
    // The `count` smallest values (ties to the lower index): all below the count-th
    // smallest, then those equal to it in index order.
    const smallest = smallestSum(value, scratch, count);
    const threshold = smallest.threshold;
    let bound = smallest.sum;
    for (let q = 0; q < cap.length; q++) bound -= (lambda[q] as number) * (cap[q] as number);
    if (!Number.isFinite(bound)) break;
    if (bound > best + 1e-9) {
      best = bound;
      bestLambda.set(lambda);
      bestThreshold = threshold;
      stale = 0;
    } else if (++stale >= PATIENCE) {
      step /= 2;
      stale = 0;
      if (step < 1e-3) break; // steps too small to move the bound any more
    }
    // Subgradient: what the chosen options take from each resource beyond its capacity.
    charged.fill(0);
    let atThreshold = count;
    for (let i = 0; i < n; i++) if ((value[i] as number) < threshold) atThreshold--;
    for (let i = 0; i < n; i++) {
      const v = value[i] as number;
      if (v > threshold) continue;
      if (v === threshold) {
        if (atThreshold === 0) continue;
        atThreshold--;
      }
      const j = choice[i] as number;
      if (j < 0) continue;
      const g = itemGpus[i] as number;
      const ge = optionEnds[2 * j] as number;
      const pe = optionEnds[2 * j + 1] as number;
      if (ge >= 0) charged[ge] = (charged[ge] as number) + g;
      if (pe >= 0) charged[pe] = (charged[pe] as number) + g;
    }
    let norm = capacitySubgradient(charged, cap, lambda, width, usage);
    if (norm === 0) break; // the relaxed choice fits everywhere: L(λ) is the relaxation's optimum
    if (deflection > 0) {
      let dot = 0;
      let dn = 0;
      for (let q = 0; q < cap.length; q++) {
        dot += (usage[q] as number) * (direction[q] as number);
        dn += (direction[q] as number) * (direction[q] as number);
      }
      const beta = dn > 0 ? Math.max(0, (-deflection * dot) / dn) : 0;
      norm = 0;
      for (let q = 0; q < cap.length; q++) {
        const d = (usage[q] as number) + beta * (direction[q] as number);
        direction[q] = d;
        norm += d * d;
      }
      if (norm === 0) break;
      usage.set(direction);
    }
    const t = (step * Math.max(upperUsd - bound, 1e-6 * Math.max(1, upperUsd))) / norm;
    for (let q = 0; q < cap.length; q++)
      lambda[q] = Math.max(0, (lambda[q] as number) + t * (usage[q] as number));
  }
  return { best, lambda: bestLambda, threshold: bestThreshold };
}

/** The flattened options of the items that have any (see lowerBoundUsd). */
type TFlatOptions = {
  readonly optionStart: Int32Array;
  readonly optionCost: Float64Array;
  /** Per option, the last resource it takes of its group's block and of its pool's, or -1. */
  readonly optionEnds: Int32Array;
  readonly itemGpus: Float64Array;
  readonly itemTail: Float64Array;
  readonly cap: Float64Array;
  readonly width: number;
};

/**
 * The knapsacks of the whole-workload phase: one per resource block that some option's
 * workload must fit in whole (a gang's fabric block, a single-node workload's GPU group).
 */
type TKnapsacks = {
  /** Per option, its knapsack (0..count-1), or -1 when it has none. */
  readonly knapsackOf: Int32Array;
  /** Per option, its workload's GPUs in its knapsack's units. */
  readonly optionUnits: Int32Array;
  /** Per knapsack, the units of GPUs that every workload in it may use there. */
  readonly capacityUnits: Int32Array;
};

/** Subgradient steps of the whole-workload phase, at most. */
const WHOLE_ITERATIONS = 200;
/**
 * The work the whole-workload phase may do, in options priced plus knapsack cells filled:
 * a batch of 300 workloads with every option takes all its steps, one of 10,000 only a
 * few. It is counted, not timed, so the bound stays deterministic.
 */
const WHOLE_WORK = 6_000_000;
/**
 * The largest knapsack table (candidates × units) filled at a step; a larger one (a big
 * group with thousands of candidates) is left to its price alone, a valid relaxation.
 */
const MAX_KNAPSACK_CELLS = 100_000;

/**
 * A knapsack per block that options take: a gang's fabric (pool) block, a single-node
 * workload's group block. Its capacity is the block's resource for the smallest per-node
 * size among the workloads that use it (all of them ask at least that, so all their GPUs
 * count against it), in units of the greatest common divisor of their GPUs.
 */
function knapsacks(
  isGang: Uint8Array,
  optionStart: Int32Array,
  optionEnds: Int32Array,
  itemGpus: Float64Array,
  cap: Float64Array,
  width: number,
): TKnapsacks {
  const n = isGang.length;
  const unitOf = new Map<number, number>();
  const smallestOf = new Map<number, number>();
  const blockOf = new Int32Array(optionEnds.length / 2).fill(-1);
  for (let i = 0; i < n; i++) {
    const end = isGang[i] === 1 ? 1 : 0;
    for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
      const last = optionEnds[2 * j + end] as number;
      if (last < 0) continue;
      const block = last - (last % width);
      blockOf[j] = block;
      unitOf.set(block, gcd(unitOf.get(block) ?? 0, itemGpus[i] as number));
      smallestOf.set(block, Math.min(smallestOf.get(block) ?? width, last % width));
    }
  }
  const knapsackOf = new Int32Array(blockOf.length).fill(-1);
  const optionUnits = new Int32Array(blockOf.length);
  const byBlock = new Map<number, number>();
  const capacityUnits: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
      const block = blockOf[j] as number;
      if (block < 0) continue;
      const unit = unitOf.get(block) as number;
      let k = byBlock.get(block);
      if (k === undefined) {
        k = capacityUnits.length;
        byBlock.set(block, k);
        capacityUnits.push(Math.floor((cap[block + (smallestOf.get(block) as number)] as number) / unit));
      }
      knapsackOf[j] = k;
      optionUnits[j] = (itemGpus[i] as number) / unit;
    }
  }
  return { knapsackOf, optionUnits, capacityUnits: Int32Array.from(capacityUnits) };
}

/**
 * Prices per block as prefix sums: an option taking a block's resources up to q pays
 * prefix[q] per GPU (blocks are `width` resources long).
 */
function pricePrefix(lambda: Float64Array, width: number, prefix: Float64Array): void {
  for (let q = 0; q < lambda.length; q++)
    prefix[q] = (lambda[q] as number) + (q % width === 0 ? 0 : (prefix[q - 1] as number));
}

/**
 * The capacity part of a subgradient into `out`: per resource, what the chosen options
 * take (charged at the end of their prefix, spread back by suffix sums) less its capacity,
 * 0 for a resource with no price yet and room to spare (no direction to move). Returns
 * its squared norm.
 */
function capacitySubgradient(
  charged: Float64Array,
  cap: Float64Array,
  lambda: Float64Array,
  width: number,
  out: Float64Array,
): number {
  for (let q = cap.length - 1; q >= 0; q--)
    out[q] = (charged[q] as number) + ((q + 1) % width === 0 ? 0 : (out[q + 1] as number));
  let norm = 0;
  for (let q = 0; q < cap.length; q++) {
    const sub = (out[q] as number) - (cap[q] as number);
    if (sub < 0 && (lambda[q] as number) === 0) out[q] = 0;
    else {
      out[q] = sub;
      norm += sub * sub;
    }
  }
  return norm;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y > 0) [x, y] = [y, x % y];
  return x;
}

/**
 * The whole-workload phase of the bound: a second Lagrangian relaxation that keeps every
 * workload whole. The first phase lets a fabric with one free node hold a quarter of a
 * 4-node gang, or a group with 4 free GPUs half of an 8-GPU job; here the workloads a
 * block takes must fit its capacity whole (a 0/1 knapsack per block, by dynamic
 * programming over units), which is a constraint of the exact problem. To make the
 * blocks independent, two more constraints move into the objective: placing exactly
 * `count` workloads (price θ, either sign) and each in at most one place (price μ_i ≥ 0).
 * With w_ik = cost_ik + GPUs_i · (λ of k's resources) − θ + μ_i, for any λ ≥ 0, θ, μ ≥ 0,
 *   L = Σ over knapsacks of (the least sum of w over a subset of its options that fits)
 *       + Σ over options without one, and tails, of min(0, w)
 *       + θ · count − Σ μ_i − Σ λ_r · capacity_r
 * is at most the cost of any arrangement placing `count` workloads (weak duality again).
 * It starts from the first phase's best λ, its count-th smallest value as θ, and μ_i so
 * that only a workload's best option is below θ: there L is the first phase's bound
 * without the knapsacks, so at least that with them (they only remove choices), and
 * subgradient steps go on from there.
 */
function wholeAscent(
  flat: TFlatOptions,
  sacks: TKnapsacks,
  count: number,
  upperUsd: number,
  startLambda: Float64Array,
  startTheta: number,
  startBound: number,
): number {
  const { optionStart, optionCost, optionEnds, itemGpus, itemTail, cap, width } = flat;
  const { knapsackOf, optionUnits, capacityUnits } = sacks;
  const n = itemGpus.length;
  const options = optionCost.length;
  const sackCount = capacityUnits.length;
  const lambda = Float64Array.from(startLambda);
  let theta = startTheta;
  const mu = new Float64Array(n);
  const prefix = new Float64Array(cap.length);
  const priced = (j: number, g: number) => {
    const ge = optionEnds[2 * j] as number;
    const pe = optionEnds[2 * j + 1] as number;
    const price = (ge >= 0 ? (prefix[ge] as number) : 0) + (pe >= 0 ? (prefix[pe] as number) : 0);
    return (optionCost[j] as number) + price * g;
  };
  // μ_i: the workload's second-best value (its tail counts) is no lower than θ.
  pricePrefix(lambda, width, prefix);
  for (let i = 0; i < n; i++) {
    let first = itemTail[i] as number;
    let second = Number.POSITIVE_INFINITY;
    for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
      const v = priced(j, itemGpus[i] as number);
      if (v < first) {
        second = first;
        first = v;
      } else if (v < second) second = v;
    }
    mu[i] = Math.max(0, theta - second);
  }
  const weight = new Float64Array(options);
  const perSack = new Int32Array(sackCount + 1);
  const fill = new Int32Array(sackCount + 1);
  const candidates = new Int32Array(options);
  const ownerOf = new Int32Array(options);
  const picked = new Int32Array(n);
  const charged = new Float64Array(cap.length);
  const usage = new Float64Array(cap.length);
  const dp = new Float64Array(capacityUnits.reduce((a, b) => Math.max(a, b), 0) + 1);
  let take = new Uint8Array(0);
  const pick = (i: number, j: number) => {
    picked[i] = (picked[i] as number) + 1;
    const g = itemGpus[i] as number;
    const ge = optionEnds[2 * j] as number;
    const pe = optionEnds[2 * j + 1] as number;
    if (ge >= 0) charged[ge] = (charged[ge] as number) + g;
    if (pe >= 0) charged[pe] = (charged[pe] as number) + g;
  };
  let best = startBound;
  let step = 1;
  let stale = 0;
  let work = 0;
  for (let it = 0; it < WHOLE_ITERATIONS && work < WHOLE_WORK; it++) {
    work += options + cap.length;
    pricePrefix(lambda, width, prefix);
    charged.fill(0);
    picked.fill(0);
    perSack.fill(0);
    let bound = theta * count;
    for (let q = 0; q < cap.length; q++) bound -= (lambda[q] as number) * (cap[q] as number);
    for (let i = 0; i < n; i++) {
      const m = mu[i] as number;
      bound -= m;
      const tail = (itemTail[i] as number) - theta + m;
      if (tail < 0) {
        bound += tail;
        picked[i] = (picked[i] as number) + 1;
      }
      const g = itemGpus[i] as number;
      for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
        const w = priced(j, g) - theta + m;
        weight[j] = w;
        if (w >= 0) continue;
        const k = knapsackOf[j] as number;
        if (k >= 0) perSack[k + 1] = (perSack[k + 1] as number) + 1;
        else {
          bound += w;
          pick(i, j);
        }
      }
    }
    // Each knapsack's candidates (options below zero), grouped by counting sort.
    for (let k = 0; k < sackCount; k++) perSack[k + 1] = (perSack[k + 1] as number) + (perSack[k] as number);
    fill.set(perSack);
    for (let i = 0; i < n; i++) {
      for (let j = optionStart[i] as number; j < (optionStart[i + 1] as number); j++) {
        const k = knapsackOf[j] as number;
        if ((weight[j] as number) >= 0 || k < 0) continue;
        const at = fill[k] as number;
        candidates[at] = j;
        ownerOf[at] = i;
        fill[k] = at + 1;
      }
    }
    for (let k = 0; k < sackCount; k++) {
      const from = perSack[k] as number;
      const to = perSack[k + 1] as number;
      if (to === from) continue;
      const room = capacityUnits[k] as number;
      let asked = 0;
      for (let c = from; c < to; c++) asked += optionUnits[candidates[c] as number] as number;
      const row = room + 1;
      // All fit, or too large a table to fill at every step (then only the price binds).
      const all = asked <= room || (to - from) * row > MAX_KNAPSACK_CELLS;
      if (!all) {
        work += (to - from) * row;
        if (take.length < (to - from) * row) take = new Uint8Array((to - from) * row * 2);
        dp.fill(0, 0, row);
        for (let c = from; c < to; c++) {
          const u = optionUnits[candidates[c] as number] as number;
          const w = weight[candidates[c] as number] as number;
          const at = (c - from) * row;
          take.fill(0, at, at + row);
          for (let r = room; r >= u; r--) {
            const x = (dp[r - u] as number) + w;
            if (x < (dp[r] as number)) {
              dp[r] = x;
              take[at + r] = 1;
            }
          }
        }
      }
      // Walk the table back from a full knapsack: candidate c was taken at r if marked.
      let r = room;
      for (let c = to - 1; c >= from; c--) {
        const j = candidates[c] as number;
        if (!all) {
          if (take[(c - from) * row + r] !== 1) continue;
          r -= optionUnits[j] as number;
        }
        bound += weight[j] as number;
        pick(ownerOf[c] as number, j);
      }
    }
    if (!Number.isFinite(bound)) break;
    if (bound > best + 1e-9) {
      best = bound;
      stale = 0;
    } else if (++stale >= PATIENCE) {
      step /= 2;
      stale = 0;
      if (step < 1e-3) break;
    }
    // Subgradients: resources as in the first phase; θ: count − placed; μ_i: picks − 1.
    let placed = 0;
    for (let i = 0; i < n; i++) placed += picked[i] as number;
    let norm = capacitySubgradient(charged, cap, lambda, width, usage);
    const thetaSub = count - placed;
    norm += thetaSub * thetaSub;
    for (let i = 0; i < n; i++) {
      const sub = (picked[i] as number) - 1;
      if (sub > 0 || (mu[i] as number) > 0) norm += sub * sub;
    }
    if (norm === 0) break; // every relaxed constraint holds: L is this relaxation's optimum
    const t = (step * Math.max(upperUsd - bound, 1e-6 * Math.max(1, upperUsd))) / norm;
    for (let q = 0; q < cap.length; q++)
      lambda[q] = Math.max(0, (lambda[q] as number) + t * (usage[q] as number));
    theta += t * thetaSub;
    for (let i = 0; i < n; i++) mu[i] = Math.max(0, (mu[i] as number) + t * ((picked[i] as number) - 1));
  }
  return best;
}

/**
 * The relaxed capacities. For each GPU group and each per-node size p that some item asks
 * for: the GPUs on the group's nodes with at least p usable, which every item asking for
 * p or more per node must fit in (it cannot use a node with fewer). For gangs, the same
 * per pool (fabric), since a gang stays on one. Usable = free before the batch, or every
 * GPU of a READY node when running work may be preempted (more than preemption could
 * free, so the bound stays valid).
 */
class Resources {
  readonly capacity: number[] = [];
  private readonly sizes: number[];
  private readonly groupBase = new Map<number, number>();
  private readonly poolBase = new Map<number, number>();
  private readonly reached = new Map<number, number>();

  constructor(
    private readonly prepared: TPreparedSnapshot,
    items: readonly TBatchItem[],
    private readonly allowPreemption: boolean,
  ) {
    this.sizes = [...new Set(items.map((item) => item.request.gpusPerNode))].sort((a, b) => a - b);
    for (const group of prepared.groups) {
      this.groupBase.set(group.idx, this.capacity.length);
      this.addSizes(group.pools.flatMap((poolIdx) => prepared.pools[poolIdx]?.nodes ?? []));
    }
    if (items.some((item) => item.request.gang)) {
      for (const pool of prepared.pools) {
        this.poolBase.set(pool.idx, this.capacity.length);
        this.addSizes(pool.nodes);
      }
    }
  }

  /** Resources per block: one per size asked. */
  get width(): number {
    return this.sizes.length;
  }

  /**
   * Appends the two ends of what option k of the item takes: the last resource of its
   * group's block and of its pool's (gangs), or -1. It takes every resource of the block
   * up to that end (the sizes up to its own per-node ask).
   */
  ends(item: TBatchItem, k: number, out: number[]): void {
    const { gpusPerNode, gang } = item.request;
    const group = optionGroupOf(this.prepared, item, k);
    const gBase = this.groupBase.get(group);
    const pBase = gang ? this.poolBase.get(item.optRef[k] ?? -1) : undefined;
    let last = -1;
    while (last + 1 < this.sizes.length && (this.sizes[last + 1] as number) <= gpusPerNode) last++;
    out.push(gBase === undefined || last < 0 ? -1 : gBase + last);
    out.push(pBase === undefined || last < 0 ? -1 : pBase + last);
  }

  private addSizes(nodes: readonly number[]): void {
    for (let s = 0; s < this.sizes.length; s++) {
      let sum = 0;
      for (const n of nodes) {
        const usable = this.allowPreemption
          ? (this.prepared.nodes[n]?.gpuTotal ?? 0)
          : (this.prepared.capacity.free[n] ?? 0);
        sum += this.reach(usable, s);
      }
      this.capacity.push(sum);
    }
  }

  /**
   * The most GPUs that items asking for sizes[s] or more per node can take on a node with
   * `usable` free: a sum of asked sizes (each at least sizes[s]) that fits, by a small
   * subset-sum over the sizes asked. 7 free GPUs hold at most 6 of 2- and 4-GPU asks.
   */
  private reach(usable: number, s: number): number {
    if (usable < (this.sizes[s] as number)) return 0;
    const key = usable * this.sizes.length + s;
    const known = this.reached.get(key);
    if (known !== undefined) return known;
    const can = new Uint8Array(usable + 1);
    can[0] = 1;
    let best = 0;
    for (let g = 1; g <= usable; g++) {
      for (let t = s; t < this.sizes.length; t++) {
        const p = this.sizes[t] as number;
        if (p <= g && can[g - p] === 1) {
          can[g] = 1;
          best = g;
          break;
        }
      }
    }
    this.reached.set(key, best);
    return best;
  }
}
