import { z } from "zod";
import { outputOf } from "../../rest/outputs.ts";
import { recordHeartbeat, registerAgentNode } from "../../telemetry/agent-nodes.ts";
import { assertSamplesValid, ingestTelemetry } from "../../telemetry/ingest.ts";
import { agentProcedure, createTRPCRouter } from "../../trpc.ts";
import {
  MAX_TELEMETRY_BODY_BYTES,
  ZAgentHeartbeatInput,
  ZAgentRegisterInput,
  ZAgentTelemetryInput,
} from "./agent.schema.ts";

const ZAgentNode = z.looseObject({ id: z.string(), hostname: z.string(), status: z.string() });

export const agentRouter = createTRPCRouter({
  register: agentProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/agent/register",
        tags: ["Agent"],
        summary: "Register or update the agent's node",
        description:
          "With an agent token: creates the node at the token's site, or updates its GPU model, count, memory, driver, CUDA and MIG mode. Counts as a heartbeat.",
      },
    })
    .output(outputOf<typeof registerAgentNode>(ZAgentNode.extend({ created: z.boolean() })))
    .input(ZAgentRegisterInput)
    .mutation(({ ctx, input }) => registerAgentNode(ctx, input)),
  heartbeat: agentProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/agent/heartbeat",
        tags: ["Agent"],
        summary: "Heartbeat",
        description:
          "With an agent token: the node is alive. A node that stops heartbeating goes DOWN; its next heartbeat makes it READY again.",
      },
    })
    .output(outputOf<typeof recordHeartbeat>(ZAgentNode.extend({ lastHeartbeatAt: z.date() })))
    .input(ZAgentHeartbeatInput)
    .mutation(({ ctx, input }) => recordHeartbeat(ctx, input.hostname)),
  telemetry: agentProcedure
    .meta({
      maxBodyBytes: MAX_TELEMETRY_BODY_BYTES,
      openapi: {
        method: "POST",
        path: "/agent/telemetry",
        tags: ["Agent"],
        summary: "Report GPU samples",
        description:
          "With an agent token: up to 10,000 per-GPU samples of one node. A bad sample refuses the whole batch (422 naming it, e.g. samples[123].powerW); resent samples are ignored as duplicates.",
      },
    })
    .output(
      outputOf<typeof ingestTelemetry>(
        z.object({ nodeId: z.string(), accepted: z.number(), duplicates: z.number(), tooOld: z.number() }),
      ),
    )
    .use(async ({ getRawInput, next }) => {
      assertSamplesValid(await getRawInput());
      return next();
    })
    .input(ZAgentTelemetryInput)
    .mutation(({ ctx, input }) => ingestTelemetry(ctx, input)),
});
