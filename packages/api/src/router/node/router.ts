import { outputOf, ZNodeRow, ZPageOf } from "../../rest/outputs.ts";
import {
  changeNodeStatus,
  createNode,
  getNodeOrThrow,
  listNodeOptions,
  listNodes,
} from "../../services/nodes.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZListNodesInput } from "./list-nodes.schema.ts";
import { ZNodeId, ZNodeInput, ZNodeSelection } from "./node.schema.ts";

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
  create: estateEditorProcedure.input(ZNodeInput).mutation(({ ctx, input }) => createNode(ctx, input)),
  cordon: estateEditorProcedure
    .input(ZNodeSelection)
    .mutation(({ ctx, input }) => changeNodeStatus(ctx, "cordon", input.ids)),
  drain: estateEditorProcedure
    .input(ZNodeSelection)
    .mutation(({ ctx, input }) => changeNodeStatus(ctx, "drain", input.ids)),
  uncordon: estateEditorProcedure
    .input(ZNodeSelection)
    .mutation(({ ctx, input }) => changeNodeStatus(ctx, "uncordon", input.ids)),
});
