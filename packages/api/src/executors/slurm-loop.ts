import type { NodeStatus, Prisma, PrismaClient, SiteExecutor, WorkloadState } from "@switchyard/db";
import { GPU_MODEL_NAMES, GPU_MODELS, type TGpuModel } from "@switchyard/db/gpu-models";
import { AppError } from "../errors.ts";
import { auditedTransaction, systemActor, type TActor, type TMutationContext } from "../lib/audited.ts";
import { acquireLease, releaseLease } from "../loops/lease.ts";
import { placeWorkload, scheduleWorkload } from "../workloads/service.ts";
import { HOLDING_STATES } from "../workloads/state-machine.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { slurmClientFor } from "./service.ts";
import {
  decodeExitCode,
  parseGres,
  type SlurmClient,
  SlurmError,
  type TSlurmJob,
  type TSlurmJobRequest,
  type TSlurmNode,
} from "./slurm-client.ts";

export type TExecutorTickReport = {
  sites: string[];
  submitted: string[];
  transitions: { workloadId: string; to: WorkloadState }[];
  cancelled: string[];
  errors: { siteId: string; message: string }[];
};

/** Minutes added to a job's time limit on top of its estimated hours (plus 25 %). */
const TIME_LIMIT_MARGIN_MINUTES = 10;
/** First retry of a failed submission after this many seconds, doubling up to the cap. */
const RETRY_BASE_SECONDS = 15;
const RETRY_CAP_SECONDS = 600;

const FAILED_STATES = new Set(["FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"]);
const RUNNING_STATES = new Set(["RUNNING", "COMPLETING", "SUSPENDED", "STOPPED"]);

/** The comment a job carries: finds it again after a crash between intent and answer. */
export const jobComment = (workloadId: string, externalJobId: string) =>
  `switchyard:${workloadId}:${externalJobId}`;

/** Time limit in minutes: the estimate plus 25 % and 10 minutes. */
export function timeLimitMinutes(estimatedHours: number): number {
  return Math.ceil(estimatedHours * 60 * 1.25) + TIME_LIMIT_MARGIN_MINUTES;
}

export function retryDelaySeconds(attempts: number): number {
  return Math.min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
}

/** The sbatch script of a workload: its command, with where it came from. */
export function sbatchScript(workload: { id: string; name: string; command: string }): string {
  return `#!/bin/bash\n# Switchyard workload ${workload.id} (${workload.name.replace(/\n/g, " ")})\n${workload.command}\n`;
}

/** Switchyard's model for a GRES type ("h200" -> H200, "a100-80gb" -> A100-80GB), or null. */
export function modelOfGresType(type: string): TGpuModel | null {
  return GPU_MODEL_NAMES.find((m) => m.toLowerCase() === type.toLowerCase()) ?? null;
}

/**
 * Slurm's view of a node in Switchyard's terms, or null when Slurm does not know yet (a
 * controller that just restarted reports "unknown" until the node registers; a node that
 * missed a ping is NOT_RESPONDING until Slurm itself decides it is down): keep what we had.
 */
export function nodeStatusOf(node: Pick<TSlurmNode, "state" | "state_flags">): NodeStatus | null {
  const state = node.state.toLowerCase();
  const flags = (node.state_flags ?? []).map((f) => f.toUpperCase());
  if (["down", "fail", "future"].some((s) => state.startsWith(s))) return "DOWN";
  if (state.startsWith("drain") || flags.includes("DRAIN") || flags.includes("FAIL")) return "DRAINING";
  if (state.startsWith("unknown") || flags.includes("NOT_RESPONDING")) return null;
  return "READY";
}

/**
 * One pass over every site whose executor is SLURM, under a row lease (one process at a
 * time): follow the jobs already handed over, mirror Slurm's nodes into the site's GpuNodes,
 * then hand newly SCHEDULED workloads to Slurm. A site whose scheduler fails keeps its
 * workloads SCHEDULED with the reason and shows the error; the next tick tries again.
 */
