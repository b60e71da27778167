import type { V1Job } from "@kubernetes/client-node";
import type { Prisma, SiteExecutor, WorkloadState } from "@switchyard/db";
import { HOLDING_STATES } from "../workloads/state-machine.ts";
import { type KubeClient, KubeError, kubeClientFor, type TKueueWorkload } from "./k8s-client.ts";
import {
  jobName,
  LABEL_EXTERNAL_JOB,
  MANAGED_SELECTOR,
  manifestYaml,
  renderJobManifest,
  type TTeamTarget,
} from "./k8s-manifest.ts";
import { observeKubeJob } from "./k8s-status.ts";
import {
  applyObservation,
  DISPATCH_SELECT,
  readyToHandOver,
  recordHandOver,
  recordIntent,
  scheduledAt,
  type TExecutorCtx,
  type TExecutorTickReport,
  waitWithReason,
} from "./lifecycle.ts";

/** An ExternalJob's externalId for Kubernetes: "<namespace>/<job name>". */
export const kubeJobRef = (externalId: string) => {
  const [namespace = "", name = ""] = externalId.split("/", 2);
  return { namespace, name };
};

const isFinished = (job: V1Job) =>
  (job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );

type TSeen = {
  jobs: Map<string, V1Job>;
  byExternalJobLabel: Map<string, V1Job>;
  kueue: Map<string, TKueueWorkload>;
};

/**
 * One Kubernetes site's pass (see tick.ts): read Switchyard's Jobs and Kueue's Workloads in
 * every namespace it uses, follow the Jobs already applied, then apply Jobs for newly
 * SCHEDULED workloads. Returns the site error to show; a failing API server throws a KubeError.
 */
export async function runKubernetesSite(
  ctx: TExecutorCtx,
  executor: SiteExecutor,
  report: TExecutorTickReport,
): Promise<string | null> {
  const client = kubeClientFor(executor);
  const teams = executor.teams as Record<string, TTeamTarget>;
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
    orderBy: { createdAt: "asc" },
  });
  const namespaces = new Set(Object.values(teams).map((t) => t.namespace));
  for (const job of open) {
    const ns = (job.request as { metadata?: { namespace?: string } }).metadata?.namespace;
    if (ns) namespaces.add(ns);
  }
  const seen: TSeen = { jobs: new Map(), byExternalJobLabel: new Map(), kueue: new Map() };
  for (const namespace of [...namespaces].sort()) {
    const [jobs, kueue] = await Promise.all([
      client.listJobs(namespace, MANAGED_SELECTOR),
      client.kueueWorkloads(namespace),
    ]);
    for (const job of jobs) {
      seen.jobs.set(`${namespace}/${job.metadata?.name}`, job);
      const label = job.metadata?.labels?.[LABEL_EXTERNAL_JOB];
      if (label) seen.byExternalJobLabel.set(label, job);
    }
    for (const [uid, wl] of kueue) seen.kueue.set(uid, wl);
  }
  await trackJobs(ctx, client, open, seen, report);
  return dispatch(ctx, executor, client, teams, seen, report);
}

async function trackJobs(
  ctx: TExecutorCtx,
  client: KubeClient,
  open: {
    id: string;
    workloadId: string;
    decisionId: string;
    status: string;
    externalId: string | null;
    createdAt: Date;
    workload: { state: WorkloadState; allocations: { decisionId: string | null }[] };
  }[],
  seen: TSeen,
  report: TExecutorTickReport,
) {
  for (const job of open) {
    const now = new Date();
    const stillWanted =
      HOLDING_STATES.includes(job.workload.state) &&
      job.workload.allocations[0]?.decisionId === job.decisionId;
    if (job.status === "INTENT") {
      if (stillWanted) continue; // dispatch applies it (or adopts what a crash left)
      // Never confirmed and no longer wanted: delete a Job a crash may have left, and close it.
      const left = seen.byExternalJobLabel.get(job.id.toLowerCase());
      const ref = left
        ? { namespace: left.metadata?.namespace ?? "", name: left.metadata?.name ?? "" }
        : null;
      if (ref) await client.deleteJob(ref.namespace, ref.name);
      await ctx.prisma.externalJob.update({
        where: { id: job.id },
        data: {
          status: "ENDED",
          externalId: ref ? `${ref.namespace}/${ref.name}` : null,
          externalState: ref ? "Deleted" : null,
          externalReason: `not handed over: the workload is ${job.workload.state} in Switchyard`,
          endedAt: now,
        },
      });
      continue;
    }
    const externalId = job.externalId as string;
    const ref = kubeJobRef(externalId);
    const kubeJob = seen.jobs.get(externalId) ?? (await client.job(ref.namespace, ref.name));

    if (!stillWanted) {
      // Cancelled (or moved) in Switchyard: delete the Job (and its pods) too, once.
      if (kubeJob && !isFinished(kubeJob)) await client.deleteJob(ref.namespace, ref.name);
      await ctx.prisma.externalJob.update({
        where: { id: job.id },
        data: {
          status: "ENDED",
          externalState: kubeJob && isFinished(kubeJob) ? "Finished" : "Deleted",
          externalReason: `Job deleted (propagationPolicy Background): the workload is ${job.workload.state} in Switchyard`,
          endedAt: now,
        },
      });
      report.cancelled.push(job.workloadId);
      continue;
    }

    const uid = kubeJob?.metadata?.uid;
    const observation = observeKubeJob(ref, kubeJob, uid ? seen.kueue.get(uid) : undefined);
    // Evicted after it started: Switchyard places it again, so the Job goes.
    if (observation.phase === "preempted") await client.deleteJob(ref.namespace, ref.name);
    await applyObservation(
      ctx,
      { id: job.id, workloadId: job.workloadId, createdAt: job.createdAt, workloadState: job.workload.state },
      observation,
      report,
      now,
    );
  }
}

