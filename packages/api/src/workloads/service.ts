import { classifyDatabaseError, type PlacementDecision, Prisma, type PrismaClient } from "@switchyard/db";
import { GPU_MODEL_NAMES } from "@switchyard/db/gpu-models";
import {
  explainSite,
  PlacementInputError,
  place,
  profiles,
  type TPlacementResult,
  type TPreparedSnapshot,
} from "@switchyard/placement";
import { assertMayUseTeam, seesTeam, teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { estateCache, type TEstateWithFacts } from "../estate/cache.ts";
import { forecastApprovals, type TApprovalNeed } from "../governance/approval-forecast.ts";
import { closePendingApprovals } from "../governance/approval-gate.ts";
import { auditedTransaction, type TActor, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { containsPattern, countOrEstimate, sqlAnd } from "../lib/count.ts";
import { keysetCursorAfter, keysetWhere, type TKey } from "../lib/keyset.ts";
import { keysetPageArgs, toKeysetPage } from "../lib/pagination.ts";
import { processMetrics, timePlacement } from "../observability/metrics.ts";
import {
  type TListWorkloadsInput,
  type TWorkloadSpec,
  WORKLOAD_STATES,
} from "../router/workload/workload.schema.ts";
import { withHardBudget } from "../services/team-budget.ts";
import {
  compactResult,
  DEFAULT_CANDIDATES,
  decisionColumns,
  readDecisionColumns,
  type TCandidateLimit,
} from "./compact.ts";
import { LOST_RACE_REASON, retireLostDecisionIn, scheduleInTransaction } from "./schedule.ts";
import { type TWorkloadForRequest, toRequest } from "./snapshot.ts";
import {
  activeNamesakes,
  lockNames,
  nameTaken,
  pastDeadline,
  readReferences,
  referenceError,
  unfinishedParents,
  waitingReason,
} from "./submission.ts";
import { assertDataArrived } from "./transfers.ts";
import { transitionWorkload } from "./transitions.ts";

export { scheduleWorkload, type TScheduleInput, type TScheduleResult } from "./schedule.ts";

export const ENGINE_VERSION = "placement/1";

/** A snapshot or request the engine refuses is the client's to fix: a 400 naming the field. */
export function engineInputError(error: unknown): unknown {
  if (!(error instanceof PlacementInputError)) return error;
  const first = error.issues[0];
  return new AppError("INVALID_REQUEST", error.message, {
    userMessage: error.message.replace("Invalid placement input: ", ""),
    field: first?.path,
  });
}

export function runEngine(
  operation: "recommend" | "place",
  snapshot: TPreparedSnapshot,
  request: Parameters<typeof place>[0]["request"],
  /**
   * Compact answers and decisions: only the best N candidates are built, and each rejected site
   * keeps its first reason only (what the reason counts and the funnel count; a compact answer
   * drops the rest). Default: every candidate, every reason.
   */
  maxCandidates?: number,
  /**
   * A site whose candidate is built even past the best N: the one a batch chose. Ignored when
   * the estate no longer has it (removed since the batch ran).
   */
  alsoBuildSiteId?: string,
): TPlacementResult {
  const includeSites =
    alsoBuildSiteId !== undefined && snapshot.siteIdxById.has(alsoBuildSiteId)
      ? [alsoBuildSiteId]
      : undefined;
  try {
    return timePlacement(operation, () =>
      place({
        snapshot,
        request,
        ...(maxCandidates === undefined ? {} : { maxCandidates, reasons: "first" as const }),
        ...(includeSites ? { includeSites } : {}),
      }),
    );
  } catch (error) {
    throw engineInputError(error);
  }
}

/**
 * The estate to decide on, from this process's in-memory copy (estate/cache.ts): no query when
 * nothing was announced since the last catch-up, else one cheap query for what changed and only
 * the changed rows read. A decision on a stale estate ends in a conflict at schedule time.
 */
export async function currentEstate(prisma: PrismaClient): Promise<TPreparedSnapshot> {
  return (await currentEstateWithFacts(prisma)).estate;
}

/** currentEstate with the rules in force and the teams' budgets of the same moment (previews). */
export function currentEstateWithFacts(prisma: PrismaClient): Promise<TEstateWithFacts> {
  return estateCache(prisma)
    .withFacts("announced")
    .catch((error: unknown) => Promise.reject(engineInputError(error)));
}

export function specToRequest(spec: TWorkloadSpec, id: string) {
  return {
    id,
    kind: spec.kind,
    teamId: spec.teamId,
    gpu: spec.gpu,
    gpuModels: spec.gpuModels,
    ...(spec.minGpuMemoryGib ? { minGpuMemoryGib: spec.minGpuMemoryGib } : {}),
    estimatedHours: spec.estimatedHours,
    datasetIds: spec.datasetIds,
    ...(spec.latency ? { latency: spec.latency } : {}),
    requiredCertifications: spec.requiredCertifications,
    allowedKinds: spec.allowedKinds,
    ...(spec.budgetUsd !== undefined ? { budgetUsd: spec.budgetUsd } : {}),
    priority: spec.priority,
    preemptible: spec.preemptible,
    ...(spec.policyProfile ? { policy: { profile: spec.policyProfile } } : {}),
  };
}

/**
 * Where the workload would run now, and why not elsewhere; writes nothing (the form's live
 * preview, REST's recommend). Answers the top `candidates` (default 10) with the approvals each
 * would need, the rejections counted by reason, and, when asked, one site's explanation.
 */
export async function previewPlacement(
  prisma: PrismaClient,
  input: TWorkloadSpec & { candidates?: TCandidateLimit; whyNot?: string },
) {
  const { candidates: limit = DEFAULT_CANDIDATES, whyNot, ...spec } = input;
  const known = await currentEstateWithFacts(prisma);
  const request = await withHardBudget(
    prisma,
    specToRequest(spec, "preview"),
    new Date(),
    known.facts.budgets,
  );
  // A why-not needs every site's verdict; a top N needs only N candidates built.
  const built = whyNot === undefined && limit !== "all" ? limit : undefined;
  const result = runEngine("recommend", known.estate, request, built);
  const compact = compactResult(result, limit);
  const approvals = await forecastApprovals(
    prisma,
    { datasetIds: spec.datasetIds, teamId: spec.teamId },
    compact.candidates,
    result.candidates[0]?.siteId ?? null,
    known,
  );
  return {
    ...compact,
    candidates: withApprovals(compact.candidates, approvals),
    whyNot: whyNot === undefined ? null : explainPreviewSite(result, whyNot),
  };
}

/** One site of a preview explained from the whole answer; a site the estate lacks is the caller's to fix. */
function explainPreviewSite(result: TPlacementResult, siteId: string) {
  const fits = result.candidates.some((c) => c.siteId === siteId);
  if (!fits && !result.rejected.some((r) => r.siteId === siteId))
    throw new AppError("INVALID_REQUEST", `site ${siteId} not in the estate`, {
      userMessage: `Site ${siteId} does not exist (or is decommissioned): choose a site of the estate.`,
      field: "whyNot",
    });
  return { siteId, fits, explanation: explainSite(result, siteId) };
}

/** Candidates, each with the approvals choosing it would need. */
function withApprovals<C>(candidates: readonly C[], approvals: TApprovalNeed[][]) {
  return candidates.map((c, i) => ({ ...c, approvals: approvals[i] ?? [] }));
}

/** Where a submission that asked to be scheduled at once stands after the call. */
export type TSubmitSchedule = {
  /** SCHEDULED, AWAITING_APPROVAL or PENDING; a replayed submission: the workload's state now. */
  state: string;
  siteId: string | null;
  approvalRequestId: string | null;
  /** Why it is still PENDING (no site fits now, another placement took the GPUs); else null. */
  reason: string | null;
};

export type TSubmitResult = {
  id: string;
  /** false when the client key matched an earlier submission. */
  created: boolean;
  /** Only when the submission asked to be scheduled. */
  schedule?: TSubmitSchedule;
};

/**
 * Saves a workload (DRAFT or PENDING) and, when it is PENDING and waits on nothing, places it
 * in the same transaction: the workload and its first decision are written together or not at
 * all. A request no site can satisfy stays PENDING with the reasons; the same client key twice
 * returns the first workload. With `schedule`, the recommendation is also accepted in that
 * transaction (as workload.schedule would, approvals included): one call and one transaction
 * for a pipeline that runs what it submits.
 */
export async function submitWorkload(
  ctx: TMutationContext,
  input: { spec: TWorkloadSpec; clientKey?: string; asDraft: boolean; schedule?: boolean },
): Promise<TSubmitResult> {
  const { spec } = input;
  if (input.schedule && input.asDraft)
    throw new AppError("INVALID_REQUEST", "schedule with asDraft", {
      userMessage: "A draft is neither placed nor scheduled: send schedule or asDraft, not both",
      field: "schedule",
    });
  await assertMayUseTeam(ctx.prisma, ctx.user, spec.teamId, { operate: input.schedule });
  const submitted = (clientKey: string) =>
    ctx.prisma.workload.findUnique({
      where: { teamId_clientKey: { teamId: spec.teamId, clientKey } },
      select: { id: true },
    });
  // A replay answers with the first workload, and where it stands when scheduling was asked.
  const replayed = async (id: string): Promise<TSubmitResult> =>
    input.schedule
      ? { id, created: false, schedule: await standing(ctx.prisma, id) }
      : { id, created: false };
  if (input.clientKey) {
    const existing = await submitted(input.clientKey);
    if (existing) return replayed(existing.id);
  }
  const now = new Date();
  const late = pastDeadline(spec, now);
  if (late) throw late;
  const scope = await teamScope(ctx.prisma, ctx.user);
  // Read before the transaction: catching up on the estate is a transaction of its own. Its
  // facts carry the teams' budgets of the same moment, so the hard budget is not read again.
  const estate = input.asDraft ? undefined : await currentEstateWithFacts(ctx.prisma);
  const created = await auditedTransaction(ctx, async (tx, audit) => {
    // One active workload per name in a team; the same clientKey is a replay of that submission.
    await lockNames(tx, [spec]);
    const [namesake] = await activeNamesakes(tx, [spec]);
    if (namesake && input.clientKey && namesake.clientKey === input.clientKey)
      return { id: namesake.id, duplicate: true as const };
    if (namesake) throw nameTaken(spec, namesake);
    const refs = await readReferences(tx, [spec], scope);
    const missing = referenceError(spec, refs);
    if (missing) throw missing;
    const state = input.asDraft ? "DRAFT" : "PENDING";
    const waitingFor = unfinishedParents(spec, refs);
    // The workload row alone (one INSERT … RETURNING), then its events and links: nested
    // creates would read the row back in extra statements.
    const created = await tx.workload.create({
      data: workloadRow(spec, {
        state,
        submittedById: ctx.user.id,
        clientKey: input.clientKey ?? null,
        stateReason: !input.asDraft && waitingFor.length > 0 ? waitingReason(waitingFor) : null,
      }),
    });
    await tx.workloadEvent.create({
      data: {
        workloadId: created.id,
        toState: state,
        actorId: ctx.user.id,
        reason: input.asDraft ? "saved as draft" : "submitted",
        createdAt: now,
      },
    });
    if (spec.datasetIds.length > 0)
      await tx.workloadDataset.createMany({
        data: spec.datasetIds.map((datasetId) => ({ workloadId: created.id, datasetId })),
      });
    if (spec.dependsOn.length > 0)
      await tx.workloadDependency.createMany({
        data: spec.dependsOn.map((dependsOnId) => ({ workloadId: created.id, dependsOnId })),
      });
    const workload = { ...created, datasets: spec.datasetIds.map((datasetId) => ({ datasetId })) };
    await audit({
      action: "workload.submit",
      objectType: "Workload",
      objectId: workload.id,
      after: { ...spec, state },
    });
    if (!estate || waitingFor.length > 0) {
      // A scheduled submission is never a draft: it waits for the workloads it depends on.
      const schedule = input.schedule ? { ...NOT_SCHEDULED, reason: waitingReason(waitingFor) } : undefined;
      return { id: workload.id, feasible: null, schedule };
    }
    const { result } = await decide(tx, workload, estate.estate, now, undefined, estate.facts.budgets);
    // A new workload has no earlier proposal to supersede.
    const { decision } = await recordDecision(tx, audit, workload.id, result, undefined, {
      fresh: true,
      scheduling: input.schedule,
    });
    const schedule = input.schedule
      ? await scheduleAtOnce(tx, audit, ctx.user, decision, result, now)
      : undefined;
    return { id: workload.id, feasible: result.feasible, schedule };
  }).catch(async (error: unknown) => {
    // The same key submitted concurrently: the unique index let one insert win; answer
    // every other submission with that workload, as if it had come second.
    const clash = classifyDatabaseError(error);
    if (input.clientKey && clash?.kind === "unique" && clash.fields.includes("clientKey")) {
      const existing = await submitted(input.clientKey);
      if (existing) return { id: existing.id, duplicate: true as const };
    }
    throw error;
  });
  if ("duplicate" in created) return replayed(created.id);
  if (created.feasible !== null) countDecision(created.feasible);
  return { id: created.id, created: true, ...(created.schedule ? { schedule: created.schedule } : {}) };
}

/** The Workload row a spec is saved as (submitWorkload, submitWorkloads). */
export function workloadRow(
  spec: TWorkloadSpec,
  saved: {
    state: "DRAFT" | "PENDING";
    submittedById: string;
    clientKey: string | null;
    stateReason: string | null;
  },
) {
  const gang = "nodes" in spec.gpu ? spec.gpu : null;
  return {
    name: spec.name,
    kind: spec.kind,
    state: saved.state,
    teamId: spec.teamId,
    submittedById: saved.submittedById,
    clientKey: saved.clientKey,
    gpuCount: "nodes" in spec.gpu ? spec.gpu.nodes * spec.gpu.gpusPerNode : spec.gpu.count,
    gangNodes: gang?.nodes ?? null,
    gpusPerNode: gang?.gpusPerNode ?? null,
    gpuModels: spec.gpuModels,
    minGpuMemoryGib: spec.minGpuMemoryGib ?? null,
    estimatedHours: spec.estimatedHours,
    userRegion: spec.latency?.userRegion ?? null,
    latencySloMs: spec.latency?.maxMs ?? null,
    requiredCertifications: spec.requiredCertifications,
    allowedSiteKinds: spec.allowedKinds,
    priority: spec.priority,
    preemptible: spec.preemptible,
    budgetUsd: spec.budgetUsd ?? null,
    deadline: spec.deadline ?? null,
    policyProfile: spec.policyProfile ?? null,
    stateReason: saved.stateReason,
    command: spec.command ?? null,
    image: spec.image ?? null,
    outputName: spec.output?.name ?? null,
    outputVersion: spec.output?.version ?? null,
    outputSizeBytes: spec.output?.sizeGb === undefined ? null : BigInt(Math.round(spec.output.sizeGb * 1e9)),
  } satisfies Prisma.WorkloadUncheckedCreateInput;
}

const NOT_SCHEDULED = { state: "PENDING", siteId: null, approvalRequestId: null } as const;

/**
 * Accepts a fresh decision inside the submission's transaction. Losing the GPUs to another
 * placement is an answer, not a failure: the submission stands, PENDING, its decision retired
 * for the loop to place again (as workload.schedule does in a transaction of its own).
 */
async function scheduleAtOnce(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  actor: TActor,
  decision: PlacementDecision,
  result: TPlacementResult,
  now: Date,
): Promise<TSubmitSchedule> {
  if (!result.feasible) return { ...NOT_SCHEDULED, reason: result.summary };
  const input = { id: decision.workloadId, decisionId: decision.id };
  try {
    // The workload is PENDING and its decision current: written just now in this transaction.
    const scheduled = await scheduleInTransaction(tx, audit, actor, input, now, decision);
    return {
      state: scheduled.state,
      siteId: scheduled.siteId,
      approvalRequestId: scheduled.approvalRequestId,
      reason: null,
    };
  } catch (error) {
    if (!(error instanceof AppError && error.code === "CAPACITY_EXCEEDED")) throw error;
    await retireLostDecisionIn(tx, audit, input, error);
    return { ...NOT_SCHEDULED, reason: LOST_RACE_REASON };
  }
}

/** Where an earlier submission stands now, for a replay that asked to schedule. */
async function standing(prisma: PrismaClient, id: string): Promise<TSubmitSchedule> {
  return (await standings(prisma, [id])).get(id) as TSubmitSchedule;
}

/** Where submitted workloads stand now (one read): for replays, and a batch's answers. */
export async function standings(
  prisma: PrismaClient,
  ids: readonly string[],
): Promise<Map<string, TSubmitSchedule>> {
  const workloads = await prisma.workload.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      state: true,
      siteId: true,
      stateReason: true,
      approvals: { where: { status: "PENDING" }, select: { id: true, siteId: true }, take: 1 },
    },
  });
  return new Map(
    workloads.map((w) => {
      const waitingOn = w.approvals[0];
      return [
        w.id,
        {
          state: w.state,
          // Awaiting approval, the workload has no site yet: the request says where it will go.
          siteId: w.siteId ?? waitingOn?.siteId ?? null,
          approvalRequestId: waitingOn?.id ?? null,
          reason: w.state === "PENDING" ? w.stateReason : null,
        },
      ];
    }),
  );
}

