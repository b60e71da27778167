import { randomUUID } from "node:crypto";
import {
  appendAuditEvents,
  classifyDatabaseError,
  type Prisma,
  type PrismaClient,
  type TAuditInput,
} from "@switchyard/db";
import {
  PlacementInputError,
  type TAllocation,
  type TCandidate,
  type TPlacementResult,
  type TPreparedSnapshot,
  type TWorkloadRequestInput,
  withAllocations,
} from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { needingApproval } from "../governance/approval-gate.ts";
import { auditedTransaction, type TActor, type TMutationContext } from "../lib/audited.ts";
import { processMetrics } from "../observability/metrics.ts";
import { enqueueWebhookEvents } from "../webhooks/outbox.ts";
import { allocationsOf } from "./allocations.ts";
import { DEFAULT_CANDIDATES, decisionColumns } from "./compact.ts";
import { LOST_RACE_REASON, scheduleReason, waitsFor } from "./schedule.ts";
import { currentEstate, ENGINE_VERSION, placeOnEstate, runEngine, scheduleWorkload } from "./service.ts";

/**
 * The estate a round decides on: read once, when first needed (only the changes since this
 * process last looked, see estate/cache.ts), then derived after every placement the round
 * makes; never read again within it. The reconcile loop keeps one for its whole tick.
 */
export function roundEstate(prisma: PrismaClient) {
  let estate: TPreparedSnapshot | undefined;
  return {
    get: async () => {
      estate ??= await currentEstate(prisma);
      return estate;
    },
    took(allocations: TAllocation[]) {
      if (!estate) return;
      try {
        estate = withAllocations(estate, allocations);
      } catch (error) {
        if (!(error instanceof PlacementInputError)) throw error;
        estate = undefined; // it disagrees with what was committed: read it again
      }
    },
  };
}

export type TRoundEstate = ReturnType<typeof roundEstate>;

export type TRoundEntry = {
  workloadId: string;
  /** The engine's request for it (hard budgets included). */
  request: TWorkloadRequestInput;
  /** The site a batch or fair round chose for it among the others; else the recommendation. */
  batchSiteId?: string;
};

export type TRoundOutcome = {
  /** Scheduled in the round's transaction, in order. */
  scheduled: string[];
  /** Placed, but the rules in force ask for approvals first: scheduled one by one after the round. */
  awaitingApproval: { workloadId: string; decisionId: string; batchSiteId?: string }[];
  /** Feasible on the estate, but a node's guarded UPDATE refused its GPUs (another placement took them). */
  lost: string[];
};

type TPlanned = {
  entry: TRoundEntry;
  result: TPlacementResult;
  columns: ReturnType<typeof decisionColumns>;
  /** The stored candidate to schedule at (feasible only). */
  chosen: TCandidate | undefined;
};

/**
 * Places and schedules a round of PENDING workloads (the reconcile loop's retry) in one
 * transaction, with what one placeWorkload() and one scheduleWorkload() per workload would
 * write: each workload gets its explained decision, its allocations, its event and its audit
 * entries (workload.place, then workload.scheduled or placement.lost_race), but the rows are
 * written a few statements for the whole round rather than twenty per workload.
 *
 * Each workload is decided by the engine on the round's estate, derived after each feasible
 * placement (never read again). The estate is only a guess: the round locks its nodes' rows (in
 * node order) and reads them, then judges each workload in round order on what they hold now
 * (READY, and room for all its GPUs after the workloads before it). A single-node workload whose
 * node is full takes a spare node of the same site, GPU model and memory if one is free (locked
 * without waiting); a workload that still does not fit loses alone (its decision is superseded,
 * as a lost schedule race is), the others commit, their GPUs taken by one guarded UPDATE. A
 * workload no longer PENDING when the round locks it is left alone, without a decision. The
 * reconcile loop's retries and batch submissions (submit-batch.ts) are rounds.
 */