/**
 * Applies a Job for each SCHEDULED workload of the site, once: the intent (an ExternalJob row
 * with the manifest) is committed before the call, and an intent left by a crash is matched
 * to the API server's Jobs by its label before anything is applied again.
 */
async function dispatch(
  ctx: TExecutorCtx,
  executor: SiteExecutor,
  client: KubeClient,
  teams: Record<string, TTeamTarget>,
  seen: TSeen,
  report: TExecutorTickReport,
): Promise<string | null> {
  const { prisma } = ctx;
  const workloads = await scheduledAt(prisma, executor.siteId, {
    ...DISPATCH_SELECT,
    image: true,
    team: { select: { slug: true } },
  });
  let siteError: string | null = null;
  const now = new Date();
  const wait = (id: string, reason: string) => waitWithReason(prisma, id, reason);

  for (const workload of workloads) {
    const ready = await readyToHandOver(prisma, workload, "Kubernetes", now);
    if (!ready) continue;
    const { decisionId, command, existing } = ready;
    if (!workload.image?.trim()) {
      await wait(workload.id, "cannot be handed to Kubernetes: the workload has no container image");
      continue;
    }
    const target = teams[workload.team.slug];
    if (!target) {
      siteError = `no namespace and LocalQueue are configured for team ${workload.team.slug}`;
      await wait(workload.id, `cannot be handed to Kubernetes: ${siteError}`);
      continue;
    }
    const manifest = (externalJobId: string) =>
      renderJobManifest({
        workload: {
          id: workload.id,
          name: workload.name,
          command,
          image: workload.image as string,
          estimatedHours: Number(workload.estimatedHours),
          teamSlug: workload.team.slug,
        },
        externalJobId,
        target,
        nodes: workload.allocations.map((a) => ({ hostname: a.node.hostname, gpus: a.gpus })),
        nodePoolLabel: executor.nodePoolLabel,
      });

    // 1. The intent (with its manifest), committed before the API server hears of it.
    const intent =
      existing ??
      (await recordIntent(ctx, {
        workloadId: workload.id,
        decisionId,
        siteId: executor.siteId,
        kind: "KUBERNETES",
        script: (id) => manifestYaml(manifest(id)),
        request: (id) => manifest(id) as unknown as Prisma.InputJsonObject,
      }));
    if (!intent) continue;

    // 2. A Job already carrying this intent's label (applied before a crash) is adopted.
    const adopted = seen.byExternalJobLabel.get(intent.id.toLowerCase());
    const job = manifest(intent.id);
    let externalId: string | null = adopted
      ? `${adopted.metadata?.namespace}/${adopted.metadata?.name}`
      : null;
    let error: string | null = null;
    if (!externalId) {
      try {
        const applied = await client.applyJob(job);
        externalId = `${applied.metadata?.namespace ?? target.namespace}/${applied.metadata?.name ?? jobName(workload.id, intent.id)}`;
      } catch (e) {
        if (!(e instanceof KubeError)) throw e;
        error = e.message;
      }
    }
    await recordHandOver(ctx, {
      intent,
      workloadId: workload.id,
      kind: "KUBERNETES",
      scheduler: "Kubernetes",
      jobLabel: (id) => `Job ${id}`,
      externalId,
      adopted: Boolean(adopted),
      foundBy: "label",
      error,
      now,
    });
    if (externalId) report.submitted.push(workload.id);
    else siteError = `applying the Job of ${workload.name} failed: ${error}`;
  }
  return siteError;
}