export async function runExecutorTick(
  prisma: PrismaClient,
  options: { holder: string },
): Promise<TExecutorTickReport> {
  const report: TExecutorTickReport = {
    sites: [],
    submitted: [],
    transitions: [],
    cancelled: [],
    errors: [],
  };
  if (!(await acquireLease(prisma, "executors", options.holder, 120))) return report;
  const ctx: TMutationContext<TActor> = {
    prisma,
    user: systemActor("executor"),
    requestId: `executor-${options.holder}`,
  };
  try {
    const executors = await prisma.siteExecutor.findMany({
      where: { kind: "SLURM", site: { status: { not: "DECOMMISSIONED" } } },
    });
    for (const executor of executors) {
      report.sites.push(executor.siteId);
      await runSlurmSite(ctx, executor, report);
    }
  } finally {
    await releaseLease(prisma, "executors", options.holder);
  }
  return report;
}

async function runSlurmSite(
  ctx: TMutationContext<TActor>,
  executor: SiteExecutor,
  report: TExecutorTickReport,
) {
  const { prisma } = ctx;
  let siteError: string | null = null;
  try {
    const client = slurmClientFor(executor);
    const [nodes, jobs] = await Promise.all([client.nodes(), client.jobs()]);
    await trackJobs(ctx, executor, client, jobs, report);
    const free = await syncInventory(ctx, executor, nodes, report);
    siteError = await dispatch(ctx, executor, client, jobs, free, report);
  } catch (error) {
    if (error instanceof SlurmError) siteError = error.message;
    else if (error instanceof Error && error.name === "SecretKeyError")
      siteError = `the stored token cannot be decrypted: ${error.message}`;
    else throw error;
    await noteWaiting(prisma, executor.siteId, `waiting to be handed to Slurm: ${siteError}`);
  }
  const now = new Date();
  await prisma.siteExecutor.update({
    where: { siteId: executor.siteId },
    data: siteError
      ? { lastError: siteError, lastErrorAt: now }
      : { lastSyncAt: now, lastError: null, lastErrorAt: null },
  });
  if (siteError) report.errors.push({ siteId: executor.siteId, message: siteError });
}

/** Workloads at the site not yet handed over show why they wait. */
async function noteWaiting(prisma: PrismaClient, siteId: string, reason: string) {
  await prisma.workload.updateMany({
    where: {
      siteId,
      state: "SCHEDULED",
      NOT: { externalJobs: { some: { status: "SUBMITTED" } } },
    },
    data: { stateReason: reason },
  });
}

// ---------------------------------------------------------------------------------------
// Inventory
// ---------------------------------------------------------------------------------------

type TFree = Map<string, { free: number; gresType: string }>;

/**
 * Slurm's nodes become the site's GpuNodes: model and count from GRES, status from the node
 * state (drain -> DRAINING, down -> DOWN), and allocated GPUs = Switchyard's own allocations
 * plus whatever else Slurm reports in use there, so placement never counts on GPUs Slurm
 * does not have free. Work on a node that went DOWN is placed again (like a silent node).
 * Returns the free GPUs per Slurm node name, as Slurm reports them.
 */
