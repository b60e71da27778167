import type { NodeStatus, Prisma, SiteExecutor } from "@switchyard/db";
import { GPU_MODEL_NAMES, GPU_MODELS, type TGpuModel } from "@switchyard/db/gpu-models";
import { auditedTransaction } from "../lib/audited.ts";
import { placeWorkload, scheduleWorkload } from "../workloads/service.ts";
import { HOLDING_STATES } from "../workloads/state-machine.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import {
  applyObservation,
  DISPATCH_SELECT,
  ignoreConflict,
  readyToHandOver,
  recordHandOver,
  recordIntent,
  scheduledAt,
  type TExecutorCtx,
  type TExecutorTickReport,
  type TJobObservation,
  timeLimitMinutes,
  waitWithReason,
} from "./lifecycle.ts";
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

const FAILED_STATES = new Set(["FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"]);
const RUNNING_STATES = new Set(["RUNNING", "COMPLETING", "SUSPENDED", "STOPPED"]);

/** The comment a job carries: finds it again after a crash between intent and answer. */
export const jobComment = (workloadId: string, externalJobId: string) =>
  `switchyard:${workloadId}:${externalJobId}`;

export { retryDelaySeconds, timeLimitMinutes } from "./lifecycle.ts";

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
 * One Slurm site's pass (see tick.ts): follow the jobs already handed over, mirror Slurm's
 * nodes into the site's GpuNodes, then hand newly SCHEDULED workloads to Slurm. Returns the
 * site error to show; a failing slurmrestd throws a SlurmError.
 */
export async function runSlurmSite(
  ctx: TExecutorCtx,
  executor: SiteExecutor,
  report: TExecutorTickReport,
): Promise<string | null> {
  const client = slurmClientFor(executor);
  const [nodes, jobs] = await Promise.all([client.nodes(), client.jobs()]);
  await trackJobs(ctx, executor, client, jobs, report);
  const free = await syncInventory(ctx, executor, nodes, report);
  return dispatch(ctx, executor, client, jobs, free, report);
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
  ctx: TExecutorCtx,
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
  ctx: TExecutorCtx,
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

// ---------------------------------------------------------------------------------------
// Tracking
// ---------------------------------------------------------------------------------------

const at = (unixSeconds: number | undefined, fallback: Date) =>
  unixSeconds && unixSeconds > 0 ? new Date(unixSeconds * 1_000) : fallback;

/** A Slurm job (or its absence) in the shared lifecycle's terms, at Slurm's own times. */
export function observeSlurmJob(externalId: string, slurmJob: TSlurmJob | null, now: Date): TJobObservation {
  if (!slurmJob)
    return {
      phase: "lost",
      reason: `Slurm no longer knows job ${externalId}; it was lost or purged`,
      startedAt: null,
      endedAt: null,
      tracked: { externalState: "UNKNOWN", externalReason: "not known to Slurm" },
    };
  const state = slurmJob.job_state.toUpperCase();
  const reason = slurmJob.state_reason && slurmJob.state_reason !== "None" ? slurmJob.state_reason : null;
  const started = at(slurmJob.start_time, now);
  const ended = at(slurmJob.end_time, now);
  const { exitCode, signal } = decodeExitCode(slurmJob.exit_code);
  const tracked = {
    externalState: state,
    externalReason: reason,
    nodes: slurmJob.nodes ?? null,
    startedAt: slurmJob.start_time && !["PENDING"].includes(state) ? started : null,
  };
  const base = {
    runningReason: `Slurm job ${externalId} running on ${slurmJob.nodes ?? "?"}`,
    startedAt: started,
    endedAt: ended,
  };
  if (state === "COMPLETED")
    return {
      ...base,
      phase: "succeeded",
      reason: `Slurm job ${externalId} completed (exit code ${exitCode ?? 0})`,
      tracked: { ...tracked, exitCode },
    };
  if (FAILED_STATES.has(state)) {
    const code =
      exitCode !== null ? `exit code ${exitCode}` : signal !== null ? `signal ${signal}` : "no exit code";
    return {
      ...base,
      startedAt: slurmJob.start_time ? started : null,
      phase: "failed",
      reason: `Slurm job ${externalId} ${state}${reason ? ` (${reason})` : ""}, ${code}`,
      tracked: { ...tracked, exitCode },
    };
  }
  if (state === "CANCELLED")
    return {
      ...base,
      phase: "cancelled",
      reason: `Slurm job ${externalId} was cancelled in Slurm`,
      tracked: { ...tracked, exitCode },
    };
  if (state === "PREEMPTED")
    return { ...base, phase: "preempted", reason: `Slurm preempted job ${externalId}`, tracked };
  if (RUNNING_STATES.has(state)) return { ...base, phase: "running", reason: base.runningReason, tracked };
  // PENDING, CONFIGURING, REQUEUED...: still SCHEDULED, with Slurm's reason shown.
  return {
    ...base,
    startedAt: null,
    phase: "waiting",
    reason: `Slurm job ${externalId} ${state.toLowerCase()}${reason ? `: ${reason}` : ""}`,
    tracked,
  };
}

/** Slurm's states onto the lifecycle, each step an event at Slurm's own time. */
async function trackJobs(
  ctx: TExecutorCtx,
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

    await applyObservation(
      ctx,
      { id: job.id, workloadId: job.workloadId, createdAt: job.createdAt, workloadState: job.workload.state },
      observeSlurmJob(externalId, slurmJob, now),
      report,
      now,
    );
  }
}

function isFinished(state: string) {
  const s = state.toUpperCase();
  return s === "COMPLETED" || s === "CANCELLED" || s === "PREEMPTED" || FAILED_STATES.has(s);
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
  ctx: TExecutorCtx,
  executor: SiteExecutor,
  client: SlurmClient,
  jobs: TSlurmJob[],
  free: TFree,
  report: TExecutorTickReport,
): Promise<string | null> {
  const { prisma } = ctx;
  const partitions = executor.partitions as Record<string, string>;
  const workloads = await scheduledAt(prisma, executor.siteId, DISPATCH_SELECT);
  const byComment = new Map(jobs.filter((j) => j.comment).map((j) => [j.comment as string, j]));
  let siteError: string | null = null;
  const now = new Date();
  const wait = (id: string, reason: string) => waitWithReason(prisma, id, reason);

  for (const workload of workloads) {
    const ready = await readyToHandOver(prisma, workload, "Slurm", now);
    if (!ready) continue;
    const { decisionId, command, existing } = ready;
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
    const script = sbatchScript({ id: workload.id, name: workload.name, command });
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
    const intent =
      existing ??
      (await recordIntent(ctx, {
        workloadId: workload.id,
        decisionId,
        siteId: executor.siteId,
        kind: "SLURM",
        script: () => script,
        request: (id) => request(id) as unknown as Prisma.InputJsonObject,
      }));
    if (!intent) continue;

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
    await recordHandOver(ctx, {
      intent,
      workloadId: workload.id,
      kind: "SLURM",
      scheduler: "Slurm",
      jobLabel: (id) => `job ${id}`,
      externalId,
      adopted: Boolean(adopted),
      foundBy: "comment",
      error,
      now,
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
