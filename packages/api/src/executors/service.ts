import type { Prisma, PrismaClient, SiteExecutor } from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TSetExecutorInput } from "../router/executor/executor.schema.ts";
import { getVisibleWorkloadOrThrow } from "../workloads/service.ts";
import { openCredential, sealCredential } from "./credentials.ts";
import { KubeError, kubeClientFor } from "./k8s-client.ts";
import type { TTeamTarget } from "./k8s-manifest.ts";
import { SlurmClient, SlurmError } from "./slurm-client.ts";

export type TExecutorView = {
  siteId: string;
  kind: "MANUAL" | "SLURM" | "KUBERNETES";
  endpoint: string | null;
  userName: string | null;
  /** Whether a credential is stored; the credential itself is never returned. */
  hasCredential: boolean;
  partitions: Record<string, string>;
  /** KUBERNETES: the API server's CA bundle (PEM; public, not a secret), or null. */
  caBundle: string | null;
  /** KUBERNETES: namespace and Kueue LocalQueue per team slug. */
  teams: Record<string, { namespace: string; localQueue: string }>;
  /** KUBERNETES: node pool label "key=value", or null (Jobs go to the chosen nodes). */
  nodePoolLabel: string | null;
  lastSyncAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  openJobs: number;
  /** The scheduler's view of the site's nodes, as of the last sync. */
  nodes: {
    hostname: string;
    status: string;
    gpuCount: number;
    gpuAllocated: number;
    schedulerState: string | null;
    schedulerReason: string | null;
  }[];
};

/** A site's executor as the console and API show it (MANUAL when none was set). */
export async function getSiteExecutor(prisma: PrismaClient, siteId: string): Promise<TExecutorView> {
  const [site, executor, openJobs, nodes] = await Promise.all([
    prisma.site.findUnique({ where: { id: siteId }, select: { id: true } }),
    prisma.siteExecutor.findUnique({ where: { siteId } }),
    prisma.externalJob.count({ where: { siteId, status: { not: "ENDED" } } }),
    prisma.gpuNode.findMany({
      where: { siteId, labels: { path: ["scheduler"], equals: "slurm" } },
      select: { hostname: true, status: true, gpuCount: true, gpuAllocated: true, labels: true },
      orderBy: { hostname: "asc" },
      take: 500,
    }),
  ]);
  if (!site)
    throw new AppError("NOT_FOUND", `site ${siteId} not found`, { userMessage: "This site does not exist." });
  return {
    siteId,
    kind: executor?.kind ?? "MANUAL",
    endpoint: executor?.endpoint ?? null,
    userName: executor?.userName ?? null,
    hasCredential: Boolean(executor?.credential),
    partitions: (executor?.partitions ?? {}) as Record<string, string>,
    caBundle: executor?.caBundle ?? null,
    teams: (executor?.teams ?? {}) as TExecutorView["teams"],
    nodePoolLabel: executor?.nodePoolLabel ?? null,
    lastSyncAt: executor?.lastSyncAt ?? null,
    lastError: executor?.lastError ?? null,
    lastErrorAt: executor?.lastErrorAt ?? null,
    openJobs,
    nodes: nodes.map((n) => {
      const labels = n.labels as { slurmState?: string; slurmReason?: string };
      return {
        hostname: n.hostname,
        status: n.status,
        gpuCount: n.gpuCount,
        gpuAllocated: n.gpuAllocated,
        schedulerState: labels.slurmState ?? null,
        schedulerReason: labels.slurmReason || null,
      };
    }),
  };
}

/**
 * Sets how work reaches a site. A Slurm executor needs a token the first time; later edits
 * keep the stored one unless a new one is given. A site with jobs still open at its
 * scheduler keeps its executor kind until they end. Audited without the credential.
 */