/**
 * Runs the engine for a PENDING workload and stores its decision with the whole
 * explanation. Earlier proposals are superseded. Infeasible is a normal outcome: the
 * workload stays PENDING with the engine's summary as its reason.
 */
export async function placeWorkload(ctx: TMutationContext<TActor>, workloadId: string) {
  return (await placeOnEstate(ctx, workloadId)).placed;
}

/**
 * placeWorkload() on a given estate (the current one when omitted), also answering what the
 * engine found and the request it decided, so that a caller placing several workloads in a
 * row can derive the next estate from this one (see loops/reconcile.ts).
 */
export async function placeOnEstate(
  ctx: TMutationContext<TActor>,
  workloadId: string,
  estate?: TPreparedSnapshot,
  /** The site a batch chose for it: its candidate is stored even past the top ones. */
  batchSiteId?: string,
) {
  const workload = await ctx.prisma.workload.findUnique({
    where: { id: workloadId },
    include: {
      datasets: { select: { datasetId: true } },
      dependsOn: { select: { dependsOn: { select: { name: true, state: true } } } },
    },
  });
  if (!workload)
    throw new AppError("NOT_FOUND", `workload ${workloadId} not found`, {
      userMessage: "This workload does not exist.",
    });
  if (workload.state !== "PENDING") {
    throw new AppError("CONFLICT", `workload ${workloadId} is ${workload.state}`, {
      userMessage: `Only a PENDING workload can be placed; this one is ${workload.state}.`,
    });
  }
  const waitingFor = workload.dependsOn
    .map((d) => d.dependsOn)
    .filter((parent) => parent.state !== "SUCCEEDED");
  if (waitingFor.length > 0) {
    const reason = waitingReason(waitingFor);
    await ctx.prisma.workload.update({ where: { id: workloadId }, data: { stateReason: reason } });
    return { placed: null, result: null, request: null };
  }
  const { result, request } = await decide(
    ctx.prisma,
    workload,
    estate ?? (await currentEstate(ctx.prisma)),
    new Date(),
    batchSiteId,
  );
  const { decision: _row, ...placed } = await auditedTransaction(ctx, (tx, audit) =>
    recordDecision(tx, audit, workloadId, result, batchSiteId),
  );
  countDecision(result.feasible);
  return { placed, result, request };
}

