import { FLOW_EPS, routeDemand, type TCoverArc } from "./cover-flow";
import type { TCoverProblem } from "./cover-problem";

/** Replicas per site (indexing `problem.sites`) with what they serve and cost. */
export type TCoverChoice = {
  readonly counts: Int32Array;
  readonly served: number;
  readonly costUsd: number;
  readonly replicas: number;
};

export type TCoverStats = { flows: number; rounds: number; moves: number };

/**
 * Capacitated covering by local search:
 * 1. greedy: add the replica with the least cost per request/s of demand it newly serves,
 *    until nothing more can be served or maxReplicas is reached;
 * 2. top up to minReplicas with the cheapest replicas left;
 * 3. local search until no move improves (more demand served, then less cost, then fewer
 *    replicas): drop a replica, swap one for a cheaper one, or add one and drop as many
 *    as it makes redundant.
 * Every step keeps the team's quota, min/max replicas and the sites' capacity.
 */
export function solveCover(problem: TCoverProblem): { choice: TCoverChoice; stats: TCoverStats } {
  const search = new CoverSearch(problem);
  let counts = search.greedy();
  counts = search.topUp(counts);
  counts = search.improve(counts);
  return { choice: search.evaluate(counts), stats: search.stats };
}

class CoverSearch {
  readonly stats: TCoverStats = { flows: 0, rounds: 0, moves: 0 };
  private readonly eps: number;
  private readonly prefix: Float64Array[];
  private readonly cache = new Map<string, number>();
  private readonly arcsBySite: TCoverArc[][];

  constructor(private readonly problem: TCoverProblem) {
    let total = 0;
    for (const d of problem.demand) total += d;
    this.eps = 1e-7 * Math.max(1, total);
    this.arcsBySite = problem.sites.map(() => []);
    for (const arc of problem.arcs) this.arcsBySite[arc.site]?.push(arc);
    this.prefix = problem.sites.map((site) => {
      const sums = new Float64Array(site.slots.length + 1);
      site.slots.forEach((slot, k) => {
        sums[k + 1] = (sums[k] as number) + slot.costUsd;
      });
      return sums;
    });
  }

  served(counts: Int32Array): number {
    let key = "";
    const open: number[] = [];
    for (let s = 0; s < counts.length; s++) {
      if (counts[s] === 0) continue;
      open.push(s);
      key += `${s}:${counts[s]},`;
    }
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    // Only the open sites' arcs, renumbered: the flow graph stays as small as the replica set.
    const capacity = open.map((s) => (counts[s] as number) * this.problem.spec.replicaCapacityRps);
    const arcs: TCoverArc[] = [];
    open.forEach((s, j) => {
      for (const arc of this.arcsBySite[s] ?? []) arcs.push({ region: arc.region, site: j, latencyMs: 0 });
    });
    this.stats.flows++;
    const served = routeDemand(this.problem.demand, capacity, arcs, false).served;
    this.cache.set(key, served);
    return served;
  }

  evaluate(counts: Int32Array): TCoverChoice {
    let costUsd = 0;
    let replicas = 0;
    counts.forEach((n, s) => {
      costUsd += this.prefix[s]?.[n] ?? 0;
      replicas += n;
    });
    return { counts, served: this.served(counts), costUsd, replicas };
  }

  /** a strictly better than b: more served, then cheaper, then fewer replicas. */
  private better(a: TCoverChoice, b: TCoverChoice): boolean {
    if (a.served > b.served + this.eps) return true;
    if (a.served < b.served - this.eps) return false;
    if (a.costUsd < b.costUsd - 1e-9) return true;
    if (a.costUsd > b.costUsd + 1e-9) return false;
    return a.replicas < b.replicas;
  }

  private nextCost(counts: Int32Array, s: number): number {
    const slot = this.problem.sites[s]?.slots[counts[s] as number];
    return slot === undefined ? Number.NaN : slot.costUsd;
  }

