import { runFilters, type TVisitStop } from "../framework/run-filters";
import type { TPluginContext, TSiteCandidate } from "../framework/types";
import type { TEngine } from "../place/engine";
import { createContext } from "../place/run-placement";
import { gpuModelsKey, type TPlacementRequest } from "../request/placement-request";
import { countNodesWithFree } from "../snapshot/capacity";
import type { TDataNeed } from "../snapshot/data-movement";
import { memoize, type TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";
import { MaxHeap } from "./max-heap";

/**
 * Cheapest options kept per workload. Greedy and local search rarely look past the first
 * few; a workload that runs out of them is rebuilt with all of its options.
 */
export const OPTION_WINDOW = 24;

/**
 * [pool][g] = nodes of the pool that could ever take g GPUs during this batch: free GPUs
 * today, or every GPU when running work may be preempted. Read-only, computed once per
 * snapshot (batches allocate on a copy of its capacity, never on the snapshot's own).
 */
export function roomByPool(prepared: TPreparedSnapshot, allowPreemption: boolean): readonly Int32Array[] {
  return memoize(prepared, allowPreemption ? "room:preempting" : "room:free", () =>
    prepared.pools.map((pool) => {
      if (allowPreemption) return Int32Array.from(pool.nodesWithGpus);
      return Int32Array.from({ length: pool.maxGpusPerNode + 1 }, (_, g) =>
        countNodesWithFree(prepared.capacity, pool.idx, g),
      );
    }),
  );
}

/**
 * Every way one pending workload could run, cheapest first (at most `window` of them).
 * Runs the request's own filters except the dynamic ones (capacity, quota), which the
 * batch enforces as it allocates; options that could never fit are left out.
 */
export function buildItem(
  prepared: TPreparedSnapshot,
  idx: number,
  request: TPlacementRequest,
  engine: TEngine,
  room: readonly Int32Array[],
  window: number,
  nodeFit = 0,
): TBatchItem {
  const ctx = createContext(prepared, prepared.capacity, request, engine);
  const visit = Number.isFinite(window) ? cheapSitesFirst(ctx, engine) : undefined;
  const collector = new OptionCollector(prepared, request, room, window, visit, nodeFit);
  const { feasible } = runFilters(ctx, engine.filters, {
    explain: "none",
    includeDynamic: false,
    siteOrder: visit?.sites.order,
    stop: visit === undefined ? undefined : collector,
  });
  collector.absorb(feasible);
  const { refs, costs, usd } = collector;
  const order = cheapestFirst(costs, window);
  const optRef = new Int32Array(order.length);
  const optCost = new Float64Array(order.length);
  const optUsd = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    optRef[k] = refs[i] as number;
    optCost[k] = costs[i] as number;
    optUsd[k] = usd[i] as number;
  }
  const complete = !collector.stopped && order.length === refs.length;
  return { idx, request, engine, enforceQuota: traitsOf(engine).quota, optRef, optCost, optUsd, complete };
}

/**
 * The node-fit surcharge's factor for a workload needing `gpus` GPUs per node on the given
 * pools: the share of the smallest node there that fits it which it would leave unused
 * (0 on a node of exactly its size, 0.75 for 2 GPUs on an 8-GPU node).
 */
function unusedShare(prepared: TPreparedSnapshot, pools: readonly number[], gpus: number): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (const poolIdx of pools) {
    const pool = prepared.pools[poolIdx];
    if (pool === undefined) continue;
    const counts = pool.nodesWithGpus;
    // counts[g] − counts[g + 1]: nodes with exactly g GPUs.
    for (let g = gpus; g < Math.min(counts.length, smallest); g++) {
      if ((counts[g] ?? 0) > (counts[g + 1] ?? 0)) {
        smallest = g;
        break;
      }
    }
  }
  return Number.isFinite(smallest) ? (smallest - gpus) / smallest : 0;
}

/**
 * Collects a workload's options site by site, and, visiting cheap sites first, ends the
 * visit once the `window` cheapest costs seen so far are all below what any site still to
 * visit could offer. A class, not closures, because buildItem runs once per workload.
 */