/**
 * The engine's placement of a stored workload on `estate`, its team's hard budget applied, and
 * the request it decided. Only the top candidates are built: the decision stores no more
 * (decisionColumns).
 */
async function decide(
  db: PrismaClient | Prisma.TransactionClient,
  workload: TWorkloadForRequest,
  estate: TPreparedSnapshot,
  now: Date,
  batchSiteId?: string,
  /** The teams' budgets of the estate's moment (TEstateFacts): then none is read. */
  budgets?: Parameters<typeof withHardBudget>[3],
) {
  const request = await withHardBudget(db, toRequest(workload), now, budgets);
  return { result: runEngine("place", estate, request, DEFAULT_CANDIDATES, batchSiteId), request };
}

function countDecision(feasible: boolean) {
  processMetrics().placementDecisions.inc({ outcome: feasible ? "feasible" : "infeasible" });
}

/**
 * Stores the engine's decision for a PENDING workload inside the caller's transaction (earlier
 * proposals superseded, the workload's reason set, audited). `keepSiteId`: that site's
 * candidate is stored even past the top candidates, so that scheduling there can find it.
 * `fresh`: the workload was created in this transaction, so it has no proposal to supersede.
 * `scheduling`: the caller schedules a feasible decision next in this transaction, which writes
 * the workload's reason whatever comes of it (scheduled, awaiting approval, lost race).
 */
