import { roundCents } from "../framework/money";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import { placeService } from "../services/place-service";
import type { TRegionCoverage, TServicePlacement } from "../services/service-result";
import { compareIds } from "../snapshot/compare";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError } from "../snapshot/input-error";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { releaseWorkloads, type TScenarioService } from "./apply-scenario";

/** How one region is served in one replay. */
export type TRegionServed = {
  readonly status: TRegionCoverage["status"];
  readonly demandRps: number;
  readonly maxLatencyMs: number;
  readonly servedRps: number;
  /** Demand-weighted mean latency of what is served; null when nothing is. */
  readonly latencyMs: number | null;
};

export type TServiceRegionChange = {
  readonly region: string;
  readonly before: TRegionServed;
  readonly after: TRegionServed;
  /**
   * True when the region was served whole within its SLO in the baseline and is not (partly or
   * not at all) with the changes.
   */
  readonly lost: boolean;
  /** Why the region is short of demand with the changes (the engine's words); null when covered. */
  readonly reason: string | null;
};

export type TServiceSite = { readonly siteId: string; readonly siteName: string };

/** Replicas leaving one site for another (`from` null: a new replica; `to` null: one dropped). */
export type TReplicaMove = {
  readonly from: TServiceSite | null;
  readonly to: TServiceSite | null;
  readonly replicas: number;
};

export type TServiceReplayRow = {
  readonly serviceId: string;
  readonly name: string;
  readonly teamId: string;
  /** Every region the service serves, before and after, in the service's order. */
  readonly regions: readonly TServiceRegionChange[];
  /** The regions that lose their SLO: served whole within it before, not after. */
  readonly lostRegions: readonly TServiceRegionChange[];
  readonly replicasBefore: number;
  readonly replicasAfter: number;
  /** Replicas that leave a site for another (a drop paired with an addition). */
  readonly replicasMoved: number;
  readonly moves: readonly TReplicaMove[];
  readonly feasibleBefore: boolean;
  readonly feasibleAfter: boolean;
  readonly summaryBefore: string;
  readonly summaryAfter: string;
  readonly costBeforeUsdPerHour: number;
  readonly costAfterUsdPerHour: number;
  readonly costDeltaUsdPerHour: number;
  /** The engine refused the service's input (its stored spec); null normally. */
  readonly error: string | null;
};

export type TReplayServicesInput = {
  /** The estate as it is: every allocation in place (running work holds its GPUs). */
  readonly baseline: TSnapshotInput | TPreparedSnapshot;
  /** The estate with the scenario's changes, allocations in place. */
  readonly scenario: TSnapshotInput | TPreparedSnapshot;
  /** The services as they are. */
  readonly before: readonly TScenarioService[];
  /** The same services (same order) as the scenario has them. */
  readonly after: readonly TScenarioService[];
};

/**
 * Places each inference service with the engine's covering mode twice, on the estate as it is
 * and with the scenario's changes (demand and SLO changes included), and says what changes for
 * it: the regions that lose their SLO and why, the replicas that move between sites, the cost
 * per hour. Each service is planned as a re-plan plans it: its own replicas' GPUs are released,
 * everything else holds its GPUs. Services are planned one by one, each on the same estate (not
 * competing with each other for the capacity the changes free or take). Sorted by service id.
 * Pure and deterministic.
 */
export function replayServices(input: TReplayServicesInput): TServiceReplayRow[] {
  const baseline = indexSnapshot(input.baseline);
  const scenario = indexSnapshot(input.scenario);
  const after = new Map(input.after.map((s) => [s.spec.id, s]));
  return [...input.before]
    .sort((a, b) => compareIds(a.spec.id, b.spec.id))
    .map((service) => replayService(baseline, scenario, service, after.get(service.spec.id) ?? service));
}

/** The engine's covering mode for one service on the estate without its own replicas. */
export function placeServiceOnEstate(
  estate: TSnapshotInput | TPreparedSnapshot,
  service: Pick<TScenarioService, "spec" | "replicaWorkloadIds">,
): TServicePlacement {
  return placeService({
    snapshot: releaseWorkloads(estate, service.replicaWorkloadIds),
    service: service.spec,
  });
}