export async function setSiteExecutor(
  ctx: TMutationContext,
  input: TSetExecutorInput,
): Promise<TExecutorView> {
  await auditedTransaction(ctx, async (tx, audit) => {
    const site = await tx.site.findUnique({ where: { id: input.siteId }, select: { status: true } });
    if (!site)
      throw new AppError("NOT_FOUND", `site ${input.siteId} not found`, {
        userMessage: "This site does not exist.",
        field: "siteId",
      });
    if (site.status === "DECOMMISSIONED")
      throw new AppError("CONFLICT", `site ${input.siteId} is decommissioned`, {
        userMessage: "A decommissioned site runs nothing; it cannot get an executor.",
        field: "siteId",
      });
    const before = await tx.siteExecutor.findUnique({ where: { siteId: input.siteId } });
    const beforeKind = before?.kind ?? "MANUAL";
    if (beforeKind !== input.kind) {
      const open = await tx.externalJob.count({ where: { siteId: input.siteId, status: { not: "ENDED" } } });
      if (open > 0)
        throw new AppError("CONFLICT", `site ${input.siteId} has ${open} open jobs`, {
          userMessage: `${open} job(s) handed to this site's scheduler have not ended; change the executor when they have.`,
          field: "kind",
        });
    }
    let data: Prisma.SiteExecutorUncheckedCreateInput;
    if (input.kind === "SLURM") {
      if (!input.token && !(before?.kind === "SLURM" && before.credential))
        throw new AppError("INVALID_REQUEST", "token required", {
          userMessage: "A Slurm executor needs a token (`scontrol token username=<user>`).",
          field: "token",
        });
      data = {
        siteId: input.siteId,
        kind: "SLURM",
        endpoint: input.endpoint,
        userName: input.userName,
        // A stored token is kept only if it is this kind's (a Kubernetes token is no Slurm JWT).
        credential: input.token
          ? sealCredential(input.token)
          : before?.kind === "SLURM"
            ? (before.credential ?? null)
            : null,
        partitions: input.partitions,
        caBundle: null,
        teams: {},
        nodePoolLabel: null,
        lastError: null,
        lastErrorAt: null,
      };
    } else if (input.kind === "KUBERNETES") {
      if (!input.token && !(before?.kind === "KUBERNETES" && before.credential))
        throw new AppError("INVALID_REQUEST", "token required", {
          userMessage:
            "A Kubernetes executor needs a bearer token (`kubectl create token <service-account>`).",
          field: "token",
        });
      const slugs = Object.keys(input.teams);
      const known = await tx.team.findMany({ where: { slug: { in: slugs } }, select: { slug: true } });
      const unknown = slugs.filter((slug) => !known.some((t) => t.slug === slug));
      if (unknown.length > 0)
        throw new AppError("INVALID_REQUEST", `unknown teams ${unknown.join(", ")}`, {
          userMessage: `No team has the slug ${unknown.join(", ")}.`,
          field: "teams",
        });
      data = {
        siteId: input.siteId,
        kind: "KUBERNETES",
        endpoint: input.endpoint,
        userName: null,
        credential: input.token
          ? sealCredential(input.token)
          : before?.kind === "KUBERNETES"
            ? (before.credential ?? null)
            : null,
        partitions: {},
        caBundle: input.caBundle ?? null,
        teams: input.teams,
        nodePoolLabel: input.nodePoolLabel ?? null,
        lastError: null,
        lastErrorAt: null,
      };
    } else {
      data = {
        siteId: input.siteId,
        kind: "MANUAL",
        endpoint: null,
        userName: null,
        credential: null,
        partitions: {},
        caBundle: null,
        teams: {},
        nodePoolLabel: null,
        lastError: null,
        lastErrorAt: null,
      };
    }
    await tx.siteExecutor.upsert({ where: { siteId: input.siteId }, create: data, update: data });
    await audit({
      action: "site.executor.set",
      objectType: "Site",
      objectId: input.siteId,
      before: before
        ? {
            kind: before.kind,
            endpoint: before.endpoint,
            userName: before.userName,
            partitions: before.partitions,
            teams: before.teams,
            nodePoolLabel: before.nodePoolLabel,
            hasCaBundle: Boolean(before.caBundle),
          }
        : { kind: "MANUAL" },
      after: {
        kind: data.kind,
        endpoint: data.endpoint ?? null,
        userName: data.userName ?? null,
        partitions: data.partitions ?? {},
        teams: data.teams ?? {},
        nodePoolLabel: data.nodePoolLabel ?? null,
        hasCaBundle: Boolean(data.caBundle),
        credentialChanged: input.kind !== "MANUAL" && Boolean(input.token),
      },
    });
  });
  return getSiteExecutor(ctx.prisma, input.siteId);
}

/** The client of a site's Slurm executor, with its token decrypted. */
export function slurmClientFor(executor: {
  endpoint: string | null;
  userName: string | null;
  credential: string | null;
}) {
  if (!executor.endpoint || !executor.userName || !executor.credential)
    throw new SlurmError("REJECTED", "the Slurm executor lacks its URL, user or token");
  return new SlurmClient({
    endpoint: executor.endpoint,
    userName: executor.userName,
    token: openCredential(executor.credential),
  });
}

