import { outputOf, ZNodeRow, ZNodeStatusChange, ZPageOf } from "../../rest/outputs.ts";
import {
  changeNodeStatus,
  createNode,
  getNodeOrThrow,
  listNodeOptions,
  listNodes,
} from "../../services/nodes.ts";
import { getNodeTelemetry } from "../../telemetry/history.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZListNodesInput } from "./list-nodes.schema.ts";
import { ZNodeId, ZNodeInput, ZNodeSelection, ZNodeTelemetryInput } from "./node.schema.ts";

export const nodeRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/nodes",
        tags: ["Nodes"],
        summary: "List GPU nodes",
        description: "Nodes across sites; filter by site, environment, status and GPU model.",
      },
    })
    .output(outputOf<typeof listNodes>(ZPageOf(ZNodeRow)))
    .input(ZListNodesInput)
    .query(({ ctx, input }) => listNodes(ctx.prisma, input)),
  options: protectedProcedure.query(({ ctx }) => listNodeOptions(ctx.prisma)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/nodes/{id}",
        tags: ["Nodes"],
        summary: "Get a GPU node",
        description: "The node with its allocations and recent events.",
      },
    })
    .output(outputOf<typeof getNodeOrThrow>(ZNodeRow))
    .input(ZNodeId)
    .query(({ ctx, input }) => getNodeOrThrow(ctx.prisma, ctx.user, input.id)),
  telemetry: protectedProcedure
    .input(ZNodeTelemetryInput)
    .query(({ ctx, input }) => getNodeTelemetry(ctx.prisma, input)),
  create: estateEditorProcedure.input(ZNodeInput).mutation(({ ctx, input }) => createNode(ctx, input)),
  cordon: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/nodes/cordon",
        tags: ["Nodes"],
        summary: "Cordon GPU nodes",
        description:
          "No new work is placed on them; running work stays. All or nothing. With one id, If-Match takes the node's ETag: a node changed since you read it is refused with 412.",
      },
    })
    .output(outputOf<typeof changeNodeStatus>(ZNodeStatusChange))
    .input(ZNodeSelection)
    .mutation(({ ctx, input }) => changeNodeStatus(ctx, "cordon", input.ids)),
  drain: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/nodes/drain",
        tags: ["Nodes"],
        summary: "Drain GPU nodes",
        description:
          "No new work, and the answer lists the workloads that must move. All or nothing. With one id, If-Match takes the node's ETag: a node changed since you read it is refused with 412.",
      },
    })
    .output(outputOf<typeof changeNodeStatus>(ZNodeStatusChange))
    .input(ZNodeSelection)
    .mutation(({ ctx, input }) => changeNodeStatus(ctx, "drain", input.ids)),
  uncordon: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/nodes/uncordon",
        tags: ["Nodes"],
        summary: "Uncordon GPU nodes",
        description:
          "Back to READY for new work. All or nothing. With one id, If-Match takes the node's ETag: a node changed since you read it is refused with 412.",
      },
    })
    .output(outputOf<typeof changeNodeStatus>(ZNodeStatusChange))
    .input(ZNodeSelection)
    .mutation(({ ctx, input }) => changeNodeStatus(ctx, "uncordon", input.ids)),
});