class OptionCollector implements TVisitStop {
  readonly refs: number[] = [];
  /** What the search weighs: usd plus the node-fit surcharge (never below usd). */
  readonly costs: number[] = [];
  readonly usd: number[] = [];
  stopped = false;
  /** Sites of `feasible` already absorbed. */
  private absorbed = 0;
  /** The `window` cheapest costs so far (the dearest on top), and how many costs it has seen. */
  private readonly best = new MaxHeap();
  private seen = 0;

  constructor(
    private readonly prepared: TPreparedSnapshot,
    private readonly request: TPlacementRequest,
    private readonly room: readonly Int32Array[],
    private readonly window: number,
    private readonly visit: TVisit | undefined,
    private readonly nodeFit: number,
  ) {}

  private push(ref: number, usd: number, pools: readonly number[]): void {
    this.refs.push(ref);
    this.usd.push(usd);
    const fit =
      this.nodeFit > 0 ? this.nodeFit * unusedShare(this.prepared, pools, this.request.gpusPerNode) : 0;
    this.costs.push(usd * (1 + fit));
  }

  stopBefore(position: number, feasible: readonly TSiteCandidate[]): boolean {
    if (this.visit === undefined) return false;
    this.absorb(feasible);
    const { best, costs, window } = this;
    for (; this.seen < costs.length; this.seen++) {
      best.push(costs[this.seen] as number, this.seen);
      if (best.size > window) best.pop();
    }
    this.stopped = best.size >= window && best.topKey() <= lowerBound(this.visit, position);
    return this.stopped;
  }

  /**
   * Appends the options of the sites of `feasible` not absorbed yet that could ever have
   * room (pools for a gang, GPU groups otherwise).
   */
  absorb(feasible: readonly TSiteCandidate[]): void {
    const { room } = this;
    const { gpusPerNode, nodeCount, gang } = this.request;
    for (let s = this.absorbed; s < feasible.length; s++) {
      for (const option of (feasible[s] as TSiteCandidate).options) {
        if (gang) {
          for (const poolIdx of option.pools) {
            if ((room[poolIdx]?.[gpusPerNode] ?? 0) >= nodeCount)
              this.push(poolIdx, option.totalUsd, [poolIdx]);
          }
        } else if (anyRoom(room, option.pools, gpusPerNode)) {
          this.push(option.group.idx, option.totalUsd, option.pools);
        }
      }
    }
    this.absorbed = feasible.length;
  }
}

/** Which of the filters that matter here an engine runs; engines are shared, so once each. */
const engineTraits = new WeakMap<TEngine, { gpuModel: boolean; quota: boolean }>();
function traitsOf(engine: TEngine): { gpuModel: boolean; quota: boolean } {
  let traits = engineTraits.get(engine);
  if (traits === undefined) {
    const names = new Set(engine.filters.map((plugin) => plugin.name));
    traits = { gpuModel: names.has("gpu-model"), quota: names.has("team-quota") };
    engineTraits.set(engine, traits);
  }
  return traits;
}

/** Sites in visiting order, and what bounds the cost of an option at the sites still to visit. */
type TVisit = {
  readonly sites: TSiteOrder;
  readonly gpuHours: number;
  readonly fullEgress: number;
};

type TSiteOrder = {
  readonly order: readonly number[];
  /** Visited first, with no bound: the sites holding a replica of a dataset read. */
  readonly replicas: number;
  /** Cheapest allowed GPU price of each site after the replicas, in order. */
  readonly prices: readonly number[];
};

/**
 * The order to visit sites so the cheapest options come first. Sites holding a replica of
 * a dataset the request reads come first (they skip some egress); then sites by their
 * cheapest allowed GPU price. Only valid with the gpu-model filter, which rejects every
 * site not listed.
 */