export type TConnectionTest = { ok: boolean; message: string; nodes: number };

/** Calls the stored scheduler: reachable, token accepted, nodes listed. Never throws for a failing scheduler. */
export async function testSiteExecutor(ctx: TMutationContext, siteId: string): Promise<TConnectionTest> {
  const [site, executor] = await Promise.all([
    ctx.prisma.site.findUnique({ where: { id: siteId }, select: { id: true } }),
    ctx.prisma.siteExecutor.findUnique({ where: { siteId } }),
  ]);
  if (!site)
    throw new AppError("NOT_FOUND", `site ${siteId} not found`, { userMessage: "This site does not exist." });
  if (!executor || executor.kind === "MANUAL")
    throw new AppError("INVALID_REQUEST", `site ${siteId} has no scheduler`, {
      userMessage: "This site is run by hand (MANUAL); there is no scheduler to test.",
      field: "siteId",
    });
  if (executor.kind === "KUBERNETES") return testKubernetes(executor);
  try {
    const client = slurmClientFor(executor);
    await client.ping();
    const nodes = await client.nodes();
    return { ok: true, message: `Slurm answers: ${nodes.length} node(s)`, nodes: nodes.length };
  } catch (error) {
    if (error instanceof SlurmError) return { ok: false, message: error.message, nodes: 0 };
    if (error instanceof Error && error.name === "SecretKeyError")
      return { ok: false, message: `the stored token cannot be decrypted: ${error.message}`, nodes: 0 };
    throw error;
  }
}

async function testKubernetes(executor: SiteExecutor): Promise<TConnectionTest> {
  try {
    const client = kubeClientFor(executor);
    const version = await client.serverVersion();
    const teams = Object.entries(executor.teams as Record<string, TTeamTarget>);
    for (const [, target] of teams) await client.checkQueue(target.namespace, target.localQueue);
    return {
      ok: true,
      message: `Kubernetes ${version} answers; ${teams.length} team queue(s) found: ${teams
        .map(([slug, t]) => `${slug} → ${t.namespace}/${t.localQueue}`)
        .join(", ")}`,
      nodes: 0,
    };
  } catch (error) {
    if (error instanceof KubeError) return { ok: false, message: error.message, nodes: 0 };
    if (error instanceof Error && error.name === "SecretKeyError")
      return { ok: false, message: `the stored token cannot be decrypted: ${error.message}`, nodes: 0 };
    throw error;
  }
}

/** The sbatch script (Slurm) or Job manifest (Kubernetes) of a workload's latest hand-over, for download. */
export async function getJobScript(prisma: PrismaClient, user: TSessionUser, workloadId: string) {
  await getVisibleWorkloadOrThrow(prisma, user, workloadId);
  const job = await prisma.externalJob.findFirst({
    where: { workloadId },
    orderBy: { createdAt: "desc" },
    select: { kind: true, externalId: true, script: true, request: true },
  });
  if (!job)
    throw new AppError("NOT_FOUND", `workload ${workloadId} has no job`, {
      userMessage: "This workload has not been handed to a scheduler.",
    });
  if (job.kind === "KUBERNETES") {
    const ref = job.externalId ? job.externalId.split("/") : [];
    return {
      fileName: `switchyard-${workloadId}${ref[1] ? `-job-${ref[1]}` : ""}.yaml`,
      mediaType: "application/yaml",
      script: job.script,
    };
  }
  const request = job.request as Record<string, unknown>;
  // The request's job properties as #SBATCH lines, so the file runs as it was submitted.
  const directives = [
    ["job-name", request.name],
    ["comment", request.comment],
    ["partition", request.partition],
    ["nodes", request.nodes],
    ["nodelist", request.nodelist],
    ["gres", request.gres],
    ["time", request.time_limit],
    ["chdir", request.current_working_directory],
  ]
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([name, value]) => `#SBATCH --${name}=${String(value)}`);
  const [shebang, ...body] = job.script.split("\n");
  return {
    fileName: `switchyard-${workloadId}${job.externalId ? `-slurm-${job.externalId}` : ""}.sbatch`,
    mediaType: "text/x-shellscript",
    script: [shebang, ...directives, ...body].join("\n"),
  };
}
