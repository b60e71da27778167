import type { TBatchPlacement, TUnplaced } from "../batch/batch-result";
import { placeBatch } from "../batch/place-batch";
import type { TEngineOptions } from "../place/place";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import type { TAllocation, TQuota, TSnapshotInput } from "../schema/snapshot.schema";
import { compareIds } from "../snapshot/compare";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError } from "../snapshot/input-error";
import { quotaKey, type TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { withAllocations } from "../snapshot/with-allocations";
import { withChanges } from "../snapshot/with-changes";
import { classifyBorrowed, parseRunning, type TRunningWork } from "./classify";
import { fairOrder, type TQueuePosition } from "./fair-order";
import type { TShares, TTeamShare } from "./shares";
import { ANY_MODEL, indexTree, type TEntitlementTree } from "./tree";

/** Pending work placed per batch in the first pass (see planReclaim). */
const PASS_CHUNK = 200;

/** A pending workload: the placement request and when it was submitted (a number growing with time). */
export type TPendingRequest = {
  readonly request: TWorkloadRequestInput;
  readonly submittedAt: number;
};

export type TReclaimInput = TEngineOptions & {
  /** The estate, with the running work's allocations (workloadId, nodeId, gpus, teamId). */
  readonly snapshot: TSnapshotInput | TPreparedSnapshot;
  readonly tree: TEntitlementTree;
  /** computeShares() of the same estate. */
  readonly shares: TShares;
  /** The running workloads behind the snapshot's allocations; classified with classifyBorrowed(). */
  readonly running: readonly TRunningWork[];
  readonly pending: readonly TPendingRequest[];
  /** Passed to placeBatch (default 40); 0 keeps the plain construction. */
  readonly searchEffort?: number;
  /**
   * Passed to placeBatch while the pending work asks for more GPUs than the estate has free:
   * keep big nodes for work that needs them (default 0; see fairRound).
   */
  readonly nodeFit?: number;
  readonly explainUnplaced?: "summary" | "none";
  /**
   * Who may reclaim. "guarantee" (default): work of a team that stays within its guarantee
   * with it. "fair-share": also work of a team under its fair share at its turn in the
   * queue (Kueue's fair-sharing preemption); victims then come only from teams over their
   * fair share, and never so many that a team would drop below it.
   */
  readonly reclaimFor?: "guarantee" | "fair-share";
  /**
   * Work reclaims only once it has waited this long (same unit as submittedAt), so that
   * capacity freed by finishing work can come first; needs `now`. Default 0.
   */
  readonly reclaimAfter?: number;
  /** The caller's current time, in the unit of submittedAt (the engine reads no clock). */
  readonly now?: number;
};

/** A running workload to stop (after the caller's grace period) so that `forWorkloadId` can start. */
export type TReclaimPreemption = {
  readonly workloadId: string;
  readonly teamId: string;
  readonly gpus: number;
  readonly forWorkloadId: string;
  readonly forTeamId: string;
  readonly reason: string;
};

/** A batch placement; `waitsFor` names the preempted workloads whose nodes it takes. */
export type TReclaimPlacement = TBatchPlacement & {
  /** Empty for most; else it starts only once these have stopped (after the grace period). */
  readonly waitsFor: readonly string[];
};

export type TReclaimPlan = {
  /** The pending queue in fair order, with a reason per position. */
  readonly order: readonly TQueuePosition[];
  /** Sorted by workload id. */
  readonly placements: readonly TReclaimPlacement[];
  readonly preemptions: readonly TReclaimPreemption[];
  /** Pending work that stays pending, sorted by workload id. */
  readonly unplaced: readonly TUnplaced[];
};

/**
 * One round of fair placement with reclaim:
 * 1. fair order of the pending work (fairOrder);
 * 2. placement of all of it in that order, WITHOUT preemption (placeBatch, one tier per
 *    position), on the estate as it is: work that fits anywhere is placed there, so no
 *    preemption ever happens while another site has room for it;
 * 3. reclaim: pending work still unplaced whose team stays within its guarantee with it
 *    takes GPUs back from borrowed running work (classifyBorrowed) of other teams that are
 *    not below their own guarantee — the team furthest over its fair share first, then the
 *    lowest priority, then the newest — through the batch engine's preemption, which picks
 *    per option the victims that free the fewest GPUs;
 * 4. the plan: placements, preemptions with reasons naming both workloads, what waits.
 * Team limits of the tree are enforced as engine quotas. The grace period is the caller's:
 * a victim keeps its GPUs until it stops, and the workload it makes room for starts then.
 * Pure and deterministic; throws PlacementInputError naming bad fields.
 */
export function planReclaim(input: TReclaimInput): TReclaimPlan {
  const indexed = indexTree(input.tree);
  const running = parseRunning(input.running, indexed.nodes);
  const teams = new Map(input.shares.teams.map((t) => [t.teamId, t]));
  const unknown = input.pending.flatMap((p, i) =>
    teams.has(p.request.teamId)
      ? []
      : [{ path: `pending.${i}.request.teamId`, message: `unknown team '${p.request.teamId}'` }],
  );
  if (unknown.length > 0) throw new PlacementInputError(unknown);
  const base = withTreeLimits(indexSnapshot(input.snapshot), indexed.teams, input.shares);

  // 1. Fair order.
  const byId = new Map(input.pending.map((p) => [p.request.id, p]));
  const order = fairOrder(
    input.pending.map((p) => ({
      workloadId: p.request.id,
      teamId: p.request.teamId,
      gpus: gpusOf(p.request),
      gpuModel: onlyModel(p.request, input.shares),
      priority: p.request.priority ?? 0,
      submittedAt: p.submittedAt,
    })),
    input.shares,
  );
  const tiered = order.map((pos, i) => ({
    ...(byId.get(pos.workloadId)?.request as TWorkloadRequestInput),
    priority: order.length - i,
  }));
  const engine = { policy: input.policy, registry: input.registry, profiles: input.profiles };
  const realPriority = (p: TBatchPlacement, waitsFor: readonly string[] = []): TReclaimPlacement => ({
    ...p,
    priority: byId.get(p.workloadId)?.request.priority ?? 0,
    waitsFor,
  });

  // 2. Place without preemption, in fair order, a chunk at a time. Work whose shape fits no
  // pool of the estate as it is before its chunk (too few nodes with enough free GPUs in one
  // fabric pool) cannot be placed by a pass that only takes capacity: it skips the pass,
  // unplaced, and may still reclaim in step 3. A long queue on a full estate thus costs a
  // scan per chunk, not a placement per workload.
  const firstPlacements: TBatchPlacement[] = [];
  const firstUnplaced: TUnplaced[] = [];
  let estate = base;
  let fits = shapeFits(estate);
  // The node fit only while the queue asks for more GPUs than are free: on an estate with
  // room for everything it would only cost money.
  let freeGpus = 0;
  for (const f of base.capacity.siteFree) freeGpus += f;
  const nodeFit = tiered.reduce((sum, r) => sum + gpusOf(r), 0) > freeGpus ? input.nodeFit : undefined;
  for (let at = 0; at < tiered.length; at += PASS_CHUNK) {
    const chunk = tiered.slice(at, at + PASS_CHUNK);
    const tryNow = chunk.filter((r) => fits(r));
    const tried = new Set(tryNow.map((r) => r.id));
    for (const r of chunk) {
      if (tried.has(r.id)) continue;
      firstUnplaced.push({
        workloadId: r.id,
        priority: r.priority ?? 0,
        summary: "no fabric pool has enough nodes with enough free GPUs for this shape",
        reasonCounts: [],
      });
    }
    if (tryNow.length === 0) continue;
    const result = placeBatch({
      ...engine,
      snapshot: estate,
      requests: tryNow,
      allowPreemption: false,
      searchEffort: input.searchEffort,
      nodeFit,
      explainUnplaced: input.explainUnplaced ?? "summary",
      // The plan reports no bound: proving one would cost its option lists and subgradient steps.
      bound: "none",
    });
    firstPlacements.push(...result.placements);
    firstUnplaced.push(...result.unplaced);
    if (result.placements.length > 0 && at + PASS_CHUNK < tiered.length) {
      estate = withAllocations(
        estate,
        result.placements.flatMap((p) =>
          p.nodes.map((n) => ({
            workloadId: p.workloadId,
            nodeId: n.nodeId,
            gpus: n.gpus,
            priority: p.priority,
            preemptible: false,
            teamId: byId.get(p.workloadId)?.request.teamId,
          })),
        ),
      );
      fits = shapeFits(estate);
    }
  }
  const first = {
    placements: firstPlacements.sort((a, b) => compareIds(a.workloadId, b.workloadId)),
    unplaced: firstUnplaced.sort((a, b) => compareIds(a.workloadId, b.workloadId)),
  };
  const placements = first.placements.map((p) => realPriority(p));

  // 3. Reclaim for work of teams below their guarantee.
  const placedGpus = new Map<string, number>();
  for (const p of first.placements) {
    const teamId = byId.get(p.workloadId)?.request.teamId ?? "";
    placedGpus.set(teamId, (placedGpus.get(teamId) ?? 0) + p.nodes.reduce((s, n) => s + n.gpus, 0));
  }
  const unplacedIds = new Set(first.unplaced.map((u) => u.workloadId));
  const fairShare = input.reclaimFor === "fair-share";
  const underAtTurn = new Set(order.filter((p) => p.underFairShare).map((p) => p.workloadId));
  const claimants: TWorkloadRequestInput[] = [];
  for (const request of tiered) {
    if (!unplacedIds.has(request.id)) continue;
    const team = teams.get(request.teamId) as TTeamShare;
    const totals = team.models[team.models.length - 1];
    const gpus = gpusOf(request);
    const after = (totals?.used ?? 0) + (placedGpus.get(team.teamId) ?? 0) + gpus;
    const inGuarantee = team.belowGuarantee && after <= (totals?.guaranteed ?? 0);
    if (!inGuarantee && !(fairShare && underAtTurn.has(request.id))) continue;
    const reclaimAfter = input.reclaimAfter ?? 0;
    const waited = (input.now ?? Number.POSITIVE_INFINITY) - (byId.get(request.id)?.submittedAt ?? 0);
    if (reclaimAfter > 0 && waited < reclaimAfter) continue;
    placedGpus.set(team.teamId, after - (totals?.used ?? 0));
    claimants.push(request);
  }
  let preemptions: TReclaimPreemption[] = [];
  let unplaced = first.unplaced;
  if (claimants.length > 0) {
    const borrowed = new Set(
      classifyBorrowed(input.tree, input.running)
        .filter((c) => c.borrowed)
        .map((c) => c.workloadId),
    );
    // GPUs each team may lose and stay at its fair share ("fair-share" only); work already
    // stopping counts as gone.
    const stopping = new Map<string, number>();
    for (const w of running) if (w.stopping) stopping.set(w.teamId, (stopping.get(w.teamId) ?? 0) + w.gpus);
    const spare = new Map<string, number>();
    for (const team of input.shares.teams) {
      const used = team.models[team.models.length - 1]?.used ?? 0;
      // A millionth of a GPU of slack: entitlements come from a bisection.
      const left = used - (stopping.get(team.teamId) ?? 0) - team.entitledGpus + 1e-6;
      spare.set(team.teamId, fairShare ? left : Number.POSITIVE_INFINITY);
    }
    const victims = running
      .filter(
        (w) => borrowed.has(w.workloadId) && !w.stopping && !(teams.get(w.teamId)?.belowGuarantee ?? true),
      )
      .sort((a, b) => {
        const ta = teams.get(a.teamId) as TTeamShare;
        const tb = teams.get(b.teamId) as TTeamShare;
        return (
          overShare(tb) - overShare(ta) ||
          compareIds(a.teamId, b.teamId) ||
          a.priority - b.priority ||
          b.startedAt - a.startedAt ||
          compareIds(a.workloadId, b.workloadId)
        );
      })
      .filter((w) => {
        const left = (spare.get(w.teamId) ?? 0) - w.gpus;
        if (left < 0) return false;
        spare.set(w.teamId, left);
        return true;
      });
    const rank = new Map(victims.map((w, i) => [w.workloadId, i - victims.length]));
    // Work that would not fit even with every victim's GPUs freed is left out (a bound, as in
    // step 2): a long queue on a full estate does not cost a preemption search per workload.
    const freed = new Map<number, number>();
    for (const a of base.allocations) {
      const node = base.nodeIdxById.get(a.nodeId);
      if (node !== undefined && rank.has(a.workloadId)) freed.set(node, (freed.get(node) ?? 0) + a.gpus);
    }
    const plausible = victims.length === 0 ? [] : claimants.filter(shapeFits(base, freed));
    if (plausible.length > 0) {
      const rewritten: TAllocation[] = base.allocations.map((a) => ({
        ...a,
        priority: rank.get(a.workloadId) ?? Number.MAX_SAFE_INTEGER,
        preemptible: rank.has(a.workloadId),
      }));
      let second = withChanges(base, {
        allocations: {
          remove: base.allocations.map((a) => ({ workloadId: a.workloadId, nodeId: a.nodeId })),
          add: rewritten,
        },
      });
      second = withAllocations(
        second,
        first.placements.flatMap((p) =>
          p.nodes.map((n) => ({
            workloadId: p.workloadId,
            nodeId: n.nodeId,
            gpus: n.gpus,
            priority: Number.MAX_SAFE_INTEGER,
            preemptible: false,
            teamId: byId.get(p.workloadId)?.request.teamId,
          })),
        ),
      );
      const reclaimed = placeBatch({
        ...engine,
        snapshot: second,
        requests: plausible.map((r, i) => ({ ...r, priority: plausible.length - i })),
        allowPreemption: true,
        searchEffort: 0,
        nodeFit,
        explainUnplaced: input.explainUnplaced ?? "summary",
        // The plan reports no bound: proving one would cost its option lists and subgradient steps.
        bound: "none",
      });
      // Work placed on nodes that preempted work frees waits for it, whoever preempted it.
      const victimsOn = new Map<string, string[]>();
      for (const p of reclaimed.preemptions) {
        for (const n of p.nodes) victimsOn.set(n.nodeId, [...(victimsOn.get(n.nodeId) ?? []), p.workloadId]);
      }
      placements.push(
        ...reclaimed.placements.map((p) =>
          realPriority(
            p,
            [...new Set(p.nodes.flatMap((n) => victimsOn.get(n.nodeId) ?? []))].sort(compareIds),
          ),
        ),
      );
      const placedNow = new Set(reclaimed.placements.map((p) => p.workloadId));
      unplaced = first.unplaced.filter((u) => !placedNow.has(u.workloadId));
      const runningById = new Map(running.map((w) => [w.workloadId, w]));
      preemptions = reclaimed.preemptions.map((p) => {
        const victim = runningById.get(p.workloadId);
        const vt = teams.get(victim?.teamId ?? "") as TTeamShare;
        const forRequest = byId.get(p.preemptedBy)?.request;
        const ft = teams.get(forRequest?.teamId ?? "") as TTeamShare;
        const totals = ft.models[ft.models.length - 1];
        return {
          workloadId: p.workloadId,
          teamId: vt.teamId,
          gpus: p.nodes.reduce((s, n) => s + n.gpus, 0),
          forWorkloadId: p.preemptedBy,
          forTeamId: ft.teamId,
          reason:
            `runs on borrowed GPUs (above team ${vt.teamId}'s guarantee; dominant share ${pct(vt.dominantShare)}, ` +
            `fair share ${pct(vt.entitledShare)}); reclaimed for ${p.preemptedBy} of team ${ft.teamId}, which is ` +
            (ft.belowGuarantee
              ? `below its guarantee (${totals?.used ?? 0} of ${totals?.guaranteed ?? 0} GPUs used)`
              : `under its fair share (dominant share ${pct(ft.dominantShare)} of ${pct(ft.entitledShare)})`) +
            " and fits nowhere else",
        };
      });
    }
  }
  return {
    order,
    placements: placements.sort((a, b) => compareIds(a.workloadId, b.workloadId)),
    preemptions: preemptions.sort((a, b) => compareIds(a.workloadId, b.workloadId)),
    unplaced: unplaced.map((u) => ({ ...u, priority: byId.get(u.workloadId)?.request.priority ?? 0 })),
  };
}

/**
 * An upper bound on what placement can do on `prepared` as it is: a request fits only if
 * some fabric pool has at least its node count of READY nodes with its GPUs per node free
 * (constraints on model, site, data or budget are left to the engine).
 */
function shapeFits(
  prepared: TPreparedSnapshot,
  /** GPUs per node index that count as free on top (held by work that may be preempted). */
  extra: ReadonlyMap<number, number> = new Map(),
): (request: TWorkloadRequestInput) => boolean {
  const most = new Map<number, number>(); // GPUs per node -> most such nodes in one pool
  const mostNodes = (gpus: number) => {
    let found = most.get(gpus);
    if (found === undefined) {
      found = 0;
      for (const pool of prepared.pools) {
        let n = 0;
        for (const node of pool.nodes) {
          if ((prepared.capacity.free[node] ?? 0) + (extra.get(node) ?? 0) >= gpus) n++;
        }
        if (n > found) found = n;
      }
      most.set(gpus, found);
    }
    return found;
  };
  return (request) =>
    "count" in request.gpu
      ? mostNodes(request.gpu.count) >= 1
      : mostNodes(request.gpu.gpusPerNode) >= request.gpu.nodes;
}

/** The one model a request can take, when the estate has it; else "*" (it may simply not fit). */
function onlyModel(request: TWorkloadRequestInput, shares: TShares): string {
  const model = request.gpuModels?.length === 1 ? request.gpuModels[0] : undefined;
  return model !== undefined && model in shares.capacity ? model : ANY_MODEL;
}

function overShare(team: TTeamShare): number {
  return team.dominantShare - team.entitledShare;
}

function pct(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

export function gpusOf(request: TWorkloadRequestInput): number {
  return "count" in request.gpu ? request.gpu.count : request.gpu.nodes * request.gpu.gpusPerNode;
}

/** The tree's team limits as engine quotas (the tighter one wins where the snapshot has one). */
function withTreeLimits(
  prepared: TPreparedSnapshot,
  teams: readonly { id: string; limits: Readonly<Record<string, number>> }[],
  shares: TShares,
): TPreparedSnapshot {
  const upsert: TQuota[] = [];
  const byTeam = new Map(shares.teams.map((t) => [t.teamId, t]));
  for (const team of teams) {
    for (const [model, limit] of Object.entries(team.limits)) {
      const existing = prepared.quotas.get(quotaKey(team.id, model));
      const row = byTeam.get(team.id)?.models.find((m) => m.gpuModel === model);
      upsert.push({
        teamId: team.id,
        gpuModel: model,
        limitGpus: Math.min(limit, existing?.limitGpus ?? limit),
        usedGpus: existing?.usedGpus ?? row?.used ?? 0,
        guaranteedGpus: existing?.guaranteedGpus ?? 0,
      });
    }
  }
  return upsert.length === 0 ? prepared : withChanges(prepared, { quotas: { upsert } });
}