async function syncInventory(
  ctx: TMutationContext<TActor>,
  executor: SiteExecutor,
  nodes: TSlurmNode[],
  report: TExecutorTickReport,
): Promise<TFree> {
  const { prisma } = ctx;
  const site = await prisma.site.findUniqueOrThrow({
    where: { id: executor.siteId },
    select: { slug: true },
  });
  const free: TFree = new Map();
  const wentDown: { id: string; hostname: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    const gres = parseGres(node.gres);
    const model = gres.map((g) => ({ ...g, model: modelOfGresType(g.type) })).find((g) => g.model);
    if (!model?.model) continue; // not a GPU node Switchyard knows the model of
    const total = gres.filter((g) => g.type === model.type).reduce((s, g) => s + g.count, 0);
    const used = parseGres(node.gres_used)
      .filter((g) => g.type === model.type)
      .reduce((s, g) => s + g.count, 0);
    const reported = nodeStatusOf(node);
    const status = reported ?? "READY";
    free.set(node.name, { free: reported === "READY" ? Math.max(0, total - used) : 0, gresType: model.type });
    seen.add(node.name);
    const labels = {
      scheduler: "slurm",
      slurmState: [node.state, ...(node.state_flags ?? [])].join("+").toLowerCase(),
      slurmReason: node.reason ?? "",
      gresType: model.type,
      partitions: (node.partitions ?? []).join(","),
      gresUsed: used,
    } satisfies Prisma.InputJsonObject;
    const changed = await auditedTransaction(ctx, async (tx, audit) => {
      const existing = await tx.gpuNode.findUnique({
        where: { siteId_hostname: { siteId: executor.siteId, hostname: node.name } },
        select: { id: true, status: true },
      });
      if (!existing) {
        const spec = GPU_MODELS[model.model as TGpuModel];
        const created = await tx.gpuNode.create({
          data: {
            siteId: executor.siteId,
            hostname: node.name,
            gpuModel: model.model as string,
            gpuCount: total,
            gpuAllocated: Math.min(total, used),
            gpuMemoryGib: spec.memoryGib,
            fabric: `${site.slug}/slurm`,
            interconnect: spec.interconnect,
            status,
            labels,
          },
          select: { id: true },
        });
        await audit({
          action: "node.sync",
          objectType: "GpuNode",
          objectId: created.id,
          after: { source: "slurm", hostname: node.name, gpuModel: model.model, gpuCount: total, status },
        });
        return null;
      }
      // Lock the row, then count allocations in a new statement: it sees every committed hold.
      await tx.$queryRaw`SELECT "id" FROM "GpuNode" WHERE "id" = ${existing.id} FOR UPDATE`;
      await tx.$executeRaw`
        UPDATE "GpuNode" n
           SET "gpuModel" = ${model.model},
               "gpuCount" = GREATEST(${total}::int, own.active),
               "gpuAllocated" = LEAST(GREATEST(${total}::int, own.active), own.active + GREATEST(0, ${used}::int - own.running)),
               "status" = COALESCE(${reported}::"NodeStatus", n."status"),
               "labels" = ${JSON.stringify(labels)}::jsonb,
               "updatedAt" = now()
          FROM (SELECT COALESCE(SUM(a."gpus"), 0)::int AS active,
                       COALESCE(SUM(a."gpus") FILTER (WHERE EXISTS (
                         SELECT 1 FROM "ExternalJob" j
                          WHERE j."workloadId" = a."workloadId" AND j."decisionId" = a."decisionId"
                            AND j."status" = 'SUBMITTED' AND j."externalState" IN ('RUNNING', 'COMPLETING', 'SUSPENDED'))), 0)::int AS running
                  FROM "Allocation" a WHERE a."nodeId" = ${existing.id} AND a."status" = 'ACTIVE') own
         WHERE n."id" = ${existing.id}`;
      if (reported === null || existing.status === reported) return null;
      const reason = `Slurm reports ${node.name} ${labels.slurmState}${node.reason ? ` (${node.reason})` : ""}`;
      await audit({
        action: "node.status",
        objectType: "GpuNode",
        objectId: existing.id,
        before: { status: existing.status },
        after: { status, reason, source: "slurm" },
      });
      return status === "DOWN" ? { id: existing.id, hostname: node.name, reason } : null;
    });
    if (changed) wentDown.push(changed);
  }
  // Nodes Slurm no longer lists are DOWN.
  const vanished = await prisma.gpuNode.findMany({
    where: { siteId: executor.siteId, hostname: { notIn: [...seen] }, status: { not: "DOWN" } },
    select: { id: true, hostname: true },
  });
  for (const node of vanished) {
    await auditedTransaction(ctx, async (tx, audit) => {
      await tx.gpuNode.update({ where: { id: node.id }, data: { status: "DOWN" } });
      await audit({
        action: "node.status",
        objectType: "GpuNode",
        objectId: node.id,
        after: { status: "DOWN", reason: "Slurm no longer lists this node", source: "slurm" },
      });
    });
    wentDown.push({ ...node, reason: `Slurm no longer lists ${node.hostname}` });
  }
  for (const node of wentDown) await replaceWorkOn(ctx, node, report);
  return free;
}

