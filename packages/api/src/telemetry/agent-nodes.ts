import type { Prisma } from "@switchyard/db";
import { GPU_MODELS, gpuModelFromProductName } from "@switchyard/db/gpu-models";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TAudit, type TMutationContext } from "../lib/audited.ts";
import type { TAgentRegisterInput } from "../router/agent/agent.schema.ts";

/** What an agent procedure knows about its caller: the site its token is bound to. */
export type TAgentContext = TMutationContext & { agent: { tokenId: string; siteId: string } };

type TReportedFacts = {
  gpuModel: string;
  gpuCount: number;
  gpuMemoryGib: number;
  driverVersion: string;
  cudaVersion: string | null;
  migMode: string | null;
  agentVersion: string | null;
};

/** The node facts a registration reports, in catalog terms; a GPU the catalog lacks is named. */
function reportedFacts(input: TAgentRegisterInput): TReportedFacts {
  const indexes = new Set(input.gpus.map((g) => g.index));
  if (indexes.size !== input.gpus.length) {
    throw invalid("gpus", "Each GPU index once: the report lists one GPU twice.");
  }
  const models = input.gpus.map((gpu, i) => {
    const model = gpuModelFromProductName(gpu.name);
    if (!model) {
      throw invalid(
        `gpus[${i}].name`,
        `Switchyard does not place on "${gpu.name}"; it knows ${Object.keys(GPU_MODELS).join(", ")}.`,
      );
    }
    return model;
  });
  const distinct = [...new Set(models)];
  if (distinct.length > 1) {
    throw invalid("gpus", `A node holds one GPU model; this one reports ${distinct.join(" and ")}.`);
  }
  const migModes = [...new Set(input.gpus.flatMap((g) => (g.migMode ? [g.migMode] : [])))];
  return {
    gpuModel: distinct[0] as string,
    gpuCount: input.gpus.length,
    // Clouds and price lists round memory up (an H200's 143,771 MiB is "141 GB"); so do we.
    gpuMemoryGib: Math.ceil(Math.min(...input.gpus.map((g) => g.memoryTotalMib)) / 1024),
    driverVersion: input.driverVersion,
    cudaVersion: input.cudaVersion || null,
    migMode: migModes.length === 0 ? null : migModes.length === 1 ? (migModes[0] as string) : "Mixed",
    agentVersion: input.agentVersion || null,
  };
}

function invalid(field: string, userMessage: string) {
  return new AppError("INVALID_REQUEST", `agent report: ${field}: ${userMessage}`, { userMessage, field });
}

/**
 * The node this agent reports for, at the token's site, or an error in words: another site's
 * node is FORBIDDEN (the token reports for its own site only), an unknown one NOT_FOUND.
 */
export async function agentNodeOrThrow(
  tx: Prisma.TransactionClient,
  agent: TAgentContext["agent"],
  hostname: string,
) {
  const node = await tx.gpuNode.findUnique({
    where: { siteId_hostname: { siteId: agent.siteId, hostname } },
    select: { id: true, hostname: true, status: true, gpuCount: true },
  });
  if (node) return node;
  const elsewhere = await tx.gpuNode.findFirst({
    where: { hostname },
    select: { site: { select: { slug: true } } },
  });
  if (elsewhere) {
    throw new AppError("FORBIDDEN", `agent token ${agent.tokenId} reported for ${hostname}`, {
      userMessage: `${hostname} belongs to site ${elsewhere.site.slug}; this agent token reports for another site's nodes only. Use a token of ${elsewhere.site.slug}.`,
      field: "hostname",
    });
  }
  throw new AppError("NOT_FOUND", `node ${hostname} not registered`, {
    userMessage: `No node ${hostname} is registered at this agent's site: register it first (POST /api/v1/agent/register).`,
    field: "hostname",
  });
}

/**
 * Registers the agent's node at its token's site, or brings its facts up to date: hostname,
 * GPU model (mapped to the catalog), count, memory, driver, CUDA and MIG mode. Counts as a
 * heartbeat: a DOWN node comes back READY. A node another site already has by that
 * hostname is left alone (FORBIDDEN): a token reports for its own site only.
 */
