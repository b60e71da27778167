import { AppError } from "../errors.ts";
import { humanMessage } from "../lib/messages.ts";
import {
  MAX_SAMPLES_PER_REQUEST,
  type TAgentTelemetryInput,
  type TGpuSample,
  ZGpuSample,
} from "../router/agent/agent.schema.ts";
import { agentNodeOrThrow, type TAgentContext } from "./agent-nodes.ts";
import { RETENTION_MS } from "./retention.ts";

/** A sample stamped later than this ahead of the server's clock is refused (a wrong clock). */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * Validation policy for a batch: the FIRST bad sample is named (`samples[123].powerW`) and
 * the whole batch is refused, nothing stored. The agent buffers and resends batches, so a
 * partly stored batch would be half-resent; refusing it whole keeps a batch one unit, and
 * a 4xx tells the agent to drop it rather than retry. One error, not 10,000: the agent
 * sends what one nvidia-smi parser produced, so the first fault names the bug.
 *
 * Runs on the raw input before the procedure's schema (which would list every issue);
 * anything that is not a list of samples of the allowed length is left to that schema.
 */
export function assertSamplesValid(raw: unknown): void {
  const samples = (raw as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples) || samples.length > MAX_SAMPLES_PER_REQUEST) return;
  for (const [index, sample] of samples.entries()) {
    const result = ZGpuSample.safeParse(sample);
    if (result.success) continue;
    const issue = result.error.issues[0];
    const field = `samples[${index}]${(issue?.path ?? []).map((p) => `.${String(p)}`).join("")}`;
    throw sampleError(field, issue ? humanMessage(issue) : "This sample is not valid");
  }
}

function sampleError(field: string, problem: string) {
  return new AppError("INVALID_REQUEST", `telemetry refused at ${field}: ${problem}`, {
    userMessage: `${field}: ${problem}. The batch was refused whole; nothing was stored.`,
    field,
  });
}

/**
 * Stores a batch of samples for one node of the agent's site in one statement. A sample
 * already stored (same node, GPU and time) is a duplicate, not an error: agents resend.
 * Samples older than raw retention are skipped (they would be pruned at once).
 */
export async function ingestTelemetry(ctx: TAgentContext, input: TAgentTelemetryInput, now = new Date()) {
  const node = await agentNodeOrThrow(ctx.prisma, ctx.agent, input.hostname);
  const oldest = now.getTime() - RETENTION_MS.raw;
  const kept: TAgentTelemetryInput["samples"] = [];
  for (const [index, sample] of input.samples.entries()) {
    if (sample.gpuIndex >= node.gpuCount) {
      throw sampleError(
        `samples[${index}].gpuIndex`,
        `${node.hostname} has ${node.gpuCount} GPUs (indexes 0 to ${node.gpuCount - 1}); register the node again if it changed`,
      );
    }
    if (sample.at.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) {
      throw sampleError(
        `samples[${index}].at`,
        `${sample.at.toISOString()} is more than 5 minutes ahead of the server's clock (${now.toISOString()}); check the node's clock`,
      );
    }
    if (sample.at.getTime() >= oldest) kept.push(sample);
  }
  const column = <T>(pick: (s: TGpuSample) => T) => kept.map(pick);
  const inserted =
    kept.length === 0
      ? 0
      : await ctx.prisma.$executeRaw`
    INSERT INTO "GpuSample" ("nodeId", "gpuIndex", "at", "utilizationPct", "memoryUsedMib",
                             "powerW", "temperatureC", "eccErrors", "xidErrors", "receivedAt")
    SELECT ${node.id}, s.*, ${now}::timestamp(3) FROM unnest(
      ${column((s) => s.gpuIndex)}::int[],
      ${column((s) => s.at.toISOString())}::timestamp(3)[],
      ${column((s) => s.utilizationPct)}::float8[],
      ${column((s) => s.memoryUsedMib)}::int[],
      ${column((s) => s.powerW ?? null)}::float8[],
      ${column((s) => s.temperatureC ?? null)}::float8[],
      ${column((s) => s.eccErrors ?? null)}::int[],
      ${column((s) => s.xidErrors ?? null)}::int[]
    ) AS s("gpuIndex", "at", "utilizationPct", "memoryUsedMib", "powerW", "temperatureC", "eccErrors", "xidErrors")
    ON CONFLICT ("nodeId", "gpuIndex", "at") DO NOTHING`;
  return {
    nodeId: node.id,
    accepted: inserted,
    duplicates: kept.length - inserted,
    tooOld: input.samples.length - kept.length,
  };
}