export async function recordDecision(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  workloadId: string,
  result: TPlacementResult,
  keepSiteId?: string,
  options: { fresh?: boolean; scheduling?: boolean } = {},
) {
  const best = result.candidates[0];
  const columns = decisionColumns(result, DEFAULT_CANDIDATES, keepSiteId);
  if (!options.fresh)
    await tx.placementDecision.updateMany({
      where: { workloadId, status: "PROPOSED" },
      data: { status: "SUPERSEDED" },
    });
  const decision = await tx.placementDecision.create({
    data: {
      workloadId,
      feasible: result.feasible,
      profile: result.policy.profile,
      engineVersion: ENGINE_VERSION,
      recommendedSiteId: best?.siteId ?? null,
      estimatedCostUsd: best ? best.cost.totalUsd : null,
      summary: result.summary,
      // The recommendation, the next candidates (the fallbacks at schedule time) and the
      // rejections counted by reason: a few KB, not every site of the estate.
      ...(JSON.parse(JSON.stringify(columns)) as {
        candidates: Prisma.InputJsonValue;
        rejections: Prisma.InputJsonValue;
      }),
    },
  });
  if (!(options.scheduling && result.feasible))
    await tx.workload.update({
      where: { id: workloadId },
      data: { stateReason: result.feasible ? `recommended: ${best?.siteName}` : result.summary },
    });
  await audit({
    action: "workload.place",
    objectType: "Workload",
    objectId: workloadId,
    after: {
      decisionId: decision.id,
      feasible: result.feasible,
      recommended: best?.siteId ?? null,
      summary: result.summary,
    },
  });
  return { decisionId: decision.id, feasible: result.feasible, summary: result.summary, decision };
}

