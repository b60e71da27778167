import { z } from "zod";
import { zId } from "../../lib/input.ts";

export const ZDatasetId = z.object({ id: zId("Dataset id") });

/** One schema for the replica form and dataset.addReplica / dataset.removeReplica. */
export const ZReplicaInput = z.object({
  datasetId: zId("Dataset id"),
  siteId: zId("Site", "Choose a site"),
});
export type TReplicaInput = z.infer<typeof ZReplicaInput>;
