import type {
  TAllocation,
  TDataset,
  TGpuNode,
  TNodeStatus,
  TQuota,
  TSite,
  TSnapshot,
} from "../schema/snapshot.schema";

export type TIndexedSite = {
  readonly idx: number;
  readonly site: TSite;
  readonly certifications: ReadonlySet<string>;
  /** One group per (GPU model, memory) at the site, sorted by key. */
  readonly groups: readonly TGroup[];
  /** GPUs on READY nodes. */
  readonly readyGpus: number;
};

/** The nodes of one site with the same GPU model and memory: interchangeable, same price. */
export type TGroup = {
  readonly idx: number;
  readonly siteIdx: number;
  readonly key: string;
  readonly model: string;
  readonly memoryGib: number;
  /** Price per GPU-hour at the site, undefined when the site has no price for the model. */
  readonly price: number | undefined;
  readonly statusCounts: Readonly<Record<TNodeStatus, number>>;
  /** Pools of READY nodes, one per fabric, sorted by fabric. */
  readonly pools: readonly number[];
};

/** READY nodes of one group on one fabric: the unit a gang lands on. */
export type TPool = {
  readonly idx: number;
  readonly siteIdx: number;
  readonly groupIdx: number;
  readonly model: string;
  readonly fabric: string;
  /** Node indices, ascending (= node id order). */
  readonly nodes: readonly number[];
  readonly maxGpusPerNode: number;
  /** [g] = how many nodes of the pool have at least g GPUs in total. */
  readonly nodesWithGpus: readonly number[];
};

export type TDataSource = {
  readonly siteIdx: number;
  readonly egressUsdPerGb: number;
  readonly wanGbps: number;
  readonly jurisdiction: string;
};

export type TIndexedDataset = {
  readonly dataset: TDataset;
  readonly replicaSites: ReadonlySet<number>;
  /** The cheapest replica to copy from (egress price, then bandwidth, then site id). */
  readonly source: TDataSource | undefined;
  /** Undefined when unrestricted. */
  readonly allowedCountries: ReadonlySet<string> | undefined;
  readonly allowedJurisdictions: ReadonlySet<string> | undefined;
};

/**
 * Free capacity and quota use: the only mutable part. Recommend reads the prepared
 * snapshot's copy; batch placement works on a clone.
 */
export type TCapacity = {
  /** Free GPUs per node index. */
  readonly free: Int32Array;
  /** Per pool: how many of its nodes have exactly f GPUs free, for f = 0..max. */
  readonly levels: Int32Array[];
  /** Free GPUs on READY nodes per site index. */
  readonly siteFree: Float64Array;
  /** GPUs in use per quota key (see quotaKey). */
  readonly quotaUsed: Map<string, number>;
};

declare const preparedBrand: unique symbol;

/**
 * A validated, indexed snapshot. Build it once with indexSnapshot() and reuse it across
 * place() calls: indexing is O(nodes), a recommend on a prepared snapshot is O(sites + pools).
 */
export type TPreparedSnapshot = {
  readonly [preparedBrand]: true;
  readonly snapshot: TSnapshot;
  readonly sites: readonly TIndexedSite[];
  readonly siteIdxById: ReadonlyMap<string, number>;
  /** Nodes sorted by id; a node's index is its position here. */
  readonly nodes: readonly TGpuNode[];
  readonly nodeIdxById: ReadonlyMap<string, number>;
  /** Pool index per node, -1 for nodes that are not READY. */
  readonly nodePool: Int32Array;
  readonly groups: readonly TGroup[];
  readonly pools: readonly TPool[];
  readonly datasets: ReadonlyMap<string, TIndexedDataset>;
  readonly quotas: ReadonlyMap<string, TQuota>;
  /** Running allocations sorted by workload id, then node id. */
  readonly allocations: readonly TAllocation[];
  /** Site indices holding at least one node of a model, in any status. */
  readonly sitesByModel: ReadonlyMap<string, readonly number[]>;
  readonly knownModels: ReadonlySet<string>;
  readonly capacity: TCapacity;
  /**
   * Lookups derived from the snapshot on first use (sites by kind, by certification, by
   * dataset residency...). A cache, not state: the same snapshot always yields the same
   * values. See memoize().
   */
  readonly memo: Map<string, unknown>;
};

export function quotaKey(teamId: string, gpuModel: string): string {
  return `${teamId}\u0000${gpuModel}`;
}

/** Computes a snapshot-derived value once per prepared snapshot. */
export function memoize<T>(prepared: TPreparedSnapshot, key: string, compute: () => T): T {
  // One lookup on a hit: keys are built per call, and hashing them is most of the cost.
  const found = prepared.memo.get(key);
  if (found !== undefined || prepared.memo.has(key)) return found as T;
  const value = compute();
  prepared.memo.set(key, value);
  return value;
}