/**
 * Start, finish, fail or cancel: the user- and API-driven steps of the lifecycle. Who may is
 * checked by the procedure (workloadOperatorProcedure).
 */
export async function moveWorkload(
  ctx: TMutationContext,
  input: { id: string; to: "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED"; reason?: string },
) {
  const result = await auditedTransaction(ctx, async (tx, audit) => {
    if (input.to === "RUNNING") await assertDataArrived(tx, input.id);
    if (input.to === "CANCELLED") {
      await tx.dataTransfer.updateMany({
        where: { workloadId: input.id, status: { in: ["PENDING", "IN_PROGRESS"] } },
        data: { status: "CANCELLED" },
      });
      await closePendingApprovals(tx, audit, {
        of: { workloadId: input.id },
        status: "CANCELLED",
        reason: `workload cancelled by ${ctx.user.email}`,
        now: new Date(),
      });
    }
    return transitionWorkload(tx, audit, {
      workloadId: input.id,
      to: input.to,
      actorId: ctx.user.id,
      reason: input.reason || defaultReason(input.to, ctx.user.email),
      now: new Date(),
    });
  });
  // Children of a workload that just succeeded may run now.
  if (input.to === "SUCCEEDED") {
    const children = await ctx.prisma.workloadDependency.findMany({
      where: { dependsOnId: input.id, workload: { state: "PENDING" } },
      select: { workloadId: true },
    });
    for (const child of children) await placeWorkload(ctx, child.workloadId);
  }
  return result;
}