export async function registerAgentNode(ctx: TAgentContext, input: TAgentRegisterInput, now = new Date()) {
  const facts = reportedFacts(input);
  return auditedTransaction(ctx, async (tx, audit) => {
    const site = await tx.site.findUniqueOrThrow({
      where: { id: ctx.agent.siteId },
      select: { slug: true, status: true },
    });
    if (site.status === "DECOMMISSIONED") {
      throw new AppError("CONFLICT", `site ${site.slug} is decommissioned`, {
        userMessage: `${site.slug} is decommissioned; its agents cannot register nodes.`,
      });
    }
    const existing = await tx.gpuNode.findUnique({
      where: { siteId_hostname: { siteId: ctx.agent.siteId, hostname: input.hostname } },
      select: {
        id: true,
        status: true,
        gpuAllocated: true,
        gpuModel: true,
        gpuCount: true,
        gpuMemoryGib: true,
        driverVersion: true,
        cudaVersion: true,
        migMode: true,
        agentVersion: true,
      },
    });
    if (!existing) {
      const elsewhere = await tx.gpuNode.count({ where: { hostname: input.hostname } });
      if (elsewhere > 0) await agentNodeOrThrow(tx, ctx.agent, input.hostname);
      const node = await tx.gpuNode.create({
        data: {
          ...facts,
          siteId: ctx.agent.siteId,
          hostname: input.hostname,
          fabric: input.fabric ?? input.hostname,
          interconnect: GPU_MODELS[facts.gpuModel as keyof typeof GPU_MODELS].interconnect,
          labels: { pool: facts.gpuModel },
          lastHeartbeatAt: now,
        },
        select: { id: true, hostname: true, status: true },
      });
      await audit({ action: "node.register", objectType: "GpuNode", objectId: node.id, after: facts });
      return { ...node, ...facts, created: true };
    }
    if (facts.gpuCount < existing.gpuAllocated) {
      throw new AppError("CONFLICT", `node ${input.hostname} reports fewer GPUs than allocated`, {
        userMessage: `${input.hostname} now reports ${facts.gpuCount} GPUs, but workloads hold ${existing.gpuAllocated}; nothing was changed. Move the work off the node first.`,
        field: "gpus",
      });
    }
    const { id, status, gpuAllocated: _held, ...before } = existing;
    const revived = status === "DOWN";
    const node = await tx.gpuNode.update({
      where: { id },
      data: { ...facts, lastHeartbeatAt: now, ...(revived ? { status: "READY" } : {}) },
      select: { id: true, hostname: true, status: true },
    });
    const changed = (Object.keys(facts) as (keyof TReportedFacts)[]).some((k) => before[k] !== facts[k]);
    if (changed)
      await audit({ action: "node.register", objectType: "GpuNode", objectId: id, before, after: facts });
    if (revived) await auditRevival(audit, id);
    return { ...node, ...facts, created: false };
  });
}

function auditRevival(audit: TAudit, nodeId: string) {
  return audit({
    action: "node.up",
    objectType: "GpuNode",
    objectId: nodeId,
    before: { status: "DOWN" },
    after: { status: "READY", reason: "its agent heartbeats again" },
  });
}

/**
 * Records a heartbeat: lastHeartbeatAt = now. A node the loop marked DOWN comes back READY
 * (audited); cordoned and draining nodes keep their status.
 */
export async function recordHeartbeat(ctx: TAgentContext, hostname: string, now = new Date()) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const node = await agentNodeOrThrow(tx, ctx.agent, hostname);
    const revived = node.status === "DOWN";
    const updated = await tx.gpuNode.update({
      where: { id: node.id },
      data: { lastHeartbeatAt: now, ...(revived ? { status: "READY" } : {}) },
      select: { id: true, hostname: true, status: true, lastHeartbeatAt: true },
    });
    if (revived) await auditRevival(audit, node.id);
    return updated;
  });
}