  private withinQuota(counts: Int32Array): boolean {
    const { quotaLeft, sites, gpusPerReplica } = this.problem;
    if (quotaLeft.size === 0) return true;
    const used = new Map<string, number>();
    let all = 0;
    counts.forEach((n, s) => {
      const slots = sites[s]?.slots ?? [];
      for (let k = 0; k < n; k++) {
        const model = slots[k]?.gpuModel ?? "";
        used.set(model, (used.get(model) ?? 0) + gpusPerReplica);
        all += gpusPerReplica;
      }
    });
    for (const [model, gpus] of used)
      if (gpus > (quotaLeft.get(model) ?? Number.POSITIVE_INFINITY)) return false;
    return all <= (quotaLeft.get("*") ?? Number.POSITIVE_INFINITY);
  }

  private canAdd(counts: Int32Array, s: number): boolean {
    return (counts[s] as number) < (this.problem.sites[s]?.slots.length ?? 0);
  }

  private total(counts: Int32Array): number {
    let n = 0;
    for (const c of counts) n += c;
    return n;
  }

  /**
   * Lazy greedy: served demand is submodular in the replicas (a polymatroid rank: flow
   * into capacitated sinks), and a site's next replica never costs less than its last, so
   * a ratio computed earlier is a lower bound on the ratio now. Pop the best stale ratio,
   * refresh it, and take it when it still beats the next one.
   */
  greedy(): Int32Array {
    const { sites, spec } = this.problem;
    const counts = new Int32Array(sites.length);
    let served = 0;
    const ratio = new Float64Array(sites.length);
    const queue: number[] = [];
    for (let s = 0; s < sites.length; s++) {
      if (!this.canAdd(counts, s)) continue;
      ratio[s] = Number.NEGATIVE_INFINITY;
      queue.push(s);
    }
    const order = (a: number, b: number) => (ratio[a] as number) - (ratio[b] as number) || a - b;
    while (this.total(counts) < spec.maxReplicas && queue.length > 0) {
      queue.sort(order);
      const s = queue.shift() as number;
      counts[s] = (counts[s] as number) + 1;
      const ok = this.withinQuota(counts);
      const after = ok ? this.served(counts) : served;
      counts[s] = (counts[s] as number) - 1;
      const gain = after - served;
      if (gain <= this.eps) continue; // no gain now, none later (submodular)
      ratio[s] = this.nextCost(counts, s) / gain;
      const next = queue[0];
      if (next !== undefined && order(s, next) > 0 && ratio[next] !== undefined) {
        // Stale ratios below ours may be better: refresh them first.
        queue.push(s);
        continue;
      }
      counts[s] = (counts[s] as number) + 1;
      served = after;
      this.stats.moves++;
      if (this.canAdd(counts, s)) queue.push(s);
    }
    return counts;
  }

  topUp(counts: Int32Array): Int32Array {
    const { sites, spec } = this.problem;
    while (this.total(counts) < spec.minReplicas) {
      let best = -1;
      for (let s = 0; s < sites.length; s++) {
        if (!this.canAdd(counts, s)) continue;
        if (best >= 0 && this.nextCost(counts, s) >= this.nextCost(counts, best)) continue;
        counts[s] = (counts[s] as number) + 1;
        if (this.withinQuota(counts)) best = s;
        counts[s] = (counts[s] as number) - 1;
      }
      if (best < 0) break;
      counts[best] = (counts[best] as number) + 1;
      this.stats.moves++;
    }
    return counts;
  }

  improve(start: Int32Array): Int32Array {
    let current = this.evaluate(start);
    for (;;) {
      this.stats.rounds++;
      const next = this.bestNeighbour(current);
      if (next === undefined) return current.counts;
      current = next;
      this.stats.moves++;
    }
  }

