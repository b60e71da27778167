import type { ExecutorKind, Prisma, PrismaClient, WorkloadState } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TActor, type TMutationContext } from "../lib/audited.ts";
import { transitionWorkload } from "../workloads/transitions.ts";

/**
 * What every executor shares once it has read its scheduler: a job's observed state in one
 * vocabulary (TJobObservation) and the one place that turns it into the workload lifecycle,
 * each step an event at the scheduler's own time; the intent recorded before a hand-over and
 * its outcome (handed over, or retried with back-off). Slurm (slurm-loop.ts) and Kubernetes
 * (k8s-loop.ts) only translate their scheduler's objects into these terms.
 */

export type TExecutorTickReport = {
  sites: string[];
  submitted: string[];
  transitions: { workloadId: string; to: WorkloadState }[];
  cancelled: string[];
  errors: { siteId: string; message: string }[];
};

export type TExecutorCtx = TMutationContext<TActor>;

/** Minutes added to a job's time limit on top of its estimated hours (plus 25 %). */
const TIME_LIMIT_MARGIN_MINUTES = 10;
/** First retry of a failed hand-over after this many seconds, doubling up to the cap. */
const RETRY_BASE_SECONDS = 15;
const RETRY_CAP_SECONDS = 600;

/** Time limit in minutes: the estimate plus 25 % and 10 minutes. */
export function timeLimitMinutes(estimatedHours: number): number {
  return Math.ceil(estimatedHours * 60 * 1.25) + TIME_LIMIT_MARGIN_MINUTES;
}

export function retryDelaySeconds(attempts: number): number {
  return Math.min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
}

export const notBefore = (time: Date, floor: Date) => (time < floor ? floor : time);

export function ignoreConflict(error: unknown): null {
  if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "CAPACITY_EXCEEDED"))
    return null;
  throw error;
}

/**
 * A scheduler's job in Switchyard's terms.
 * - waiting: queued at the scheduler; the workload stays SCHEDULED and shows `reason`.
 * - running: the workload becomes RUNNING at `startedAt` (once).
 * - succeeded / failed: it ends so (through RUNNING at `startedAt` when it started).
 * - cancelled / preempted: ended by the scheduler, not by Switchyard.
 * - lost: the scheduler no longer has the job: FAILED with `reason`, never left RUNNING.
 */
export type TJobObservation = {
  phase: "waiting" | "running" | "succeeded" | "failed" | "cancelled" | "preempted" | "lost";
  /** Shown on the timeline (transitions) or as the workload's reason (waiting). */
  reason: string;
  /** The RUNNING event's reason, when this observation starts the workload. */
  runningReason?: string;
  startedAt: Date | null;
  endedAt: Date | null;
  /** What the ExternalJob row records of the scheduler's view. */
  tracked: Prisma.ExternalJobUpdateInput;
};

type TOpenJob = { id: string; workloadId: string; createdAt: Date; workloadState: WorkloadState };

/** Applies an observation to a job that Switchyard still wants (holding, same decision). */
export async function applyObservation(
  ctx: TExecutorCtx,
  job: TOpenJob,
  observation: TJobObservation,
  report: TExecutorTickReport,
  now: Date,
) {
  const started = observation.startedAt ? notBefore(observation.startedAt, job.createdAt) : null;
  const ended = notBefore(observation.endedAt ?? now, started ?? job.createdAt);
  const toRunning =
    job.workloadState === "SCHEDULED" && started
      ? [{ to: "RUNNING" as const, reason: observation.runningReason ?? "running", when: started }]
      : [];
  switch (observation.phase) {
    case "succeeded":
      return endWith(
        ctx,
        job,
        report,
        [...toRunning, { to: "SUCCEEDED", reason: observation.reason, when: ended }],
        {
          ...observation.tracked,
          endedAt: ended,
        },
      );
    case "failed":
      return endWith(
        ctx,
        job,
        report,
        [...toRunning, { to: "FAILED", reason: observation.reason, when: ended }],
        {
          ...observation.tracked,
          endedAt: ended,
        },
      );
    case "cancelled":
      return endWith(ctx, job, report, [{ to: "CANCELLED", reason: observation.reason, when: ended }], {
        ...observation.tracked,
        endedAt: ended,
      });
    case "preempted":
      return endWith(ctx, job, report, [{ to: "PREEMPTED", reason: observation.reason, when: ended }], {
        ...observation.tracked,
        endedAt: ended,
      });
    case "lost":
      return endWith(
        ctx,
        job,
        report,
        [{ to: "FAILED", reason: observation.reason, when: now }],
        observation.tracked,
      );
    case "running":
      await auditedTransaction(ctx, async (tx, audit) => {
        await tx.externalJob.update({ where: { id: job.id }, data: observation.tracked });
        for (const step of toRunning) {
          await transitionWorkload(tx, audit, {
            workloadId: job.workloadId,
            to: step.to,
            actorId: null,
            reason: step.reason,
            now: step.when,
          });
          report.transitions.push({ workloadId: job.workloadId, to: step.to });
        }
      }).catch(ignoreConflict);
      return;
    case "waiting":
      await ctx.prisma.externalJob.update({ where: { id: job.id }, data: observation.tracked });
      await ctx.prisma.workload.updateMany({
        where: { id: job.workloadId, state: "SCHEDULED" },
        data: { stateReason: observation.reason },
      });
      return;
  }
}

