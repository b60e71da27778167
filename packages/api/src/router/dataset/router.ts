import { z } from "zod";
import { DATASET_EDITOR_ROLES } from "../../auth/rules.ts";
import { outputOf, ZDatasetRow, ZPageOf, ZReplicaChange, ZReplicaRemoved } from "../../rest/outputs.ts";
import { createDataset, datasetFormOptions, updateDataset } from "../../services/dataset-edit.ts";
import {
  addReplica,
  getDatasetOrThrow,
  listDatasetOptions,
  listDatasets,
  listReplicaCandidates,
  removeReplica,
} from "../../services/datasets.ts";
import { createTRPCRouter, protectedProcedure, roleProcedure } from "../../trpc.ts";
import { ZDatasetId, ZReplicaInput } from "./dataset.schema.ts";
import { ZCreateDatasetInput, ZUpdateDatasetInput } from "./dataset-form.schema.ts";
import { ZListDatasetsInput } from "./list-datasets.schema.ts";

/** Roles that may change some datasets; the service checks a steward stewards this one. */
const datasetEditorProcedure = roleProcedure(...DATASET_EDITOR_ROLES);

export const datasetRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/datasets",
        tags: ["Datasets"],
        summary: "List datasets",
        description: "Datasets with classification, residency and replicas; sizeBytes is a decimal string.",
      },
    })
    .output(outputOf<typeof listDatasets>(ZPageOf(ZDatasetRow)))
    .input(ZListDatasetsInput)
    .query(({ ctx, input }) => listDatasets(ctx.prisma, input)),
  options: protectedProcedure.query(({ ctx }) => listDatasetOptions(ctx.prisma)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/datasets/{id}",
        tags: ["Datasets"],
        summary: "Get a dataset",
        description: "The dataset with its stewards, replicas and residency.",
      },
    })
    .output(outputOf<typeof getDatasetOrThrow>(ZDatasetRow))
    .input(ZDatasetId)
    .query(({ ctx, input }) => getDatasetOrThrow(ctx.prisma, ctx.user, input.id)),
  formOptions: datasetEditorProcedure.query(({ ctx }) => datasetFormOptions(ctx.prisma)),
  create: datasetEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/datasets",
        tags: ["Datasets"],
        summary: "Register a dataset",
        description:
          "Registers a dataset with its classification, residency, regulations, stewards and the sites that hold a copy of it today (each must obey its residency). A data steward who registers one stewards it. sizeGb is decimal gigabytes.",
      },
    })
    .input(ZCreateDatasetInput)
    .output(z.object({ id: z.string(), slug: z.string() }))
    .mutation(({ ctx, input }) => createDataset(ctx, input)),
  update: datasetEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/datasets/{id}",
        tags: ["Datasets"],
        summary: "Change a dataset",
        description:
          "Changes the dataset's fields and stewards. A residency rule that an existing replica would break is refused with 422 naming the replica. Stewards of the dataset, admins and platform engineers may change it.",
      },
    })
    .input(ZUpdateDatasetInput)
    .output(z.object({ id: z.string(), slug: z.string() }))
    .mutation(({ ctx, input }) => updateDataset(ctx, input)),
  replicaCandidates: protectedProcedure
    .input(ZDatasetId)
    .query(({ ctx, input }) => listReplicaCandidates(ctx.prisma, input.id)),
  addReplica: datasetEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/datasets/{datasetId}/replicas",
        tags: ["Datasets"],
        summary: "Add a replica of a dataset at a site",
        description:
          "Registers a copy at the site (REGISTERED), or, when a policy asks (regulated data, a cross-border copy), opens an approval request for the copy (AWAITING_APPROVAL). Admins, platform engineers, and the dataset's stewards.",
      },
    })
    .input(ZReplicaInput)
    .output(outputOf<typeof addReplica>(ZReplicaChange))
    .mutation(({ ctx, input }) => addReplica(ctx, input)),
  removeReplica: datasetEditorProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/datasets/{datasetId}/replicas/{siteId}",
        tags: ["Datasets"],
        summary: "Remove a replica of a dataset",
        description:
          "Refused with 409 for the last replica and while scheduled or running work at that site reads the dataset.",
      },
    })
    .input(ZReplicaInput)
    .output(outputOf<typeof removeReplica>(ZReplicaRemoved))
    .mutation(({ ctx, input }) => removeReplica(ctx, input)),
});