export async function placeRound(
  ctx: TMutationContext<TActor>,
  estate: TRoundEstate,
  entries: readonly TRoundEntry[],
  /** false: the decisions are only proposed (nothing locked, held or asked to approve). */
  options: { accept?: boolean } = {},
): Promise<TRoundOutcome> {
  const accept = options.accept ?? true;
  const planned: TPlanned[] = [];
  for (const entry of entries) {
    // The decision stores the top candidates only (decisionColumns): the others need not be
    // built, but for the batch's site, which the score may rank past them (a batch weighs cost).
    const result = runEngine(
      "place",
      await estate.get(),
      entry.request,
      DEFAULT_CANDIDATES,
      entry.batchSiteId,
    );
    const columns = decisionColumns(result, DEFAULT_CANDIDATES, entry.batchSiteId);
    // As scheduleWorkload() picks from the stored decision: the batch's site, else the first.
    const stored = columns.candidates.candidates;
    const chosen = result.feasible
      ? ((entry.batchSiteId ? stored.find((c) => c.siteId === entry.batchSiteId) : undefined) ?? stored[0])
      : undefined;
    planned.push({ entry, result, columns, chosen });
    if (chosen) estate.took(allocationsOf(entry.workloadId, entry.request, chosen.nodes));
  }
  if (planned.length === 0) return { scheduled: [], awaitingApproval: [], lost: [] };

  const now = new Date();
  const outcome = await auditedTransaction(ctx, async (tx): Promise<TRoundOutcome & { live: TPlanned[] }> => {
    // Nodes first, in id order (as holdGpus takes a gang's), so rounds and single schedules
    // wait for each other instead of deadlocking; then the workloads.
    const nodeIds = accept
      ? [...new Set(planned.flatMap((p) => p.chosen?.nodes.map((n) => n.nodeId) ?? []))].sort()
      : [];
    const locked =
      nodeIds.length === 0
        ? []
        : await tx.$queryRaw<(TNodeKind & { status: string; gpuCount: number; gpuAllocated: number })[]>`
            SELECT "id", "status"::text AS "status", "gpuCount", "gpuAllocated", "siteId", "gpuModel", "gpuMemoryGib", "fabric"
              FROM "GpuNode" WHERE "id" = ANY(${nodeIds}::text[]) ORDER BY "id" FOR UPDATE`;
    const ids = planned.map((p) => p.entry.workloadId);
    const rows = await tx.$queryRaw<{ id: string; state: string; teamId: string }[]>`
      SELECT "id", "state", "teamId" FROM "Workload" WHERE "id" = ANY(${ids}::text[]) ORDER BY "id" FOR UPDATE`;
    const pending = new Map(rows.filter((r) => r.state === "PENDING").map((r) => [r.id, r.teamId]));
    const live = planned.filter((p) => pending.has(p.entry.workloadId));
    if (live.length === 0) return { scheduled: [], awaitingApproval: [], lost: [], live };

    const waiting = await needingApproval(
      tx,
      live.flatMap((p) =>
        accept && p.chosen
          ? [
              {
                workloadId: p.entry.workloadId,
                teamId: pending.get(p.entry.workloadId) as string,
                chosen: p.chosen,
              },
            ]
          : [],
      ),
      now,
    );
    await tx.placementDecision.updateMany({
      where: { workloadId: { in: live.map((p) => p.entry.workloadId) }, status: "PROPOSED" },
      data: { status: "SUPERSEDED" },
    });

    // Capacity is judged on the rows the round has locked, as they are now (READY, and room),
    // workload after workload in round order: a workload takes all its nodes' GPUs or none.
    // The locks keep the rows as read until the round commits; one guarded UPDATE then takes
    // what the round holds and must find every node still with room.
    const room = new Map(locked.map((n) => [n.id, n.status === "READY" ? n.gpuCount - n.gpuAllocated : 0]));
    const take = new Map<string, number>();
    const scheduled = new Set<string>();
    const lost = new Set<string>();
    /** Takes all of a candidate's GPUs from the rows the round holds, or none. */
    const taken = (candidate: TCandidate) => {
      const want = new Map<string, number>();
      for (const n of candidate.nodes) want.set(n.nodeId, (want.get(n.nodeId) ?? 0) + n.gpus);
      if (![...want].every(([id, gpus]) => (room.get(id) ?? 0) >= gpus)) return false;
      for (const [id, gpus] of want) {
        room.set(id, (room.get(id) as number) - gpus);
        take.set(id, (take.get(id) ?? 0) + gpus);
      }
      return true;
    };
    for (const p of live) {
      if (!accept || !p.chosen || waiting.has(p.entry.workloadId)) continue;
      if (taken(p.chosen)) scheduled.add(p.entry.workloadId);
      else lost.add(p.entry.workloadId);
    }
    // Rounds decided at the same moment (batches submitted together, several processes) choose
    // the same best nodes. A single-node workload that lost its node takes another free node
    // of the same site, GPU model and memory instead (the same price, data and latency: the
    // site chosen is kept), among those no other transaction holds: locked without waiting
    // (SKIP LOCKED), so no lock order is needed. Gangs, whose nodes must share a fabric, lose.
    const movable = live.filter((p) => lost.has(p.entry.workloadId) && p.chosen?.nodes.length === 1);
    if (movable.length > 0) {
      const spare = await spareNodes(
        tx,
        movable.map((p) => p.chosen as TCandidate),
        [...room.keys()],
      );
      for (const node of spare) room.set(node.id, node.free);
      // The rows the round holds first (room left after the others), then the spare ones.
      const standIns: TNodeKind[] = [...locked, ...spare];
      for (const p of movable) {
        const chosen = p.chosen as TCandidate;
        const gpus = chosen.nodes[0]?.gpus ?? 0;
        const node = standIns.find(
          (n) =>
            n.siteId === chosen.siteId &&
            n.gpuModel === chosen.gpuModel &&
            n.gpuMemoryGib === chosen.gpuMemoryGib &&
            (room.get(n.id) ?? 0) >= gpus,
        );
        if (!node) continue;
        const moved: TCandidate = {
          ...chosen,
          fabric: node.fabric,
          nodes: [{ nodeId: node.id, gpus, fabric: node.fabric }],
        };
        if (!taken(moved)) continue;
        // The decision stores the nodes it holds.
        p.columns.candidates.candidates = p.columns.candidates.candidates.map((c) =>
          c === chosen ? moved : c,
        );
        p.chosen = moved;
        lost.delete(p.entry.workloadId);
        scheduled.add(p.entry.workloadId);
      }
    }
    if (take.size > 0) {
      const taken = await tx.$queryRaw<{ id: string }[]>`
        UPDATE "GpuNode" n SET "gpuAllocated" = n."gpuAllocated" + v."gpus", "updatedAt" = now()
          FROM unnest(${[...take.keys()]}::text[], ${[...take.values()]}::int[]) AS v("id", "gpus")
         WHERE n."id" = v."id" AND n."status" = 'READY' AND n."gpuAllocated" + v."gpus" <= n."gpuCount"
        RETURNING n."id"`;
      // Cannot happen while the rows are locked; should it, nothing of the round commits.
      if (taken.length !== take.size)
        throw new Error(
          `placeRound: ${take.size - taken.length} locked node(s) lost the room the round counted`,
        );
    }

    // One decision per workload, as placeWorkload() writes it, already in its final status: one
    // INSERT, the explanations passed as JSON text (the client's per-value JSON handling would
    // cost more than the rest of the round).
    const decisionOf = new Map(live.map((p) => [p.entry.workloadId, randomUUID()]));
    const column = <T>(pick: (p: TPlanned) => T) => live.map(pick);
    const statusOf = (id: string) =>
      scheduled.has(id) ? "ACCEPTED" : lost.has(id) ? "SUPERSEDED" : "PROPOSED";
    await tx.$executeRaw`
      INSERT INTO "PlacementDecision" ("id", "workloadId", "status", "feasible", "profile", "engineVersion",
                                       "recommendedSiteId", "chosenSiteId", "estimatedCostUsd", "summary",
                                       "candidates", "rejections", "decidedById", "decidedAt", "createdAt")
      SELECT d."id", d."workloadId", d."status"::"DecisionStatus", d."feasible", d."profile", ${ENGINE_VERSION},
             d."recommended", d."chosen", d."cost", d."summary", d."candidates", d."rejections",
             CASE WHEN d."status" = 'ACCEPTED' THEN ${ctx.user.id}::text END,
             CASE WHEN d."status" = 'ACCEPTED' THEN ${now}::timestamp(3) END, ${now}::timestamp(3)
        FROM unnest(
          ${column((p) => decisionOf.get(p.entry.workloadId) as string)}::text[],
          ${column((p) => p.entry.workloadId)}::text[],
          ${column((p) => statusOf(p.entry.workloadId))}::text[],
          ${column((p) => p.result.feasible)}::boolean[],
          ${column((p) => p.result.policy.profile)}::text[],
          ${column((p) => p.result.candidates[0]?.siteId ?? null)}::text[],
          ${column((p) => (scheduled.has(p.entry.workloadId) ? (p.chosen?.siteId ?? null) : null))}::text[],
          ${column((p) => p.result.candidates[0]?.cost.totalUsd ?? null)}::numeric[],
          ${column((p) => p.result.summary)}::text[],
          ${column((p) => JSON.stringify(p.columns.candidates))}::jsonb[],
          ${column((p) => JSON.stringify(p.columns.rejections))}::jsonb[]
        ) AS d("id", "workloadId", "status", "feasible", "profile", "recommended", "chosen", "cost", "summary",
               "candidates", "rejections")`;
    const done = live.filter((p) => scheduled.has(p.entry.workloadId));
    const reasonOf = (p: TPlanned) => {
      const id = p.entry.workloadId;
      const chosen = p.chosen as TCandidate;
      if (scheduled.has(id))
        return `${scheduleReason(chosen.siteName, null, chosen.siteId === p.result.candidates[0]?.siteId)}${waitsFor(chosen.cost.transfers.length)}`;
      if (lost.has(id)) return LOST_RACE_REASON;
      return p.result.feasible ? `recommended: ${p.result.candidates[0]?.siteName}` : p.result.summary;
    };
    const reasons = live.map(reasonOf);

    // Allocations and events as the decisions: one INSERT over arrays (the query builder compiles
    // a new plan for every number of rows, which cost more than the inserts).
    const held = done.flatMap((p) =>
      [...(p.chosen as TCandidate).nodes]
        .sort((a, b) => a.nodeId.localeCompare(b.nodeId))
        .map((n) => ({ workloadId: p.entry.workloadId, nodeId: n.nodeId, gpus: n.gpus })),
    );
    if (held.length > 0)
      await tx.$executeRaw`
        INSERT INTO "Allocation" ("id", "workloadId", "nodeId", "decisionId", "gpus", "createdAt")
        SELECT a."id", a."workloadId", a."nodeId", a."decisionId", a."gpus", ${now}::timestamp(3)
          FROM unnest(
            ${held.map(() => randomUUID())}::text[],
            ${held.map((a) => a.workloadId)}::text[],
            ${held.map((a) => a.nodeId)}::text[],
            ${held.map((a) => decisionOf.get(a.workloadId) ?? null)}::text[],
            ${held.map((a) => a.gpus)}::int[]
          ) AS a("id", "workloadId", "nodeId", "decisionId", "gpus")`;
    await tx.$executeRaw`
      UPDATE "Workload" w
         SET "state" = CASE WHEN v."site" IS NULL THEN w."state" ELSE 'SCHEDULED'::"WorkloadState" END,
             "siteId" = COALESCE(v."site", w."siteId"), "stateReason" = v."reason", "updatedAt" = now()
        FROM unnest(
          ${live.map((p) => p.entry.workloadId)}::text[],
          ${live.map((p) => (scheduled.has(p.entry.workloadId) ? (p.chosen?.siteId ?? null) : null))}::text[],
          ${reasons}::text[]
        ) AS v("id", "site", "reason")
       WHERE w."id" = v."id"`;
    if (done.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "WorkloadEvent" ("id", "workloadId", "fromState", "toState", "actorId", "reason", "createdAt")
        SELECT e."id", e."workloadId", 'PENDING'::"WorkloadState", 'SCHEDULED'::"WorkloadState", ${ctx.user.id}::text, e."reason", ${now}::timestamp(3)
          FROM unnest(
            ${done.map(() => randomUUID())}::text[],
            ${done.map((p) => p.entry.workloadId)}::text[],
            ${done.map(reasonOf)}::text[]
          ) AS e("id", "workloadId", "reason")`;
      await enqueueWebhookEvents(
        tx,
        "workload.state_changed",
        done.map((p) => ({
          workloadId: p.entry.workloadId,
          from: "PENDING",
          to: "SCHEDULED",
          reason: reasonOf(p),
        })),
        now,
      );
      const transfers = done.flatMap((p) =>
        (p.chosen as TCandidate).cost.transfers.map((t) => ({
          datasetId: t.datasetId,
          workloadId: p.entry.workloadId,
          sourceSiteId: t.fromSiteId,
          destinationSiteId: (p.chosen as TCandidate).siteId,
          bytes: BigInt(Math.round(t.bytes)),
          costUsd: t.egressUsd,
          etaSeconds: Math.round(t.hours * 3_600),
        })),
      );
      if (transfers.length > 0) await tx.dataTransfer.createMany({ data: transfers });
    }

    // The audit entries, in the order one placement after another would have written them.
    const by = { actorId: ctx.user.id, actorLabel: ctx.user.email, requestId: ctx.requestId };
    const events: TAuditInput[] = [];
    live.forEach((p, i) => {
      const id = p.entry.workloadId;
      const decisionId = decisionOf.get(id) as string;
      events.push({
        ...by,
        action: "workload.place",
        objectType: "Workload",
        objectId: id,
        after: {
          decisionId,
          feasible: p.result.feasible,
          recommended: p.result.candidates[0]?.siteId ?? null,
          summary: p.result.summary,
        },
      });
      if (scheduled.has(id))
        events.push({
          ...by,
          action: "workload.scheduled",
          objectType: "Workload",
          objectId: id,
          before: { state: "PENDING" },
          after: { state: "SCHEDULED", reason: reasons[i], releasedGpus: 0 },
        });
      if (lost.has(id))
        events.push({
          ...by,
          action: "placement.lost_race",
          objectType: "PlacementDecision",
          objectId: decisionId,
          after: {
            workloadId: id,
            reason: `a node of ${p.chosen?.siteName} no longer had the GPUs this decision counted on`,
          },
        });
    });
    await appendAuditEvents(tx, events);
    return {
      scheduled: done.map((p) => p.entry.workloadId),
      awaitingApproval: live
        .filter((p) => waiting.has(p.entry.workloadId))
        .map((p) => ({
          workloadId: p.entry.workloadId,
          decisionId: decisionOf.get(p.entry.workloadId) as string,
          ...(p.entry.batchSiteId ? { batchSiteId: p.entry.batchSiteId } : {}),
        })),
      lost: [...lost],
      live,
    };
  });
  for (const p of outcome.live)
    processMetrics().placementDecisions.inc({ outcome: p.result.feasible ? "feasible" : "infeasible" });
  return { scheduled: outcome.scheduled, awaitingApproval: outcome.awaitingApproval, lost: outcome.lost };
}

/**
 * Places a PENDING workload and schedules it: at the batch's site when the batch chose one,
 * else at the recommendation. False when nothing fits now or the placement waits for approval.
 */
export async function placeAndSchedule(
  ctx: TMutationContext<TActor>,
  estate: TRoundEstate,
  workloadId: string,
  batchSiteId?: string,
): Promise<boolean> {
  const { placed, result, request } = await placeOnEstate(
    ctx,
    workloadId,
    await estate.get(),
    batchSiteId,
  ).catch((error: unknown) => ({ placed: ignoreConflict(error), result: null, request: null }));
  if (!placed?.feasible || !request) return false;
  const scheduled = await scheduleWorkload(ctx, {
    id: workloadId,
    decisionId: placed.decisionId,
    batchSiteId,
  }).catch(ignoreConflict);
  if (scheduled?.state !== "SCHEDULED") return false;
  const nodes = result?.candidates.find((c) => c.siteId === scheduled.siteId)?.nodes ?? [];
  estate.took(allocationsOf(workloadId, request, nodes));
  return true;
}

/**
 * A round (placeRound), then the placements that wait for an approval each asked for it as
 * scheduleWorkload() does. Should the round's transaction be aborted as a whole by the database
 * (a deadlock or a serialization failure with another writer), the same work is placed one
 * workload at a time on a fresh estate. Answers the scheduled workloads, and those that lost
 * their GPUs to another placement (PENDING, their decisions retired). `accept: false` only
 * proposes: each workload gets its decision, nothing is scheduled.
 */
export async function placeAndScheduleRound(
  ctx: TMutationContext<TActor>,
  estate: TRoundEstate,
  ids: readonly string[],
  requestOf: ReadonlyMap<string, TWorkloadRequestInput>,
  chosenSite: ReadonlyMap<string, string>,
  options: { accept?: boolean } = {},
): Promise<{ scheduled: string[]; lost: string[] }> {
  const accept = options.accept ?? true;
  const entries = ids.map((id) => {
    const batchSiteId = chosenSite.get(id);
    return {
      workloadId: id,
      request: requestOf.get(id) as TWorkloadRequestInput,
      ...(batchSiteId ? { batchSiteId } : {}),
    };
  });
  const outcome = await placeRound(ctx, estate, entries, { accept }).catch((error: unknown) =>
    classifyDatabaseError(error)?.kind === "retry" ? null : Promise.reject(error),
  );
  if (!outcome) {
    const fresh = roundEstate(ctx.prisma);
    const scheduled: string[] = [];
    for (const id of ids) {
      if (!accept) {
        await placeOnEstate(ctx, id, await fresh.get(), chosenSite.get(id)).catch(ignoreConflict);
        continue;
      }
      if (await placeAndSchedule(ctx, fresh, id, chosenSite.get(id))) scheduled.push(id);
    }
    return { scheduled, lost: [] };
  }
  const scheduled = [...outcome.scheduled];
  for (const wait of outcome.awaitingApproval) {
    const done = await scheduleWorkload(ctx, {
      id: wait.workloadId,
      decisionId: wait.decisionId,
      batchSiteId: wait.batchSiteId,
    }).catch(ignoreConflict);
    if (done?.state === "SCHEDULED") scheduled.push(wait.workloadId);
  }
  return { scheduled, lost: outcome.lost };
}

/** Losing a race (capacity taken, state changed by someone else) is normal for a loop. */
function ignoreConflict(error: unknown): null {
  if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "CAPACITY_EXCEEDED"))
    return null;
  throw error;
}

/** What makes one node stand in for another for a single-node workload: its site, model and memory. */
type TNodeKind = { id: string; siteId: string; gpuModel: string; gpuMemoryGib: number; fabric: string };

/**
 * Free READY nodes of the candidates' sites, GPU models and memory, beyond the rows the round
 * already holds, locked for the round without waiting for any other transaction's (SKIP LOCKED):
 * a few per candidate, enough for each to find one.
 */
async function spareNodes(
  tx: Prisma.TransactionClient,
  candidates: readonly TCandidate[],
  held: readonly string[],
) {
  const kinds = [
    ...new Map(candidates.map((c) => [`${c.siteId}\u0000${c.gpuModel}\u0000${c.gpuMemoryGib}`, c])).values(),
  ];
  return tx.$queryRaw<(TNodeKind & { free: number })[]>`
    SELECT n."id", n."siteId", n."gpuModel", n."gpuMemoryGib", n."fabric", n."gpuCount" - n."gpuAllocated" AS "free"
      FROM "GpuNode" n
      JOIN unnest(${kinds.map((c) => c.siteId)}::text[], ${kinds.map((c) => c.gpuModel)}::text[],
                  ${kinds.map((c) => c.gpuMemoryGib)}::int[]) AS k("siteId", "gpuModel", "gpuMemoryGib")
        ON n."siteId" = k."siteId" AND n."gpuModel" = k."gpuModel" AND n."gpuMemoryGib" = k."gpuMemoryGib"
     WHERE n."status" = 'READY' AND n."gpuAllocated" < n."gpuCount" AND n."id" <> ALL(${[...held]}::text[])
     ORDER BY n."id"
     LIMIT ${4 * candidates.length}
       FOR UPDATE OF n SKIP LOCKED`;
}
