import { z } from "zod";

export const ZDatasetId = z.object({ id: z.string().min(1, "Dataset id is required") });

/** One schema for the replica form and dataset.addReplica / dataset.removeReplica. */
export const ZReplicaInput = z.object({
  datasetId: z.string().min(1, "Dataset id is required"),
  siteId: z.string().trim().min(1, "Choose a site"),
});
export type TReplicaInput = z.infer<typeof ZReplicaInput>;