function defaultReason(to: string, email: string) {
  return `marked ${to.toLowerCase()} by ${email}`;
}

const WORKLOAD_LIST_SELECT = {
  id: true,
  name: true,
  kind: true,
  state: true,
  stateReason: true,
  gpuCount: true,
  gpuModels: true,
  priority: true,
  createdAt: true,
  team: { select: { id: true, name: true } },
  site: { select: { id: true, name: true, kind: true } },
} satisfies Prisma.WorkloadSelect;

type TWorkloadListRow = Prisma.WorkloadGetPayload<{ select: typeof WORKLOAD_LIST_SELECT }>;

/** The list's order: the sort key, then id. */
function workloadKeys(input: TListWorkloadsInput): TKey<TWorkloadListRow>[] {
  const sort = input.sort;
  const dir = input.direction;
  return [
    {
      dir,
      orderBy: { [sort]: dir },
      of: (row) => row[sort],
      where: (condition) => ({ [sort]: condition }),
      type: sort === "createdAt" ? "date" : sort === "priority" ? "number" : "string",
      ...(sort === "state" ? { enumOrder: WORKLOAD_STATES } : {}),
    },
    { dir: "asc", orderBy: { id: "asc" }, of: (row) => row.id, where: (condition) => ({ id: condition }) },
  ];
}

/**
 * One page of the workloads the user may see: one select in the chosen order, after the cursor
 * (keyset) or at the page number, and a total counted exactly up to EXACT_COUNT_UP_TO workloads
 * and estimated by PostgreSQL above (lib/count.ts).
 */