function replayService(
  baseline: TPreparedSnapshot,
  scenario: TPreparedSnapshot,
  before: TScenarioService,
  after: TScenarioService,
): TServiceReplayRow {
  const id = before.spec.id;
  let b: TServicePlacement;
  let a: TServicePlacement;
  try {
    b = placeServiceOnEstate(baseline, before);
    a = placeServiceOnEstate(scenario, after);
  } catch (error) {
    if (!(error instanceof PlacementInputError)) throw error;
    return failed(before, error.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  }
  const afterByRegion = new Map(a.regions.map((r) => [r.region, r]));
  const regions = b.regions.map((rb): TServiceRegionChange => {
    const ra = afterByRegion.get(rb.region) ?? rb;
    const lost = rb.status === "covered" && ra.status !== "covered";
    return {
      region: rb.region,
      before: served(rb),
      after: served(ra),
      lost,
      reason: ra.status === "covered" ? null : (ra.reason ?? `${ra.servedRps}/${ra.demandRps} req/s served`),
    };
  });
  const moves = replicaMoves(b, a);
  return {
    serviceId: id,
    name: before.name,
    teamId: before.spec.teamId,
    regions,
    lostRegions: regions.filter((r) => r.lost),
    replicasBefore: b.replicas.length,
    replicasAfter: a.replicas.length,
    replicasMoved: moves.filter((m) => m.from && m.to).reduce((n, m) => n + m.replicas, 0),
    moves,
    feasibleBefore: b.feasible,
    feasibleAfter: a.feasible,
    summaryBefore: b.summary,
    summaryAfter: a.summary,
    costBeforeUsdPerHour: b.costUsd,
    costAfterUsdPerHour: a.costUsd,
    costDeltaUsdPerHour: roundCents(a.costUsd - b.costUsd),
    error: null,
  };
}

function served(r: TRegionCoverage): TRegionServed {
  return {
    status: r.status,
    demandRps: r.demandRps,
    maxLatencyMs: r.maxLatencyMs,
    servedRps: r.servedRps,
    latencyMs: r.latencyMs ?? null,
  };
}

/**
 * Replicas per site before and after, paired into moves: sites that lose replicas (in site id
 * order) give them to sites that gain (same order); what is left is dropped or added.
 */
function replicaMoves(before: TServicePlacement, after: TServicePlacement): TReplicaMove[] {
  const count = new Map<string, { site: TServiceSite; before: number; after: number }>();
  const tally = (p: TServicePlacement, side: "before" | "after") => {
    for (const r of p.replicas) {
      const row = count.get(r.siteId) ?? {
        site: { siteId: r.siteId, siteName: r.siteName },
        before: 0,
        after: 0,
      };
      row[side]++;
      count.set(r.siteId, row);
    }
  };
  tally(before, "before");
  tally(after, "after");
  const rows = [...count.values()].sort((x, y) => compareIds(x.site.siteId, y.site.siteId));
  const losing = rows.filter((r) => r.before > r.after).map((r) => ({ site: r.site, n: r.before - r.after }));
  const gaining = rows
    .filter((r) => r.after > r.before)
    .map((r) => ({ site: r.site, n: r.after - r.before }));
  const moves: TReplicaMove[] = [];
  let g = 0;
  for (const from of losing) {
    while (from.n > 0 && g < gaining.length) {
      const to = gaining[g] as { site: TServiceSite; n: number };
      const n = Math.min(from.n, to.n);
      moves.push({ from: from.site, to: to.site, replicas: n });
      from.n -= n;
      to.n -= n;
      if (to.n === 0) g++;
    }
    if (from.n > 0) moves.push({ from: from.site, to: null, replicas: from.n });
  }
  for (; g < gaining.length; g++) {
    const to = gaining[g] as { site: TServiceSite; n: number };
    if (to.n > 0) moves.push({ from: null, to: to.site, replicas: to.n });
  }
  return moves;
}

function failed(service: TScenarioService, error: string): TServiceReplayRow {
  return {
    serviceId: service.spec.id,
    name: service.name,
    teamId: service.spec.teamId,
    regions: [],
    lostRegions: [],
    replicasBefore: 0,
    replicasAfter: 0,
    replicasMoved: 0,
    moves: [],
    feasibleBefore: false,
    feasibleAfter: false,
    summaryBefore: "",
    summaryAfter: "",
    costBeforeUsdPerHour: 0,
    costAfterUsdPerHour: 0,
    costDeltaUsdPerHour: 0,
    error,
  };
}
