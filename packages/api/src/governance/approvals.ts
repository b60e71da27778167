import type { Prisma, PrismaClient } from "@switchyard/db";
import { teamScope } from "../auth/access.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { recordReplicaRejection } from "../inference/rejections.ts";
import { auditedTransaction, type TActor, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { applyDeclassification } from "../models/declassify.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { candidateAt, commitSchedule, currentDecision, scheduleWorkload } from "../workloads/schedule.ts";
import { placeWorkload } from "../workloads/service.ts";
import { settleTransfer } from "../workloads/transfers.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { closePendingApprovals } from "./approval-gate.ts";
import { describeApprovers, mayDecide, type TMayDecide } from "./approval-rules.ts";

export type TDecideInput = { id: string; verdict: "APPROVE" | "REJECT"; comment?: string };

export type TDecideResult = {
  status: "PENDING" | "APPROVED" | "REJECTED";
  /** Where the workload went once the request was decided (null for a dataset copy). */
  workloadState: string | null;
};

const notFound = (id: string) =>
  new AppError("NOT_FOUND", `approval request ${id} not found`, {
    userMessage: "This approval request does not exist.",
  });

/**
 * Records one approver's verdict on the current step of a request. A rejection (which needs a
 * comment) rejects the request and the workload; the last approval of the last step approves
 * the request, and the workload is then scheduled at the approved site.
 */
export async function decideApproval(ctx: TMutationContext, input: TDecideInput): Promise<TDecideResult> {
  const now = new Date();
  const comment = input.comment?.trim() || null;
  if (input.verdict === "REJECT" && !comment)
    throw new AppError("INVALID_REQUEST", "reject without comment", {
      userMessage: "Say why you reject it: the comment goes to the requester.",
      field: "comment",
    });
  const { status, isWorkload } = await auditedTransaction(ctx, async (tx, audit) => {
    // One decider at a time per request: two last approvals cannot both "complete" it.
    await tx.$queryRaw`SELECT "id" FROM "ApprovalRequest" WHERE "id" = ${input.id} FOR UPDATE`;
    const request = await tx.approvalRequest.findUnique({
      where: { id: input.id },
      include: {
        workload: { select: { id: true, name: true, teamId: true, submittedById: true } },
        steps: {
          orderBy: { order: "asc" },
          include: {
            decisions: true,
            policy: { select: { key: true, version: true, name: true, kind: true } },
          },
        },
      },
    });
    // A workload's request is its team's business; a dataset copy's is everyone's to read.
    if (!request || (request.workload && !(await canSee(tx, ctx.user, request.workload.teamId))))
      throw notFound(input.id);
    const workload = request.workload;
    const step = request.steps.find((s) => s.status === "PENDING");
    const check = step
      ? await checkMayDecide(tx, ctx.user, request, step, now)
      : ({ ok: false, why: `This request is already ${request.status.toLowerCase()}.` } as const);
    if (!check.ok || !step)
      throw new AppError(
        request.status === "PENDING" && step ? "FORBIDDEN" : "CONFLICT",
        check.ok ? "" : check.why,
        {
          userMessage: check.ok ? "This request cannot be decided." : check.why,
        },
      );

    await tx.approvalDecision.create({
      data: { stepId: step.id, deciderId: ctx.user.id, verdict: input.verdict, comment, createdAt: now },
    });
    await audit({
      action: `approval.${input.verdict === "APPROVE" ? "approve" : "reject"}`,
      objectType: "ApprovalRequest",
      objectId: request.id,
      after: {
        step: step.order,
        policy: `${step.policy.key}@v${step.policy.version}`,
        verdict: input.verdict,
        comment,
      },
    });

    if (input.verdict === "REJECT") {
      await tx.approvalStep.update({ where: { id: step.id }, data: { status: "REJECTED" } });
      await tx.approvalStep.updateMany({
        where: { requestId: request.id, status: "PENDING" },
        data: { status: "CANCELLED" },
      });
      await finish(tx, audit, request, "REJECTED", now, comment);
      if (request.transferId)
        await tx.dataTransfer.update({ where: { id: request.transferId }, data: { status: "CANCELLED" } });
      if (workload) {
        await tx.placementDecision.updateMany({
          where: { workloadId: workload.id, status: "PROPOSED" },
          data: { status: "SUPERSEDED" },
        });
        await transitionWorkload(tx, audit, {
          workloadId: workload.id,
          to: "REJECTED",
          actorId: ctx.user.id,
          reason: `rejected by ${ctx.user.email} under "${step.policy.name}" (v${step.policy.version}): ${comment}`,
          now,
        });
        // A service's replica: its next plans leave this site out for a while (inference/rejections.ts).
        await recordReplicaRejection(tx, audit, {
          approvalRequestId: request.id,
          workloadId: workload.id,
          siteId: request.siteId,
          policy: step.policy,
          comment,
          rejectedById: ctx.user.id,
          now,
        });
      }
      return { status: "REJECTED" as const, isWorkload: workload !== null };
    }

    const approvals = step.decisions.filter((d) => d.verdict === "APPROVE").length + 1;
    if (approvals < step.requiredApprovals)
      return { status: "PENDING" as const, isWorkload: workload !== null };
    await tx.approvalStep.update({ where: { id: step.id }, data: { status: "APPROVED" } });
    const next = request.steps.find((s) => s.status === "PENDING" && s.id !== step.id);
    if (next) {
      if (workload)
        await tx.workload.update({
          where: { id: workload.id },
          data: {
            stateReason: `step ${step.order} approved by ${ctx.user.email}; now waiting for ${describeApprovers(next)}: ${next.reason}`,
          },
        });
      return { status: "PENDING" as const, isWorkload: workload !== null };
    }
    await finish(tx, audit, request, "APPROVED", now, comment);
    if (request.kind === "DECLASSIFICATION") await applyDeclassification(tx, audit, request.id);
    // An approved dataset copy is registered like one that needed no approval.
    if (request.transferId && !workload)
      await settleTransfer(tx, audit, {
        id: request.transferId,
        outcome: "COMPLETED",
        note: "approved",
        now,
      });
    return { status: "APPROVED" as const, isWorkload: workload !== null };
  });
  if (status !== "APPROVED" || !isWorkload)
    return { status, workloadState: status === "REJECTED" && isWorkload ? "REJECTED" : null };
  return { status, workloadState: await scheduleApproved(ctx, input.id) };
}

async function finish(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  request: { id: string; workloadId: string | null; transferId: string | null },
  status: "APPROVED" | "REJECTED",
  now: Date,
  comment: string | null,
) {
  await tx.approvalRequest.update({ where: { id: request.id }, data: { status, decidedAt: now } });
  await audit({
    action: `approval.${status.toLowerCase()}`,
    objectType: "ApprovalRequest",
    objectId: request.id,
    before: { status: "PENDING" },
    after: { status },
  });
  await enqueueWebhookEvent(
    tx,
    "approval.decided",
    {
      requestId: request.id,
      workloadId: request.workloadId,
      transferId: request.transferId,
      status,
      comment,
    },
    now,
  );
}

async function canSee(db: Pick<PrismaClient, "membership">, user: TSessionUser, teamId: string) {
  const scope = await teamScope(db, user);
  return !scope || scope.includes(teamId);
}

type TRequestForCheck = {
  status: string;
  expiresAt: Date;
  requestedById: string;
  workload: { submittedById: string } | null;
  steps: { id: string; decisions: { deciderId: string }[] }[];
};

async function checkMayDecide(
  db: Pick<PrismaClient, "datasetSteward" | "dataset">,
  user: TSessionUser,
  request: TRequestForCheck,
  step: {
    id: string;
    approverKind: "ROLE" | "DATASET_STEWARDS";
    approverRole: TSessionUser["role"] | null;
    datasetId: string | null;
  },
  now: Date,
): Promise<TMayDecide> {
  const [stewardOf, dataset] = await Promise.all([
    db.datasetSteward.findMany({ where: { userId: user.id }, select: { datasetId: true } }),
    step.datasetId ? db.dataset.findUnique({ where: { id: step.datasetId }, select: { name: true } }) : null,
  ]);
  return mayDecide({
    user,
    request: {
      status: request.status,
      expiresAt: request.expiresAt,
      requestedById: request.requestedById,
      submittedById: request.workload?.submittedById ?? "",
    },
    step: { ...step, datasetName: dataset?.name },
    stepDeciderIds: request.steps.find((s) => s.id === step.id)?.decisions.map((d) => d.deciderId) ?? [],
    stewardOf: stewardOf.map((s) => s.datasetId),
    now,
  });
}

/**
 * Schedules the workload of an approved request at the approved site. When the GPUs the
 * decision chose were taken meanwhile, the workload goes back to PENDING and is placed again
 * at once; the approval still covers that site, so a later placement there needs no new one.
 * Returns the workload's state afterwards, or null when there was nothing to do.
 */
export async function scheduleApproved(
  ctx: TMutationContext<TActor>,
  requestId: string,
): Promise<string | null> {
  const request = await ctx.prisma.approvalRequest.findUnique({
    where: { id: requestId },
    include: {
      workload: { select: { id: true, state: true } },
      site: { select: { name: true } },
      steps: {
        include: {
          decisions: { where: { verdict: "APPROVE" }, include: { decider: { select: { email: true } } } },
        },
      },
    },
  });
  if (request?.status !== "APPROVED" || request.workload?.state !== "AWAITING_APPROVAL") return null;
  const workloadId = request.workload.id;
  const approvedBy = [...new Set(request.steps.flatMap((s) => s.decisions.map((d) => d.decider.email)))];
  const now = new Date();
  try {
    await auditedTransaction(ctx, async (tx, audit) => {
      const decision = await currentDecision(tx, workloadId, request.decisionId ?? "");
      const chosen = request.siteId ? candidateAt(decision, request.siteId) : undefined;
      if (!chosen) throw new AppError("CONFLICT", `no candidate at ${request.siteId}`);
      await commitSchedule(tx, audit, {
        workloadId,
        decision,
        chosen,
        overrideReason: request.overrideReason,
        decidedById: request.requestedById,
        approvedBy,
        now,
      });
    });
    return "SCHEDULED";
  } catch (error) {
    if (!isLostRace(error)) throw error;
  }
  await auditedTransaction(ctx, (tx, audit) =>
    backToPending(
      tx,
      audit,
      workloadId,
      `approved for ${request.site?.name ?? "its site"}, but the GPUs it was to use were taken meanwhile; placing again`,
      now,
    ),
  );
  try {
    const placed = await placeWorkload(ctx, workloadId);
    if (!placed?.feasible) return "PENDING";
    const result = await scheduleWorkload(ctx, {
      id: workloadId,
      decisionId: placed.decisionId,
      batchSiteId: request.siteId ?? undefined,
    });
    return result.state;
  } catch (error) {
    // Losing a race again is normal: the retry loop places PENDING work.
    if (isLostRace(error)) return "PENDING";
    throw error;
  }
}

/** Capacity taken or state changed by someone else meanwhile. */
function isLostRace(error: unknown): boolean {
  return error instanceof AppError && (error.code === "CAPACITY_EXCEEDED" || error.code === "CONFLICT");
}

/** Back to PENDING without a current proposal: the placement it waited on no longer stands. */
async function backToPending(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  workloadId: string,
  reason: string,
  now: Date,
) {
  await tx.placementDecision.updateMany({
    where: { workloadId, status: "PROPOSED" },
    data: { status: "SUPERSEDED" },
  });
  await transitionWorkload(tx, audit, { workloadId, to: "PENDING", actorId: null, reason, now });
}

/**
 * The approvals part of the background loop: requests nobody decided in time expire (their
 * workload goes back to PENDING, to be scheduled again, which asks again; a dataset copy is
 * cancelled), and approved
 * requests whose scheduling was interrupted are scheduled.
 */
export async function sweepApprovals(ctx: TMutationContext<TActor>, now = new Date()) {
  const expired = await ctx.prisma.approvalRequest.findMany({
    where: { status: "PENDING", expiresAt: { lte: now } },
    select: { id: true, workloadId: true, expiresAt: true, createdAt: true },
    take: 100,
  });
  const report = { expired: [] as string[], scheduled: [] as string[] };
  for (const request of expired) {
    const workloadId = request.workloadId;
    const hours = Math.round((request.expiresAt.getTime() - request.createdAt.getTime()) / 3_600_000);
    const closed = await auditedTransaction(ctx, async (tx, audit) => {
      await tx.$queryRaw`SELECT "id" FROM "ApprovalRequest" WHERE "id" = ${request.id} FOR UPDATE`;
      const count = await closePendingApprovals(tx, audit, {
        of: { requestId: request.id },
        status: "EXPIRED",
        reason: `nobody decided within ${hours} h`,
        now,
      });
      if (count === 0) return false;
      const workload = workloadId
        ? await tx.workload.findUnique({ where: { id: workloadId }, select: { state: true } })
        : null;
      if (workloadId && workload?.state === "AWAITING_APPROVAL") {
        await backToPending(
          tx,
          audit,
          workloadId,
          `approval request expired: nobody decided within ${hours} h; place and schedule it again to ask again`,
          now,
        );
      }
      return true;
    });
    if (closed) report.expired.push(request.id);
  }
  const stalled = await ctx.prisma.approvalRequest.findMany({
    where: { status: "APPROVED", workload: { state: "AWAITING_APPROVAL" } },
    select: { id: true },
    take: 50,
  });
  for (const request of stalled) {
    if ((await scheduleApproved(ctx, request.id)) !== null) report.scheduled.push(request.id);
  }
  return report;
}