export async function endWith(
  ctx: TExecutorCtx,
  job: { id: string; workloadId: string },
  report: TExecutorTickReport,
  steps: { to: WorkloadState; reason: string; when: Date }[],
  data: Prisma.ExternalJobUpdateInput,
) {
  await auditedTransaction(ctx, async (tx, audit) => {
    await tx.externalJob.update({ where: { id: job.id }, data: { ...data, status: "ENDED" } });
    for (const step of steps) {
      await transitionWorkload(tx, audit, {
        workloadId: job.workloadId,
        to: step.to,
        actorId: null,
        reason: step.reason,
        now: step.when,
      });
      report.transitions.push({ workloadId: job.workloadId, to: step.to });
    }
  }).catch(ignoreConflict);
}

/** Workloads at the site not yet handed over show why they wait. */
export async function noteWaiting(prisma: PrismaClient, siteId: string, reason: string) {
  await prisma.workload.updateMany({
    where: {
      siteId,
      state: "SCHEDULED",
      NOT: { externalJobs: { some: { status: "SUBMITTED" } } },
    },
    data: { stateReason: reason },
  });
}

export const waitWithReason = (prisma: PrismaClient, workloadId: string, reason: string) =>
  prisma.workload.updateMany({
    where: { id: workloadId, state: "SCHEDULED" },
    data: { stateReason: reason },
  });

/**
 * What every executor reads of a SCHEDULED workload before handing it over; each adds what its
 * scheduler needs (`{ ...DISPATCH_SELECT, image: true }`).
 */
export const DISPATCH_SELECT = {
  id: true,
  name: true,
  command: true,
  estimatedHours: true,
  allocations: {
    where: { status: "ACTIVE" },
    select: { gpus: true, decisionId: true, node: { select: { hostname: true, gpuModel: true } } },
    orderBy: { node: { hostname: "asc" } },
  },
  externalJobs: {
    select: { id: true, decisionId: true, status: true, nextAttemptAt: true, attempts: true },
  },
  transfers: { where: { status: { in: ["PENDING", "IN_PROGRESS"] } }, select: { id: true } },
} as const satisfies Prisma.WorkloadSelect;

/** The SCHEDULED workloads of a site, highest priority and oldest first. */
export function scheduledAt<S extends typeof DISPATCH_SELECT>(
  prisma: PrismaClient,
  siteId: string,
  select: S,
) {
  return prisma.workload.findMany({
    where: { siteId, state: "SCHEDULED" },
    orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
    select,
  });
}

type TDispatchable = {
  id: string;
  command: string | null;
  allocations: { decisionId: string | null }[];
  externalJobs: TIntent[];
  transfers: unknown[];
};

/**
 * The checks every scheduler makes before a hand-over: the decision it would carry, a hand-over
 * already done or backing off, dataset copies still under way, no command. Returns the decision
 * and any intent left by an earlier try, or null when the workload waits this tick (with the
 * reason recorded where people should see one).
 */
export async function readyToHandOver(
  prisma: PrismaClient,
  workload: TDispatchable,
  scheduler: string,
  now: Date,
): Promise<{ decisionId: string; command: string; existing: TIntent | undefined } | null> {
  const decisionId = workload.allocations[0]?.decisionId;
  if (!decisionId) return null;
  const existing = workload.externalJobs.find((j) => j.decisionId === decisionId);
  if (existing && (existing.status !== "INTENT" || existing.nextAttemptAt > now)) return null;
  if (workload.transfers.length > 0) {
    await waitWithReason(
      prisma,
      workload.id,
      `waiting for its dataset copies before it is handed to ${scheduler}`,
    );
    return null;
  }
  if (!workload.command?.trim()) {
    await waitWithReason(
      prisma,
      workload.id,
      `cannot be handed to ${scheduler}: the workload has no command to run`,
    );
    return null;
  }
  return { decisionId, command: workload.command, existing };
}