/** The workloads of a node that went DOWN go back to PENDING and are placed again. */
async function replaceWorkOn(
  ctx: TMutationContext<TActor>,
  node: { id: string; hostname: string; reason: string },
  report: TExecutorTickReport,
) {
  const affected = await ctx.prisma.workload.findMany({
    where: {
      state: { in: ["SCHEDULED", "RUNNING"] },
      allocations: { some: { status: "ACTIVE", nodeId: node.id } },
    },
    select: { id: true },
  });
  for (const { id } of affected) {
    const moved = await auditedTransaction(ctx, (tx, audit) =>
      transitionWorkload(tx, audit, {
        workloadId: id,
        to: "PENDING",
        actorId: null,
        reason: `${node.reason}; placing again`,
        now: new Date(),
      }),
    ).catch(ignoreConflict);
    if (!moved) continue;
    report.transitions.push({ workloadId: id, to: "PENDING" });
    const placed = await placeWorkload(ctx, id).catch(ignoreConflict);
    if (placed?.feasible)
      await scheduleWorkload(ctx, { id, decisionId: placed.decisionId }).catch(ignoreConflict);
  }
}

function ignoreConflict(error: unknown): null {
  if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "CAPACITY_EXCEEDED"))
    return null;
  throw error;
}

// ---------------------------------------------------------------------------------------
// Tracking
// ---------------------------------------------------------------------------------------

const at = (unixSeconds: number | undefined, fallback: Date) =>
  unixSeconds && unixSeconds > 0 ? new Date(unixSeconds * 1_000) : fallback;

const notBefore = (time: Date, floor: Date) => (time < floor ? floor : time);

