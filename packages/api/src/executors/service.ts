import type { Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TSetExecutorInput } from "../router/executor/executor.schema.ts";
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
};

/** A site's executor as the console and API show it (MANUAL when none was set). */
export async function getSiteExecutor(prisma: PrismaClient, siteId: string): Promise<TExecutorView> {
  const [site, executor, openJobs] = await Promise.all([
    prisma.site.findUnique({ where: { id: siteId }, select: { id: true } }),
    prisma.siteExecutor.findUnique({ where: { siteId } }),
    prisma.externalJob.count({ where: { siteId, status: { not: "ENDED" } } }),
  ]);
  if (!site) throw new AppError("NOT_FOUND", `site ${siteId} not found`, { userMessage: "This site does not exist." });
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
  };
}

/**
 * Sets how work reaches a site. A Slurm executor needs a token the first time; later edits
 * keep the stored one unless a new one is given. A site with jobs still open at its
 * scheduler keeps its executor kind until they end. Audited without the credential.
 */
export async function setSiteExecutor(ctx: TMutationContext, input: TSetExecutorInput): Promise<TExecutorView> {
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
        ? { kind: before.kind, endpoint: before.endpoint, userName: before.userName, partitions: before.partitions }
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
export function slurmClientFor(executor: { endpoint: string | null; userName: string | null; credential: string | null }) {
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
  const executor = await ctx.prisma.siteExecutor.findUnique({ where: { siteId } });
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
