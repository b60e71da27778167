import type { TBatchPlacement, TBatchResult } from "../batch/batch-result";
import { roundCents } from "../framework/money";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import { compareIds } from "../snapshot/compare";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";

/** Where one workload lands in one replay. */
export type TReplaySpot = {
  readonly siteId: string;
  readonly siteName: string;
  readonly nodeIds: readonly string[];
  readonly costUsd: number;
  /** Latency to the workload's user region at that site; null when it has no latency need. */
  readonly latencyMs: number | null;
};

export type TWorkloadChange = {
  readonly workloadId: string;
  readonly teamId: string;
  /** moved: other nodes (sameSite says whether the site stayed); unplaceable: fits nowhere any more; placed: fits now. */
  readonly change: "moved" | "unplaceable" | "placed";
  readonly sameSite: boolean;
  readonly before: TReplaySpot | null;
  readonly after: TReplaySpot | null;
  /** Why it does not fit after the change (the engine's summary), for unplaceable work. */
  readonly reason: string | null;
  readonly costDeltaUsd: number;
};

export type TTeamDelta = {
  readonly teamId: string;
  readonly workloads: number;
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly deltaUsd: number;
  /** Mean latency to their user regions of the team's placed latency-bound work; null without any. */
  readonly beforeLatencyMs: number | null;
  readonly afterLatencyMs: number | null;
  readonly moved: number;
  readonly unplaceable: number;
};

export type TReplayComparison = {
  /** Only the workloads whose placement changed, sorted by workload id. */
  readonly workloads: readonly TWorkloadChange[];
  /** One row per team with work in the replay, sorted by team id. */
  readonly teams: readonly TTeamDelta[];
  readonly totals: {
    readonly workloads: number;
    readonly beforeUsd: number;
    readonly afterUsd: number;
    readonly deltaUsd: number;
    readonly moved: number;
    readonly unplaceable: number;
    readonly placed: number;
    /** Workloads that fit neither before nor after. */
    readonly stillUnplaced: number;
  };
};

type TSide = { readonly result: TBatchResult; readonly snapshot: TPreparedSnapshot };

/**
 * The difference between two replays of the same work: the baseline (the estate as it is) and
 * the scenario (the estate with the changes). Pure and deterministic.
 */
export function compareReplays(
  requests: readonly TWorkloadRequestInput[],
  before: TSide,
  after: TSide,
): TReplayComparison {
  const beforeById = new Map(before.result.placements.map((p) => [p.workloadId, p]));
  const afterById = new Map(after.result.placements.map((p) => [p.workloadId, p]));
  const reasonById = new Map(after.result.unplaced.map((u) => [u.workloadId, u.summary]));
  const teams = new Map<string, TTeamAcc>();
  const workloads: TWorkloadChange[] = [];
  let stillUnplaced = 0;
  for (const request of [...requests].sort((a, b) => compareIds(a.id, b.id))) {
    const b = spot(beforeById.get(request.id), request, before.snapshot);
    const a = spot(afterById.get(request.id), request, after.snapshot);
    const team = teams.get(request.teamId) ?? newTeam();
    teams.set(request.teamId, team);
    team.workloads++;
    team.beforeUsd += b?.costUsd ?? 0;
    team.afterUsd += a?.costUsd ?? 0;
    if (b?.latencyMs != null) team.beforeLatency.push(b.latencyMs);
    if (a?.latencyMs != null) team.afterLatency.push(a.latencyMs);
    if (!a && !b) {
      stillUnplaced++;
      continue;
    }
    const change = !a ? "unplaceable" : !b ? "placed" : sameNodes(a, b) ? undefined : "moved";
    if (change === undefined) continue;
    if (change === "moved") team.moved++;
    if (change === "unplaceable") team.unplaceable++;
    workloads.push({
      workloadId: request.id,
      teamId: request.teamId,
      change,
      sameSite: a !== null && b !== null && a.siteId === b.siteId,
      before: b,
      after: a,
      reason: a ? null : (reasonById.get(request.id) ?? null),
      costDeltaUsd: roundCents((a?.costUsd ?? 0) - (b?.costUsd ?? 0)),
    });
  }
  const teamRows = [...teams.entries()]
    .sort(([x], [y]) => compareIds(x, y))
    .map(([teamId, t]) => ({
      teamId,
      workloads: t.workloads,
      beforeUsd: roundCents(t.beforeUsd),
      afterUsd: roundCents(t.afterUsd),
      deltaUsd: roundCents(t.afterUsd - t.beforeUsd),
      beforeLatencyMs: mean(t.beforeLatency),
      afterLatencyMs: mean(t.afterLatency),
      moved: t.moved,
      unplaceable: t.unplaceable,
    }));
  const count = (c: TWorkloadChange["change"]) => workloads.filter((w) => w.change === c).length;
  return {
    workloads,
    teams: teamRows,
    totals: {
      workloads: requests.length,
      beforeUsd: before.result.totalCostUsd,
      afterUsd: after.result.totalCostUsd,
      deltaUsd: roundCents(after.result.totalCostUsd - before.result.totalCostUsd),
      moved: count("moved"),
      unplaceable: count("unplaceable"),
      placed: count("placed"),
      stillUnplaced,
    },
  };
}

type TTeamAcc = {
  workloads: number;
  beforeUsd: number;
  afterUsd: number;
  beforeLatency: number[];
  afterLatency: number[];
  moved: number;
  unplaceable: number;
};

const newTeam = (): TTeamAcc => ({
  workloads: 0,
  beforeUsd: 0,
  afterUsd: 0,
  beforeLatency: [],
  afterLatency: [],
  moved: 0,
  unplaceable: 0,
});

function spot(
  placement: TBatchPlacement | undefined,
  request: TWorkloadRequestInput,
  snapshot: TPreparedSnapshot,
): TReplaySpot | null {
  if (!placement) return null;
  const site = snapshot.sites[snapshot.siteIdxById.get(placement.siteId) as number]?.site;
  const region = request.latency?.userRegion;
  const latency = region === undefined ? undefined : site?.latencyMsByRegion[region];
  return {
    siteId: placement.siteId,
    siteName: placement.siteName,
    nodeIds: placement.nodes.map((n) => n.nodeId).sort(compareIds),
    costUsd: placement.cost.totalUsd,
    latencyMs: latency ?? null,
  };
}

function sameNodes(a: TReplaySpot, b: TReplaySpot): boolean {
  return (
    a.siteId === b.siteId &&
    a.nodeIds.length === b.nodeIds.length &&
    a.nodeIds.every((id, i) => id === b.nodeIds[i])
  );
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;
}
