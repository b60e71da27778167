import type { Prisma, PrismaClient } from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TSetExecutorInput } from "../router/executor/executor.schema.ts";
import { getVisibleWorkloadOrThrow } from "../workloads/service.ts";
import { openCredential, sealCredential } from "./credentials.ts";
import { SlurmClient, SlurmError } from "./slurm-client.ts";

export type TExecutorView = {
  siteId: string;
  kind: "MANUAL" | "SLURM" | "KUBERNETES";
  endpoint: string | null;
  userName: string | null;
  /** Whether a credential is stored; the credential itself is never returned. */
  hasCredential: boolean;
  partitions: Record<string, string>;
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
  if (input.kind === "KUBERNETES") {
    throw new AppError("INVALID_REQUEST", "kubernetes executor not available", {
      userMessage: "Kubernetes executors are not available yet; choose MANUAL or SLURM.",
      field: "kind",
    });
  }
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
      if (!input.token && !before?.credential)
        throw new AppError("INVALID_REQUEST", "token required", {
          userMessage: "A Slurm executor needs a token (`scontrol token username=<user>`).",
          field: "token",
        });
      data = {
        siteId: input.siteId,
        kind: "SLURM",
        endpoint: input.endpoint,
        userName: input.userName,
        credential: input.token ? sealCredential(input.token) : (before?.credential ?? null),
        partitions: input.partitions,
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
          }
        : { kind: "MANUAL" },
      after: {
        kind: data.kind,
        endpoint: data.endpoint ?? null,
        userName: data.userName ?? null,
        partitions: data.partitions ?? {},
        credentialChanged: input.kind === "SLURM" && Boolean(input.token),
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

/** The batch script handed to Slurm for a workload (its latest hand-over), for download. */
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
    script: [shebang, ...directives, ...body].join("\n"),
  };
}
