import { z } from "zod";
import { APPROVER_ROLES } from "../../auth/rules.ts";
import { requestDeclassification } from "../../models/declassify.ts";
import { getModelOrThrow, listModels } from "../../models/read.ts";
import { outputOf, ZModelDetail, ZModelRow, ZPageOf } from "../../rest/outputs.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import { ZDeclassifyInput, ZListModelsInput, ZModelId } from "./model.schema.ts";

export const modelRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/models",
        tags: ["Models"],
        summary: "List model artifacts",
        description:
          "Models registered by training and fine-tuning runs that succeeded, with the site and run that produced them, what they were trained on and the rules they carry. trainedOnId lists the models trained on a dataset (or fine-tuned from a model). sizeBytes is a decimal string.",
      },
    })
    .input(ZListModelsInput)
    .output(outputOf<typeof listModels>(ZPageOf(ZModelRow)))
    .query(({ ctx, input }) => listModels(ctx.prisma, ctx.user, input)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/models/{id}",
        tags: ["Models"],
        summary: "Get a model artifact with its lineage",
        description:
          "The model with the datasets (and parent model) it was trained on, the run and site that produced it, the models tuned from it, the rules it inherited and which input each comes from, its copies, stewards and declassifications. A model is also a dataset: copy it with POST /datasets/{datasetId}/replicas and list it in a workload's datasetIds to serve or tune it.",
      },
    })
    .input(ZModelId)
    .output(outputOf<typeof getModelOrThrow>(ZModelDetail))
    .query(({ ctx, input }) => getModelOrThrow(ctx.prisma, ctx.user, input.id)),
  declassify: roleProcedure(...APPROVER_ROLES)
    .meta({
      openapi: {
        method: "POST",
        path: "/models/{id}/declassifications",
        tags: ["Models"],
        summary: "Ask to declassify a model",
        description:
          "Opens an approval request, decided by the stewards of each input that put a rule on the model; nobody decides their own request. Once approved the model takes the classification asked for and no longer carries its inputs' regulations or residency. Members of the owning team, admins, platform engineers and data stewards.",
      },
    })
    .input(ZDeclassifyInput)
    .output(
      z.object({
        id: z.string(),
        approvalRequestId: z.string(),
        status: z.literal("AWAITING_APPROVAL"),
      }),
    )
    .mutation(({ ctx, input }) => requestDeclassification(ctx, input)),
});