export type TIntent = {
  id: string;
  decisionId: string;
  status: string;
  nextAttemptAt: Date;
  attempts: number;
};

/**
 * 1. The intent: an ExternalJob row with the script and request, committed before the
 * scheduler hears of it. `request` gets the row's id (names and comments carry it, so a job
 * left by a crash is found again). Null when another process recorded it first.
 */
export async function recordIntent(
  ctx: TExecutorCtx,
  input: {
    workloadId: string;
    decisionId: string;
    siteId: string;
    kind: ExecutorKind;
    script: (externalJobId: string) => string;
    request: (externalJobId: string) => Prisma.InputJsonObject;
  },
): Promise<TIntent | null> {
  return auditedTransaction(ctx, async (tx, audit) => {
    const created = await tx.externalJob.create({
      data: {
        workloadId: input.workloadId,
        decisionId: input.decisionId,
        siteId: input.siteId,
        kind: input.kind,
        script: "",
        request: {},
      },
      select: { id: true, decisionId: true, status: true, nextAttemptAt: true, attempts: true },
    });
    const request = input.request(created.id);
    await tx.externalJob.update({
      where: { id: created.id },
      data: { request, script: input.script(created.id) },
    });
    await audit({
      action: "workload.dispatch.intent",
      objectType: "Workload",
      objectId: input.workloadId,
      after: { externalJobId: created.id, executor: input.kind, request },
    });
    return created;
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === "P2002") return null; // another process has it
    throw error;
  });
}

/**
 * 2. The outcome of a hand-over: the scheduler's job id (submitted, or adopted after a crash),
 * or the error, retried after a back-off while the workload stays SCHEDULED with the reason.
 */
export async function recordHandOver(
  ctx: TExecutorCtx,
  input: {
    intent: TIntent;
    workloadId: string;
    kind: ExecutorKind;
    /** "Slurm", "Kubernetes": how messages name the scheduler. */
    scheduler: string;
    /** "job 42", "Job ml/sy-abc": how messages name the job. */
    jobLabel: (externalId: string) => string;
    externalId: string | null;
    adopted: boolean;
    /** What a job left by a crash is found by: "comment" (Slurm), "label" (Kubernetes). */
    foundBy: string;
    error: string | null;
    now: Date;
  },
) {
  const { intent, workloadId, externalId, now } = input;
  const attempts = intent.attempts + 1;
  await auditedTransaction(ctx, async (tx, audit) => {
    if (externalId) {
      await tx.externalJob.update({
        where: { id: intent.id },
        data: {
          status: "SUBMITTED",
          externalId,
          attempts,
          submittedAt: now,
          lastError: null,
          externalState: "PENDING",
        },
      });
      await tx.workload.updateMany({
        where: { id: workloadId, state: "SCHEDULED" },
        data: {
          stateReason: `handed to ${input.scheduler} as ${input.jobLabel(externalId)}${input.adopted ? ` (found by its ${input.foundBy} after a restart)` : ""}`,
        },
      });
      await audit({
        action: "workload.dispatch",
        objectType: "Workload",
        objectId: workloadId,
        after: { executor: input.kind, jobId: externalId, adopted: input.adopted },
      });
    } else {
      const next = new Date(now.getTime() + retryDelaySeconds(attempts) * 1_000);
      await tx.externalJob.update({
        where: { id: intent.id },
        data: { attempts, nextAttemptAt: next, lastError: input.error },
      });
      await tx.workload.updateMany({
        where: { id: workloadId, state: "SCHEDULED" },
        data: {
          stateReason: `${input.scheduler} did not take the job (attempt ${attempts}): ${input.error}; trying again after ${next.toISOString()}`,
        },
      });
      await audit({
        action: "workload.dispatch.failed",
        objectType: "Workload",
        objectId: workloadId,
        after: {
          executor: input.kind,
          attempt: attempts,
          error: input.error,
          nextAttemptAt: next.toISOString(),
        },
      });
    }
  });
}