  /** The best improving neighbour (ties: first found, in site order), or undefined. */
  private bestNeighbour(current: TCoverChoice): TCoverChoice | undefined {
    const { sites, spec } = this.problem;
    const floor = Math.min(spec.minReplicas, current.replicas);
    let best: TCoverChoice | undefined;
    const consider = (counts: Int32Array) => {
      const total = this.total(counts);
      if (total > spec.maxReplicas || total < floor || !this.withinQuota(counts)) return;
      const candidate = this.evaluate(counts);
      if (this.better(candidate, best ?? current)) best = candidate;
    };
    const starved = this.starvedRegions(current.counts);
    const helps = (t: number) => sites[t]?.reach.some((x) => starved[x.region] === 1) === true;
    // Drop one replica, or swap it for one elsewhere that costs less or reaches unserved demand.
    for (let s = 0; s < sites.length; s++) {
      if ((current.counts[s] as number) === 0) continue;
      const dropped = current.counts.slice();
      dropped[s] = (dropped[s] as number) - 1;
      consider(dropped);
      const last = this.nextCost(dropped, s);
      for (let t = 0; t < sites.length; t++) {
        if (t === s || !this.canAdd(dropped, t)) continue;
        if (!(this.nextCost(dropped, t) < last - 1e-9) && !helps(t)) continue;
        const swapped = dropped.slice();
        swapped[t] = (swapped[t] as number) + 1;
        consider(swapped);
      }
    }
    // Add one replica (when under maxReplicas or to replace several), then drop what it makes redundant.
    for (let t = 0; t < sites.length; t++) {
      if (!this.canAdd(current.counts, t)) continue;
      const added = current.counts.slice();
      added[t] = (added[t] as number) + 1;
      consider(added);
      consider(this.dropRedundant(added, floor, t));
    }
    return best;
  }

  /** 1 for each region with demand left unserved by `counts`. */
  private starvedRegions(counts: Int32Array): Uint8Array {
    const { demand, arcs, spec } = this.problem;
    const capacity = Float64Array.from(counts, (n) => n * spec.replicaCapacityRps);
    const flow = routeDemand(demand, capacity, arcs, false);
    const served = new Float64Array(demand.length);
    arcs.forEach((arc, i) => {
      served[arc.region] = (served[arc.region] as number) + (flow.arcFlow[i] as number);
    });
    return Uint8Array.from(demand, (d, r) => (d - (served[r] as number) > this.eps ? 1 : 0));
  }

  /** Drops the dearest replicas whose removal serves no less, never the one just added at `keep`. */
  private dropRedundant(counts: Int32Array, floor: number, keep: number): Int32Array {
    const target = this.served(counts);
    const result = counts.slice();
    for (;;) {
      if (this.total(result) <= floor) return result;
      let best = -1;
      let bestCost = -1;
      for (let s = 0; s < result.length; s++) {
        const n = result[s] as number;
        if (n === 0 || (s === keep && n === (counts[s] as number))) continue;
        const cost = this.problem.sites[s]?.slots[n - 1]?.costUsd ?? 0;
        if (cost <= bestCost) continue;
        result[s] = n - 1;
        if (this.served(result) >= target - this.eps) {
          best = s;
          bestCost = cost;
        }
        result[s] = n;
      }
      if (best < 0) return result;
      result[best] = (result[best] as number) - 1;
    }
  }
}

/**
 * A lower bound on the cost of serving all demand, valid when all of it can be served:
 * region r needs at least ceil(demand / capacity) replicas at sites within its SLO, so
 * costs at least its cheapest that many; the whole service needs ceil(total / capacity)
 * replicas and at least minReplicas. The best of these bounds (no LP needed).
 */
export function coverLowerBound(problem: TCoverProblem): number {
  const { spec, sites, demand } = problem;
  const c = spec.replicaCapacityRps;
  const cheapest = (siteIdxs: readonly number[], count: number): number => {
    if (count <= 0) return 0;
    const costs: number[] = [];
    for (const s of siteIdxs) for (const slot of sites[s]?.slots ?? []) costs.push(slot.costUsd);
    costs.sort((a, b) => a - b);
    if (costs.length < count) return Number.POSITIVE_INFINITY;
    let sum = 0;
    for (let k = 0; k < count; k++) sum += costs[k] as number;
    return sum;
  };
  const all = sites.map((_, s) => s);
  let total = 0;
  for (const d of demand) total += d;
  let bound = Math.max(
    cheapest(all, Math.ceil(total / c - FLOW_EPS)),
    cheapest(all, Math.min(spec.minReplicas, spec.maxReplicas)),
  );
  demand.forEach((d, r) => {
    const reaching = sites.flatMap((site, s) => (site.reach.some((x) => x.region === r) ? [s] : []));
    bound = Math.max(bound, cheapest(reaching, Math.ceil(d / c - FLOW_EPS)));
  });
  return bound;
}