export async function listWorkloads(prisma: PrismaClient, user: TSessionUser, input: TListWorkloadsInput) {
  const scope = await teamScope(prisma, user);
  // A team filter narrows the user's scope; it never widens it.
  const teams =
    scope || input.teamId
      ? (scope ?? [input.teamId ?? ""]).filter((id) => !input.teamId || id === input.teamId)
      : null;
  const where: Prisma.WorkloadWhereInput = {
    ...(teams ? { teamId: { in: teams } } : {}),
    ...(input.state ? { state: input.state } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.siteId ? { siteId: input.siteId } : {}),
    ...(input.search ? { name: { contains: input.search, mode: "insensitive" } } : {}),
  };
  const conditions: Prisma.Sql[] = [];
  if (teams)
    conditions.push(teams.length > 0 ? Prisma.sql`"teamId" IN (${Prisma.join(teams)})` : Prisma.sql`FALSE`);
  if (input.state) conditions.push(Prisma.sql`"state" = ${input.state}::"WorkloadState"`);
  if (input.kind) conditions.push(Prisma.sql`"kind" = ${input.kind}::"WorkloadKind"`);
  if (input.siteId) conditions.push(Prisma.sql`"siteId" = ${input.siteId}`);
  if (input.search) conditions.push(Prisma.sql`"name" ILIKE ${containsPattern(input.search)}`);
  const keys = workloadKeys(input);
  const order = `${input.sort}:${input.direction}`;
  const after = input.cursor
    ? (keysetWhere(keys, order, input.cursor) as Prisma.WorkloadWhereInput)
    : undefined;
  const [count, rows] = await Promise.all([
    countOrEstimate(
      prisma,
      (limit) => prisma.workload.count({ where, take: limit }),
      Prisma.sql`SELECT 1 FROM "Workload" WHERE ${sqlAnd(conditions)}`,
    ),
    prisma.workload.findMany({
      where: after ? { AND: [where, after] } : where,
      orderBy: keys.map((key) => key.orderBy) as Prisma.WorkloadOrderByWithRelationInput[],
      ...keysetPageArgs(input),
      select: WORKLOAD_LIST_SELECT,
    }),
  ]);
  return toKeysetPage(rows, count, input, (last) => keysetCursorAfter(keys, order, last));
}

/**
 * A workload outside the user's teams is reported as missing, not forbidden: whether it
 * exists is not theirs to know. Every read of one workload goes through here.
 */
function assertVisible<T extends { teamId: string }>(
  workload: T | null,
  scope: string[] | null,
  id: string,
  user: TSessionUser,
): asserts workload is T {
  if (!workload || (scope && !scope.includes(workload.teamId))) {
    throw new AppError("NOT_FOUND", `workload ${id} not visible to ${user.email}`, {
      userMessage: "This workload does not exist.",
    });
  }
}

/** The workload's id and name if the user may see it (as workload.byId would show it), else NOT_FOUND. */
export async function getVisibleWorkloadOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const [workload, scope] = await Promise.all([
    prisma.workload.findUnique({
      where: { id },
      select: { id: true, name: true, teamId: true, state: true },
    }),
    teamScope(prisma, user),
  ]);
  assertVisible(workload, scope, id, user);
  return workload;
}