function cheapSitesFirst(ctx: TPluginContext, engine: TEngine): TVisit | undefined {
  if (!traitsOf(engine).gpuModel) return undefined;
  const { prepared, request, dataNeeds } = ctx;
  const gpuHours = request.totalGpus * request.estimatedHours;
  let fullEgress = 0;
  for (const need of dataNeeds) fullEgress += need.copyUsd;
  return { sites: siteOrder(prepared, request, dataNeeds), gpuHours, fullEgress };
}

/** A lower bound on the cost of any option at the sites from `position` on in the visiting order. */
function lowerBound(visit: TVisit, position: number): number {
  const { replicas, prices } = visit.sites;
  const price = prices[position - replicas];
  return position < replicas || price === undefined
    ? Number.NEGATIVE_INFINITY
    : price * visit.gpuHours + visit.fullEgress;
}

/** Replica sites first, then the rest by price: once per snapshot, GPU ask and datasets read. */
function siteOrder(
  prepared: TPreparedSnapshot,
  request: TPlacementRequest,
  dataNeeds: readonly TDataNeed[],
): TSiteOrder {
  const models = request.gpuModels;
  const memory = request.minGpuMemoryGib ?? 0;
  const modelKey = gpuModelsKey(models);
  const byPrice = memoize(prepared, `price-order:${modelKey}@${memory}`, () =>
    sitesByPrice(prepared, models, memory),
  );
  if (dataNeeds.length === 0) return byPrice;
  const datasets =
    dataNeeds.length === 1
      ? dataNeeds[0]?.indexed.dataset.id
      : dataNeeds.map((n) => n.indexed.dataset.id).join(",");
  return memoize(prepared, `visit:${modelKey}@${memory}:${datasets}`, () => {
    const replicas = [...new Set(dataNeeds.flatMap((need) => [...need.indexed.replicaSites]))].sort(
      (a, b) => a - b,
    );
    const first = new Set(replicas);
    const order = replicas.slice();
    const prices: number[] = [];
    for (let i = 0; i < byPrice.order.length; i++) {
      const siteIdx = byPrice.order[i] as number;
      if (first.has(siteIdx)) continue;
      order.push(siteIdx);
      prices.push(byPrice.prices[i] as number);
    }
    return { order, replicas: replicas.length, prices };
  });
}

/** Sites with a priced GPU group the request allows, by that price (cheapest group first). */
function sitesByPrice(
  prepared: TPreparedSnapshot,
  models: readonly string[],
  minMemoryGib: number,
): TSiteOrder {
  const allowed = new Set(models);
  const groups = prepared.groups
    .filter(
      (g) =>
        g.price !== undefined && (allowed.size === 0 || allowed.has(g.model)) && g.memoryGib >= minMemoryGib,
    )
    .sort((a, b) => (a.price as number) - (b.price as number) || a.idx - b.idx);
  const order: number[] = [];
  const prices: number[] = [];
  const seen = new Set<number>();
  for (const group of groups) {
    if (seen.has(group.siteIdx)) continue;
    seen.add(group.siteIdx);
    order.push(group.siteIdx);
    prices.push(group.price as number);
  }
  return { order, replicas: 0, prices };
}

/**
 * Indices of the `window` cheapest costs, cheapest first; equal costs keep their order,
 * which is site order, as options were pushed site by site.
 */
function cheapestFirst(costs: readonly number[], window: number): number[] {
  let order: number[];
  if (costs.length > window) {
    const threshold = Float64Array.from(costs).sort()[window - 1] as number;
    order = [];
    for (let i = 0; i < costs.length; i++) if ((costs[i] as number) < threshold) order.push(i);
    for (let i = 0; i < costs.length && order.length < window; i++) if (costs[i] === threshold) order.push(i);
  } else order = costs.map((_, i) => i);
  return order.sort((a, b) => (costs[a] as number) - (costs[b] as number) || a - b);
}

function anyRoom(room: readonly Int32Array[], pools: readonly number[], gpus: number): boolean {
  for (const poolIdx of pools) if ((room[poolIdx]?.[gpus] ?? 0) > 0) return true;
  return false;
}
