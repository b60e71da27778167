import { runFilters } from "../framework/run-filters";
import type { TOption } from "../framework/types";
import type { TEngine } from "../place/engine";
import type { TNodeAssignment, TPlacementResult } from "../place/result";
import { createContext, runPlacement } from "../place/run-placement";
import { nodeAssignments, selectNodes } from "../place/select-nodes";
import type { TPlacementRequest } from "../request/placement-request";
import { allocateGpus, cloneCapacity } from "../snapshot/capacity";
import {
  quotaKey,
  type TCapacity,
  type TIndexedSite,
  type TPreparedSnapshot,
} from "../snapshot/prepared-snapshot";
import type { TCoverArc } from "./cover-flow";
import type { TServiceSpec } from "./service-spec.schema";

/** The n-th replica a site could host: where the engine's node selection puts it, and its cost. */
export type TReplicaSlot = {
  readonly costUsd: number;
  readonly gpuModel: string;
  readonly gpuMemoryGib: number;
  readonly fabric: string;
  readonly nodes: readonly TNodeAssignment[];
};

/** A site that can host replicas and is within SLO of at least one region. */
export type TCoverSite = {
  readonly site: TIndexedSite;
  /** Replicas in the order the site takes them; costs never decrease along the list. */
  readonly slots: readonly TReplicaSlot[];
  /** True when the site ran out of nodes before the replicas it could use. */
  readonly full: boolean;
  /** Regions (indices) within SLO, with the latency. */
  readonly reach: readonly { readonly region: number; readonly latencyMs: number }[];
};

/**
 * The covering problem the solver works on, built from the engine's own verdicts:
 * the replica is placed like an ONLINE_INFERENCE workload (every filter of the policy:
 * site status, environment, certifications, GPU model and memory, node health, capacity,
 * quota), and each eligible site's replicas follow one another through the engine's node
 * selection on a copy of the free capacity.
 */
export type TCoverProblem = {
  readonly prepared: TPreparedSnapshot;
  readonly spec: TServiceSpec;
  readonly demand: Float64Array;
  readonly sites: readonly TCoverSite[];
  /** Region → site arcs; `site` indexes `sites`. */
  readonly arcs: readonly TCoverArc[];
  /** The first replica's placement over the whole estate: the rejected sites and why. */
  readonly firstReplica: TPlacementResult;
  /** Sites that pass the engine's filters but are within no region's SLO. */
  readonly outOfReach: readonly TIndexedSite[];
  /** Why the caller ruled a site out (spec.excludedSites), by site id. */
  readonly excluded: ReadonlyMap<string, string>;
  /** Sites that pass the engine's filters but the caller ruled out. */
  readonly excludedEligible: readonly TIndexedSite[];
  readonly gpusPerReplica: number;
  /** GPUs the team may still take, by quota key (a model or "*"); absent = unlimited. */
  readonly quotaLeft: ReadonlyMap<string, number>;
};

export function buildCoverProblem(
  prepared: TPreparedSnapshot,
  spec: TServiceSpec,
  request: TPlacementRequest,
  engine: TEngine,
): TCoverProblem {
  const firstReplica = runPlacement(prepared, prepared.capacity, request, engine);
  const demand = Float64Array.from(spec.regions, (r) => r.demandRps);
  const capacity = cloneCapacity(prepared.capacity);
  // The same filters again, for the options each feasible site kept (the result holds only the chosen one).
  const ctx = createContext(prepared, prepared.capacity, request, engine);
  const eligible = runFilters(ctx, engine.filters, { explain: "none", includeDynamic: true }).feasible;
  const sites: TCoverSite[] = [];
  const outOfReach: TIndexedSite[] = [];
  const arcs: TCoverArc[] = [];
  const excluded = new Map(spec.excludedSites.map((e) => [e.siteId, e.reason]));
  const excludedEligible: TIndexedSite[] = [];
  for (const { site, options } of eligible) {
    const reach = reachOf(site, spec);
    if (reach.length === 0) {
      outOfReach.push(site);
      continue;
    }
    if (excluded.has(site.site.id)) {
      excludedEligible.push(site);
      continue;
    }
    let reachable = 0;
    for (const { region } of reach) reachable += demand[region] as number;
    const useful = Math.min(
      spec.maxReplicas,
      Math.max(spec.minReplicas, Math.ceil(reachable / spec.replicaCapacityRps - 1e-9)),
    );
    const slots = chainOfReplicas(prepared, capacity, request, options, Math.max(1, useful));
    if (slots.length === 0) continue; // node selection found nothing: rejected in firstReplica
    for (const { region, latencyMs } of reach) arcs.push({ region, site: sites.length, latencyMs });
    sites.push({ site, slots, full: slots.length < useful, reach });
  }
  return {
    prepared,
    spec,
    demand,
    sites,
    arcs,
    firstReplica,
    outOfReach,
    excluded,
    excludedEligible,
    gpusPerReplica: request.totalGpus,
    quotaLeft: quotaLeftOf(prepared, spec.teamId, engine),
  };
}

function reachOf(site: TIndexedSite, spec: TServiceSpec): { region: number; latencyMs: number }[] {
  const reach: { region: number; latencyMs: number }[] = [];
  spec.regions.forEach((r, region) => {
    const ms = site.site.latencyMsByRegion[r.region];
    if (ms !== undefined && ms <= r.maxLatencyMs) reach.push({ region, latencyMs: ms });
  });
  return reach;
}

/**
 * Up to `limit` replicas at one site, one after another: each takes the cheapest of the
 * site's options that passed the policy's filters (ties: group key order) where the
 * engine's best-fit node selection still finds nodes, against the capacity the earlier
 * ones left. The filters' verdicts do not change as capacity shrinks, except capacity's
 * own, which node selection re-checks; the team quota is kept by the solver. Sites never
 * share nodes, so one copy of the capacity serves every site.
 */
function chainOfReplicas(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  request: TPlacementRequest,
  options: readonly TOption[],
  limit: number,
): TReplicaSlot[] {
  const byCost = options
    .map((option, i) => ({ option, i }))
    .sort((a, b) => a.option.totalUsd - b.option.totalUsd || a.i - b.i)
    .map((x) => x.option);
  const slots: TReplicaSlot[] = [];
  let from = 0;
  while (slots.length < limit && from < byCost.length) {
    const option = byCost[from] as TOption;
    const choice = selectNodes(
      prepared,
      capacity,
      option,
      request.nodeCount,
      request.gpusPerNode,
      request.gang,
    );
    if (choice === undefined) {
      from++;
      continue;
    }
    for (const n of choice.nodes) allocateGpus(prepared, capacity, n, request.gpusPerNode);
    const nodes = nodeAssignments(prepared, choice, request.gpusPerNode);
    slots.push({
      costUsd: option.totalUsd,
      gpuModel: option.group.model,
      gpuMemoryGib: option.group.memoryGib,
      fabric: prepared.pools[choice.poolIdx]?.fabric ?? "",
      nodes,
    });
  }
  return slots;
}

function quotaLeftOf(prepared: TPreparedSnapshot, teamId: string, engine: TEngine): Map<string, number> {
  const left = new Map<string, number>();
  if (!engine.filters.some((plugin) => plugin.name === "team-quota")) return left;
  for (const model of [...prepared.knownModels, "*"]) {
    const key = quotaKey(teamId, model);
    const quota = prepared.quotas.get(key);
    if (quota === undefined) continue;
    left.set(model, quota.limitGpus - (prepared.capacity.quotaUsed.get(key) ?? 0));
  }
  return left;
}