export async function getWorkloadOrThrow(prisma: PrismaClient, user: TSessionUser, id: string) {
  const workload = await prisma.workload.findUnique({
    where: { id },
    include: {
      team: { select: { id: true, name: true } },
      submittedBy: { select: { name: true, email: true } },
      site: { select: { id: true, name: true, kind: true } },
      datasets: {
        select: {
          dataset: { select: { id: true, name: true, kind: true, classification: true, sizeBytes: true } },
        },
      },
      output: { select: { id: true, name: true, version: true } },
      dependsOn: { select: { dependsOn: { select: { id: true, name: true, state: true, teamId: true } } } },
      dependents: { select: { workload: { select: { id: true, name: true, state: true, teamId: true } } } },
      events: { orderBy: { createdAt: "asc" }, include: { actor: { select: { name: true, email: true } } } },
      allocations: {
        where: { status: "ACTIVE" },
        select: { gpus: true, node: { select: { id: true, hostname: true, gpuModel: true } } },
      },
      transfers: {
        select: {
          id: true,
          status: true,
          bytes: true,
          costUsd: true,
          etaSeconds: true,
          dataset: { select: { name: true } },
          sourceSite: { select: { name: true } },
        },
      },
      decisions: { orderBy: { createdAt: "desc" }, take: 1 },
      externalJobs: {
        orderBy: { createdAt: "desc" },
        take: 1,
        select: {
          id: true,
          kind: true,
          status: true,
          externalId: true,
          externalState: true,
          externalReason: true,
          exitCode: true,
          nodes: true,
          attempts: true,
          nextAttemptAt: true,
          lastError: true,
          submittedAt: true,
          startedAt: true,
          endedAt: true,
        },
      },
      approvals: {
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          status: true,
          summary: true,
          siteId: true,
          createdAt: true,
          decidedAt: true,
          expiresAt: true,
        },
      },
    },
  });
  const scope = await teamScope(prisma, user);
  assertVisible(workload, scope, id, user);
  const { decisions, ...rest } = workload;
  const decision = decisions[0];
  return {
    ...rest,
    // Pipeline neighbours of other teams (an operator may link across teams) stay unnamed.
    dependsOn: workload.dependsOn.filter((d) => seesTeam(scope, d.dependsOn.teamId)),
    dependents: workload.dependents.filter((d) => seesTeam(scope, d.workload.teamId)),
    estimatedHours: Number(workload.estimatedHours),
    budgetUsd: workload.budgetUsd === null ? null : Number(workload.budgetUsd),
    transfers: workload.transfers.map((t) => ({ ...t, costUsd: Number(t.costUsd) })),
    decision: decision ? await decisionWithApprovals(prisma, decision, workload.state) : null,
  };
}

/** A stored decision as the console shows it: money as numbers, the explanation typed. */
export function decisionView(decision: PlacementDecision) {
  return {
    ...decision,
    estimatedCostUsd: decision.estimatedCostUsd === null ? null : Number(decision.estimatedCostUsd),
    ...readDecisionColumns(decision.candidates, decision.rejections),
  };
}

/**
 * A stored decision with, on each candidate, the approvals scheduling it would need now, or
 * null once the decision can no longer be scheduled (the workload is past PENDING, or the
 * decision was accepted or superseded): its approvals are then on the workload itself.
 */
export async function decisionWithApprovals(
  prisma: PrismaClient,
  decision: PlacementDecision,
  workloadState: string,
) {
  const view = decisionView(decision);
  const isOpen = decision.status === "PROPOSED" && workloadState === "PENDING";
  const approvals = isOpen
    ? await forecastApprovals(
        prisma,
        { workloadId: decision.workloadId },
        view.candidates.candidates,
        decision.recommendedSiteId,
      )
    : null;
  return {
    ...view,
    candidates: {
      ...view.candidates,
      candidates: view.candidates.candidates.map((c, i) => ({
        ...c,
        approvals: approvals ? (approvals[i] ?? []) : null,
      })),
    },
  };
}

/** Choices for the submit form: the user's teams, datasets, user regions, models, profiles, parents. */
export async function getWorkloadFormOptions(prisma: PrismaClient, user: TSessionUser) {
  const scope = await teamScope(prisma, user);
  const [teams, datasets, regions, parents] = await Promise.all([
    prisma.team.findMany({
      where: scope ? { id: { in: scope } } : {},
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    prisma.dataset.findMany({
      select: { id: true, name: true, classification: true, sizeBytes: true },
      orderBy: { name: "asc" },
      take: 500,
    }),
    prisma.siteLatency.findMany({
      distinct: ["userRegion"],
      select: { userRegion: true },
      orderBy: { userRegion: "asc" },
    }),
    prisma.workload.findMany({
      where: {
        ...(scope ? { teamId: { in: scope } } : {}),
        state: { notIn: ["CANCELLED", "REJECTED", "FAILED"] },
      },
      select: { id: true, name: true, state: true },
      orderBy: { createdAt: "desc" },
      take: 100,
    }),
  ]);
  return {
    teams,
    datasets: datasets.map((d) => ({ ...d, sizeBytes: Number(d.sizeBytes) })),
    userRegions: regions.map((r) => r.userRegion),
    gpuModels: GPU_MODEL_NAMES,
    profiles: [...profiles.values()].map((p) => ({ name: p.name, description: p.description })),
    parents,
  };
}