/** Slurm's states onto the lifecycle, each step an event at Slurm's own time. */
async function trackJobs(
  ctx: TMutationContext<TActor>,
  executor: SiteExecutor,
  client: SlurmClient,
  jobs: TSlurmJob[],
  report: TExecutorTickReport,
) {
  const byId = new Map(jobs.map((j) => [String(j.job_id), j]));
  const byComment = new Map(jobs.filter((j) => j.comment).map((j) => [j.comment as string, j]));
  const open = await ctx.prisma.externalJob.findMany({
    where: { siteId: executor.siteId, status: { in: ["SUBMITTED", "INTENT"] } },
    include: {
      workload: {
        select: {
          state: true,
          allocations: { where: { status: "ACTIVE" }, select: { decisionId: true }, take: 1 },
        },
      },
    },
  });
  for (const job of open) {
    const now = new Date();
    const holding = HOLDING_STATES.includes(job.workload.state);
    const stillWanted = holding && job.workload.allocations[0]?.decisionId === job.decisionId;
    if (job.status === "INTENT") {
      if (stillWanted) continue; // dispatch submits it (or adopts what a crash left)
      // Never confirmed and no longer wanted: cancel a job a crash may have left, and close it.
      const left = byComment.get(jobComment(job.workloadId, job.id));
      if (left && !isFinished(left.job_state)) await client.cancel(String(left.job_id));
      await ctx.prisma.externalJob.update({
        where: { id: job.id },
        data: {
          status: "ENDED",
          externalId: left ? String(left.job_id) : null,
          externalState: left ? "CANCELLED" : null,
          externalReason: `not handed over: the workload is ${job.workload.state} in Switchyard`,
          endedAt: now,
        },
      });
      continue;
    }
    const externalId = job.externalId as string;
    const slurmJob = byId.get(externalId) ?? (await client.job(externalId));

    if (!stillWanted) {
      // Cancelled (or moved) in Switchyard: cancel it in Slurm too, once.
      if (slurmJob && !isFinished(slurmJob.job_state)) await client.cancel(externalId);
      await ctx.prisma.externalJob.update({
        where: { id: job.id },
        data: {
          status: "ENDED",
          externalState: slurmJob && isFinished(slurmJob.job_state) ? slurmJob.job_state : "CANCELLED",
          externalReason: `cancelled in Slurm: the workload is ${job.workload.state} in Switchyard`,
          endedAt: now,
        },
      });
      report.cancelled.push(job.workloadId);
      continue;
    }

    if (!slurmJob) {
      await endWith(
        ctx,
        job.id,
        job.workloadId,
        report,
        [
          {
            to: "FAILED",
            reason: `Slurm no longer knows job ${externalId}; it was lost or purged`,
            when: now,
          },
        ],
        { externalState: "UNKNOWN", externalReason: "not known to Slurm" },
      );
      continue;
    }

    const state = slurmJob.job_state.toUpperCase();
    const reason = slurmJob.state_reason && slurmJob.state_reason !== "None" ? slurmJob.state_reason : null;
    // Slurm keeps whole seconds: its start can read as just before the hand-over that this
    // job row records, which would put RUNNING before SCHEDULED on the timeline.
    const started = notBefore(at(slurmJob.start_time, now), job.createdAt);
    const ended = notBefore(at(slurmJob.end_time, now), started);
    const { exitCode, signal } = decodeExitCode(slurmJob.exit_code);
    const toRunning =
      job.workload.state === "SCHEDULED"
        ? [
            {
              to: "RUNNING" as const,
              reason: `Slurm job ${externalId} running on ${slurmJob.nodes ?? "?"}`,
              when: started,
            },
          ]
        : [];
    const tracked = {
      externalState: state,
      externalReason: reason,
      nodes: slurmJob.nodes ?? null,
      startedAt: slurmJob.start_time && !["PENDING"].includes(state) ? started : null,
    };

    if (state === "COMPLETED") {
      await endWith(
        ctx,
        job.id,
        job.workloadId,
        report,
        [
          ...toRunning,
          {
            to: "SUCCEEDED",
            reason: `Slurm job ${externalId} completed (exit code ${exitCode ?? 0})`,
            when: ended,
          },
        ],
        { ...tracked, exitCode, endedAt: ended },
      );
    } else if (FAILED_STATES.has(state)) {
      const code =
        exitCode !== null ? `exit code ${exitCode}` : signal !== null ? `signal ${signal}` : "no exit code";
      await endWith(
        ctx,
        job.id,
        job.workloadId,
        report,
        [
          ...(slurmJob.start_time ? toRunning : []),
          {
            to: "FAILED",
            reason: `Slurm job ${externalId} ${state}${reason ? ` (${reason})` : ""}, ${code}`,
            when: ended,
          },
        ],
        { ...tracked, exitCode, endedAt: ended },
      );
    } else if (state === "CANCELLED") {
      await endWith(
        ctx,
        job.id,
        job.workloadId,
        report,
        [{ to: "CANCELLED", reason: `Slurm job ${externalId} was cancelled in Slurm`, when: ended }],
        { ...tracked, exitCode, endedAt: ended },
      );
    } else if (state === "PREEMPTED") {
      await endWith(
        ctx,
        job.id,
        job.workloadId,
        report,
        [{ to: "PREEMPTED", reason: `Slurm preempted job ${externalId}`, when: ended }],
        { ...tracked, endedAt: ended },
      );
    } else if (RUNNING_STATES.has(state)) {
      await auditedTransaction(ctx, async (tx, audit) => {
        await tx.externalJob.update({ where: { id: job.id }, data: tracked });
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
    } else {
      // PENDING, CONFIGURING, REQUEUED...: still SCHEDULED, with Slurm's reason shown.
      await ctx.prisma.externalJob.update({ where: { id: job.id }, data: tracked });
      await ctx.prisma.workload.updateMany({
        where: { id: job.workloadId, state: "SCHEDULED" },
        data: { stateReason: `Slurm job ${externalId} ${state.toLowerCase()}${reason ? `: ${reason}` : ""}` },
      });
    }
  }
}

function isFinished(state: string) {
  const s = state.toUpperCase();
  return s === "COMPLETED" || s === "CANCELLED" || s === "PREEMPTED" || FAILED_STATES.has(s);
}

async function endWith(
  ctx: TMutationContext<TActor>,
  externalJobId: string,
  workloadId: string,
  report: TExecutorTickReport,
  steps: { to: WorkloadState; reason: string; when: Date }[],
  data: Prisma.ExternalJobUpdateInput,
) {
  await auditedTransaction(ctx, async (tx, audit) => {
    await tx.externalJob.update({ where: { id: externalJobId }, data: { ...data, status: "ENDED" } });
    for (const step of steps) {
      await transitionWorkload(tx, audit, {
        workloadId,
        to: step.to,
        actorId: null,
        reason: step.reason,
        now: step.when,
      });
      report.transitions.push({ workloadId, to: step.to });
    }
  }).catch(ignoreConflict);
}

// ---------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------

/**
 * Hands SCHEDULED workloads of the site to Slurm, once each: the intent (an ExternalJob row
 * with the script and request) is committed before the call, and an intent left by a crash
 * is matched to Slurm's jobs by its comment before anything is submitted again. Returns the
 * site error to show, or null.
 */
async function dispatch(
  ctx: TMutationContext<TActor>,
  executor: SiteExecutor,
  client: SlurmClient,
  jobs: TSlurmJob[],
  free: TFree,
  report: TExecutorTickReport,
): Promise<string | null> {
  const { prisma } = ctx;
  const partitions = executor.partitions as Record<string, string>;
  const workloads = await prisma.workload.findMany({
    where: { siteId: executor.siteId, state: "SCHEDULED" },
    orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
    select: {
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
    },
  });
  const byComment = new Map(jobs.filter((j) => j.comment).map((j) => [j.comment as string, j]));
  let siteError: string | null = null;
  const now = new Date();
  const wait = (id: string, reason: string) =>
    prisma.workload.updateMany({ where: { id, state: "SCHEDULED" }, data: { stateReason: reason } });

  for (const workload of workloads) {
    const decisionId = workload.allocations[0]?.decisionId;
    if (!decisionId) continue;
    const existing = workload.externalJobs.find((j) => j.decisionId === decisionId);
    if (existing && existing.status !== "INTENT") continue;
    if (existing && existing.nextAttemptAt > now) continue;
    if (workload.transfers.length > 0) {
      await wait(workload.id, "waiting for its dataset copies before it is handed to Slurm");
      continue;
    }
    if (!workload.command?.trim()) {
      await wait(workload.id, "cannot be handed to Slurm: the workload has no command to run");
      continue;
    }
    const model = workload.allocations[0]?.node.gpuModel as string;
    const partition = partitions[model];
    if (!partition) {
      siteError = `no Slurm partition is configured for ${model}`;
      await wait(workload.id, `cannot be handed to Slurm: ${siteError}`);
      continue;
    }
    const perNode = Math.max(...workload.allocations.map((a) => a.gpus));
    const short = workload.allocations
      .map((a) => ({ host: a.node.hostname, free: free.get(a.node.hostname) }))
      .find((a) => !a.free || a.free.free < perNode);
    if (short) {
      await wait(
        workload.id,
        `waiting for Slurm: ${short.host} has ${short.free?.free ?? 0} free GPUs, the job needs ${perNode}`,
      );
      continue;
    }
    const gresType = free.get(workload.allocations[0]?.node.hostname as string)?.gresType as string;
    const script = sbatchScript({ id: workload.id, name: workload.name, command: workload.command });
    const request = (externalJobId: string): TSlurmJobRequest => ({
      name: `switchyard-${workload.id}`,
      comment: jobComment(workload.id, externalJobId),
      partition,
      gres: `gpu:${gresType}:${perNode}`,
      nodes: workload.allocations.length,
      nodelist: workload.allocations.map((a) => a.node.hostname).join(","),
      time_limit: timeLimitMinutes(Number(workload.estimatedHours)),
      current_working_directory: "/tmp",
      environment: { PATH: "/usr/local/bin:/usr/bin:/bin", SWITCHYARD_WORKLOAD_ID: workload.id },
    });

    // 1. The intent, committed before Slurm hears of it.
    let intent = existing ?? null;
    if (!intent) {
      intent = await auditedTransaction(ctx, async (tx, audit) => {
        const created = await tx.externalJob.create({
          data: {
            workloadId: workload.id,
            decisionId,
            siteId: executor.siteId,
            kind: "SLURM",
            script,
            request: {},
          },
          select: { id: true, decisionId: true, status: true, nextAttemptAt: true, attempts: true },
        });
        await tx.externalJob.update({
          where: { id: created.id },
          data: { request: request(created.id) as unknown as Prisma.InputJsonObject },
        });
        await audit({
          action: "workload.dispatch.intent",
          objectType: "Workload",
          objectId: workload.id,
          after: { externalJobId: created.id, executor: "SLURM", request: request(created.id) },
        });
        return created;
      }).catch((error: unknown) => {
        if ((error as { code?: string }).code === "P2002") return null; // another process has it
        throw error;
      });
      if (!intent) continue;
    }

    // 2. A job already carrying this intent's comment (submitted before a crash) is adopted.
    const adopted = byComment.get(jobComment(workload.id, intent.id));
    let externalId: string | null = adopted ? String(adopted.job_id) : null;
    let error: string | null = null;
    if (!externalId) {
      try {
        externalId = await client.submit(script, request(intent.id));
      } catch (e) {
        if (!(e instanceof SlurmError)) throw e;
        error = e.message;
      }
    }
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
          where: { id: workload.id, state: "SCHEDULED" },
          data: {
            stateReason: `handed to Slurm as job ${externalId}${adopted ? " (found by its comment after a restart)" : ""}`,
          },
        });
        await audit({
          action: "workload.dispatch",
          objectType: "Workload",
          objectId: workload.id,
          after: { executor: "SLURM", jobId: externalId, adopted: Boolean(adopted) },
        });
      } else {
        const next = new Date(now.getTime() + retryDelaySeconds(attempts) * 1_000);
        await tx.externalJob.update({
          where: { id: intent.id },
          data: { attempts, nextAttemptAt: next, lastError: error },
        });
        await tx.workload.updateMany({
          where: { id: workload.id, state: "SCHEDULED" },
          data: {
            stateReason: `Slurm did not take the job (attempt ${attempts}): ${error}; trying again after ${next.toISOString()}`,
          },
        });
        await audit({
          action: "workload.dispatch.failed",
          objectType: "Workload",
          objectId: workload.id,
          after: { executor: "SLURM", attempt: attempts, error, nextAttemptAt: next.toISOString() },
        });
      }
    });
    if (externalId) {
      report.submitted.push(workload.id);
      // What it takes is no longer free for the next workload of this tick.
      for (const a of workload.allocations) {
        const f = free.get(a.node.hostname);
        if (f) f.free -= perNode;
      }
    } else {
      siteError = `submission of ${workload.name} failed: ${error}`;
    }
  }
  return siteError;
}
