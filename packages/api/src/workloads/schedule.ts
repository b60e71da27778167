import type { PlacementDecision, Prisma } from "@switchyard/db";
import type { TCandidate } from "@switchyard/placement";
import { AppError } from "../errors.ts";
import { needsApproval, requestApprovalIfNeeded } from "../governance/approval-gate.ts";
import { auditedTransaction, type TActor, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { holdGpus } from "./allocations.ts";
import type { TFallback } from "./compact.ts";
import { transitionWorkload } from "./transitions.ts";

type TStoredCandidates = { candidates: TCandidate[] };

export type TScheduleInput = {
  id: string;
  /** The decision the caller saw; omitted (API clients): the workload's latest decision. */
  decisionId?: string;
  override?: { siteId: string; reason: string };
  /** The site batch placement chose for this workload among several; not an override. */
  batchSiteId?: string;
};

export type TScheduleResult =
  | { state: "SCHEDULED"; siteId: string; gpus: number; approvalRequestId: null }
  | { state: "AWAITING_APPROVAL"; siteId: string; gpus: 0; approvalRequestId: string };

/** The decision to act on, if it is still the current one for this workload. */
export async function currentDecision(tx: Prisma.TransactionClient, workloadId: string, decisionId?: string) {
  const decision = decisionId
    ? await tx.placementDecision.findUnique({ where: { id: decisionId } })
    : await tx.placementDecision.findFirst({ where: { workloadId }, orderBy: { createdAt: "desc" } });
  if (!decision || decision.workloadId !== workloadId)
    throw new AppError("NOT_FOUND", `decision ${decisionId ?? "(latest)"} not for ${workloadId}`, {
      userMessage: decisionId
        ? "This placement decision does not exist."
        : "This workload has no placement decision yet.",
    });
  if (decision.status !== "PROPOSED") {
    throw new AppError("CONFLICT", `decision ${decision.id} is ${decision.status}`, {
      userMessage: "This decision is no longer current; place the workload again.",
    });
  }
  return decision;
}

/** The engine's candidate at a site, from the stored decision. */
export function candidateAt(decision: PlacementDecision, siteId: string): TCandidate | undefined {
  return (decision.candidates as unknown as TStoredCandidates).candidates.find((c) => c.siteId === siteId);
}

/**
 * Schedules a PENDING workload at the recommendation, at another feasible site with a reason
 * (an override), or where batch placement put it. When a governance rule applies, nothing is
 * held yet: the workload waits in AWAITING_APPROVAL with an approval request (see
 * governance/approval-gate.ts) and is scheduled when the request is approved.
 */
export async function scheduleWorkload(
  ctx: TMutationContext<TActor>,
  input: TScheduleInput,
): Promise<TScheduleResult> {
  const now = new Date();
  return auditedTransaction(ctx, (tx, audit) => scheduleInTransaction(tx, audit, ctx.user, input, now)).catch(
    async (error: unknown) => {
      if (error instanceof AppError && error.code === "CAPACITY_EXCEEDED")
        await retireLostDecision(ctx, input, error);
      throw error;
    },
  );
}

/**
 * scheduleWorkload() inside the caller's transaction, for a caller that schedules several
 * workloads as one change (a service's plan, inference/apply.ts): a CAPACITY_EXCEEDED or
 * CONFLICT it throws is the caller's to roll back.
 */
export async function scheduleInTransaction(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  actor: TActor,
  input: TScheduleInput,
  now: Date,
  /** The current decision of a workload this transaction created PENDING: neither is read again. */
  fresh?: PlacementDecision,
): Promise<TScheduleResult> {
  const decision = fresh ?? (await pendingDecision(tx, input));
  const candidates = (decision.candidates as unknown as TStoredCandidates).candidates;
  const wanted = input.override?.siteId ?? input.batchSiteId;
  const chosen =
    (wanted ? candidates.find((c) => c.siteId === wanted) : undefined) ??
    (input.override ? undefined : candidates[0]);
  if (!chosen && input.override) {
    throw new AppError("INVALID_REQUEST", "no feasible candidate", {
      userMessage: "The engine did not find that site feasible; choose one of the candidates.",
      field: "override.siteId",
    });
  }
  if (!chosen) {
    // Nothing the client sent is wrong: the decision found no site. The workload stays PENDING
    // and the loop places it when room appears (409, as the API document says).
    throw new AppError("NO_FEASIBLE_PLACEMENT", "no feasible candidate", {
      userMessage: "No site can run this workload now; it stays pending and is placed when room appears.",
    });
  }
  const isOverride = Boolean(input.override) && chosen.siteId !== decision.recommendedSiteId;
  const overrideReason = isOverride ? (input.override?.reason ?? "") : null;
  const request = await requestApprovalIfNeeded(tx, audit, {
    actor,
    workloadId: input.id,
    decision,
    chosen,
    overrideReason,
    now,
  });
  if (request)
    return { state: "AWAITING_APPROVAL", siteId: chosen.siteId, gpus: 0, approvalRequestId: request.id };
  // Accepting the recommendation: when its GPUs were taken since the decision (concurrent
  // submissions all see the same best node), the next stored candidates are tried in rank
  // order, each by the same guarded UPDATE; an override or a batch's choice is held as asked.
  // At most MAX_FALLBACKS later candidates, and only those whose nodes look free in one read:
  // under heavy contention a schedule stays a short transaction.
  const later = input.override || input.batchSiteId ? [] : candidates.filter((c) => c !== chosen);
  const queue = [chosen];
  const tried: TFallback["tried"] = [];
  for (let i = 0; i < queue.length; i++) {
    const candidate = queue[i] as TCandidate;
    if (candidate !== chosen) {
      // The decision counted the team's quota on its estate; a later candidate is held only
      // if the quota still has room now (the recommendation itself is taken as decided).
      if (!(await withinQuota(tx, input.id, candidate))) {
        tried.push({ ...triedAt(candidate), reason: "the team's GPU quota is used up meanwhile" });
        continue;
      }
      if (await needsApproval(tx, { workloadId: input.id, chosen: candidate, overrideReason: null, now })) {
        tried.push({ ...triedAt(candidate), reason: "would wait for an approval" });
        continue;
      }
    }
    try {
      const gpus = await commitSchedule(tx, audit, {
        workloadId: input.id,
        decision,
        chosen: candidate,
        overrideReason,
        decidedById: actor.id,
        now,
        fallback: tried.length > 0 ? { rank: candidate.rank, siteId: candidate.siteId, tried } : undefined,
      });
      return { state: "SCHEDULED", siteId: candidate.siteId, gpus, approvalRequestId: null };
    } catch (error) {
      if (!(error instanceof AppError && error.code === "CAPACITY_EXCEEDED") || later.length === 0)
        throw error;
      // The recommendation lost its GPUs: read which later candidates still look free.
      if (i === 0) queue.push(...(await looksFree(tx, later)).slice(0, MAX_FALLBACKS));
      tried.push({
        ...triedAt(candidate),
        reason: error.userMessage.replace(/; place the workload again\.$/, ""),
      });
    }
  }
  throw new AppError("CAPACITY_EXCEEDED", `no stored candidate of ${decision.id} fits any more`, {
    userMessage: `The GPUs of all ${tried.length} candidates of this decision were taken meanwhile; place the workload again.`,
  });
}

/** The decision to schedule, once the workload is seen to be PENDING. */
async function pendingDecision(tx: Prisma.TransactionClient, input: TScheduleInput) {
  const workload = await tx.workload.findUnique({ where: { id: input.id }, select: { state: true } });
  if (workload && workload.state !== "PENDING")
    throw new AppError("CONFLICT", `workload ${input.id} is ${workload.state}`, {
      userMessage: `Only a PENDING workload can be scheduled; this one is ${workload.state}.`,
    });
  return currentDecision(tx, input.id, input.decisionId);
}

/**
 * Another placement took the GPUs this decision counted on: the decision no longer stands.
 * It is superseded, so the background loop (loops/reconcile.ts), which retries PENDING work
 * without a current proposal, places the workload again as soon as GPUs are free, instead
 * of leaving it PENDING behind a "feasible" decision nobody can schedule.
 */
async function retireLostDecision(ctx: TMutationContext<TActor>, input: TScheduleInput, lost: AppError) {
  await auditedTransaction(ctx, (tx, audit) => retireLostDecisionIn(tx, audit, input, lost));
}

/** The reason a PENDING workload shows after its decision lost its GPUs. */
export const LOST_RACE_REASON =
  "another placement took the GPUs first; it will be placed again when GPUs are free";

/** retireLostDecision() inside the caller's transaction; whether a decision was retired. */
export async function retireLostDecisionIn(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  input: Pick<TScheduleInput, "id" | "decisionId">,
  lost: AppError,
): Promise<boolean> {
  // The decision the caller scheduled, or (REST callers may omit it) the latest proposal.
  const decision = await tx.placementDecision.findFirst({
    where: {
      workloadId: input.id,
      status: "PROPOSED",
      ...(input.decisionId ? { id: input.decisionId } : {}),
    },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!decision) return false;
  const retired = await tx.placementDecision.updateMany({
    where: { id: decision.id, status: "PROPOSED" },
    data: { status: "SUPERSEDED" },
  });
  if (retired.count === 0) return false;
  await tx.workload.updateMany({
    where: { id: input.id, state: "PENDING" },
    data: { stateReason: LOST_RACE_REASON },
  });
  await audit({
    action: "placement.lost_race",
    objectType: "PlacementDecision",
    objectId: decision.id,
    after: { workloadId: input.id, reason: lost.userMessage },
  });
  return true;
}

/**
 * Takes the GPUs of the chosen candidate and moves the workload to SCHEDULED, inside the
 * caller's transaction: the decision is accepted (or marked overridden), and copies of
 * datasets the site lacks are recorded as transfers. Returns the GPUs held.
 */
export async function commitSchedule(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  s: {
    workloadId: string;
    decision: PlacementDecision;
    chosen: TCandidate;
    overrideReason: string | null;
    decidedById: string | null;
    /** Who approved it, when it waited for approval. */
    approvedBy?: string[];
    /** Set when the candidates ranked before `chosen` lost their GPUs meanwhile. */
    fallback?: TFallback;
    now: Date;
  },
): Promise<number> {
  const { decision, chosen } = s;
  const isOverride = s.overrideReason !== null;
  await holdGpus(
    tx,
    s.workloadId,
    chosen.nodes.map((n) => ({ nodeId: n.nodeId, gpus: n.gpus })),
    decision.id,
  );
  const approved = s.approvedBy?.length ? `; approved by ${s.approvedBy.join(", ")}` : "";
  await transitionWorkload(tx, audit, {
    workloadId: s.workloadId,
    to: "SCHEDULED",
    actorId: s.decidedById,
    reason: `${s.fallback ? fallbackReason(chosen, s.fallback) : scheduleReason(chosen.siteName, s.overrideReason, chosen.siteId === decision.recommendedSiteId)}${approved}${waitsFor(chosen.cost.transfers.length)}`,
    now: s.now,
    siteId: chosen.siteId,
  });
  await tx.placementDecision.update({
    where: { id: decision.id },
    data: {
      status: isOverride ? "OVERRIDDEN" : "ACCEPTED",
      chosenSiteId: chosen.siteId,
      overrideReason: s.overrideReason,
      decidedById: s.decidedById,
      decidedAt: s.now,
      ...(s.fallback
        ? {
            candidates: {
              ...(decision.candidates as Prisma.JsonObject),
              fallback: s.fallback,
            } as Prisma.InputJsonValue,
          }
        : {}),
    },
  });
  if (s.fallback) {
    await audit({
      action: "placement.fallback",
      objectType: "PlacementDecision",
      objectId: decision.id,
      before: { recommended: decision.recommendedSiteId },
      after: { chosen: chosen.siteId, ...s.fallback },
    });
  }
  for (const transfer of chosen.cost.transfers) {
    await tx.dataTransfer.create({
      data: {
        datasetId: transfer.datasetId,
        workloadId: s.workloadId,
        sourceSiteId: transfer.fromSiteId,
        destinationSiteId: chosen.siteId,
        bytes: BigInt(Math.round(transfer.bytes)),
        costUsd: transfer.egressUsd,
        etaSeconds: Math.round(transfer.hours * 3_600),
      },
    });
  }
  if (isOverride) {
    await audit({
      action: "placement.override",
      objectType: "PlacementDecision",
      objectId: decision.id,
      before: { recommended: decision.recommendedSiteId },
      after: { chosen: chosen.siteId, reason: s.overrideReason },
    });
  }
  return chosen.nodes.reduce((sum, n) => sum + n.gpus, 0);
}

export function scheduleReason(siteName: string, overrideReason: string | null, isRecommended: boolean) {
  if (overrideReason !== null)
    return `scheduled at ${siteName} instead of the recommendation: ${overrideReason}`;
  return isRecommended
    ? `scheduled at ${siteName} as recommended`
    : `scheduled at ${siteName}, where batch placement put it with the other pending work`;
}

/** Later candidates tried when the recommendation lost its GPUs. */
const MAX_FALLBACKS = 3;

/**
 * The candidates whose nodes are READY with their GPUs free, as read now in one query: a hint
 * that skips visibly full ones, not a hold (the guarded UPDATE decides).
 */
async function looksFree(tx: Prisma.TransactionClient, candidates: TCandidate[]) {
  if (candidates.length === 0) return [];
  const nodes = await tx.gpuNode.findMany({
    where: { id: { in: candidates.flatMap((c) => c.nodes.map((n) => n.nodeId)) }, status: "READY" },
    select: { id: true, gpuCount: true, gpuAllocated: true },
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return candidates.filter((c) =>
    c.nodes.every((n) => {
      const node = byId.get(n.nodeId);
      return node !== undefined && node.gpuAllocated + n.gpus <= node.gpuCount;
    }),
  );
}

/** Whether the workload's team has quota left for the candidate's GPUs, per model and across models ("*"). */
async function withinQuota(tx: Prisma.TransactionClient, workloadId: string, candidate: TCandidate) {
  const { teamId } = await tx.workload.findUniqueOrThrow({
    where: { id: workloadId },
    select: { teamId: true },
  });
  const quotas = await tx.quota.findMany({
    where: { teamId, gpuModel: { in: [candidate.gpuModel, "*"] } },
    select: { gpuModel: true, limitGpus: true },
  });
  if (quotas.length === 0) return true;
  const use = await tx.$queryRaw<{ gpuModel: string; gpus: bigint }[]>`
    SELECT n."gpuModel", SUM(a."gpus") AS gpus
      FROM "Allocation" a JOIN "Workload" w ON w."id" = a."workloadId" JOIN "GpuNode" n ON n."id" = a."nodeId"
     WHERE a."status" = 'ACTIVE' AND w."teamId" = ${teamId}
     GROUP BY n."gpuModel"`;
  const wanted = candidate.nodes.reduce((sum, n) => sum + n.gpus, 0);
  return quotas.every((q) => {
    const used = use
      .filter((u) => q.gpuModel === "*" || u.gpuModel === q.gpuModel)
      .reduce((sum, u) => sum + Number(u.gpus), 0);
    return used + wanted <= q.limitGpus;
  });
}

function triedAt(c: TCandidate) {
  return { rank: c.rank, siteId: c.siteId, siteName: c.siteName };
}

function fallbackReason(chosen: TCandidate, fallback: TFallback) {
  const lost = fallback.tried.map((t) => `${t.siteName} (#${t.rank}): ${t.reason}`).join("; ");
  return `scheduled at ${chosen.siteName}, candidate #${chosen.rank} of the decision, after the ones before it could not be taken: ${lost}`;
}

export function waitsFor(copies: number) {
  return copies === 0 ? "" : `; waiting for ${copies} dataset cop${copies === 1 ? "y" : "ies"}`;
}
