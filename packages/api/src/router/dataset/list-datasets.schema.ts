import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { ZPageInput } from "../../lib/pagination.ts";

export const DATASET_SORT_KEYS = ["name", "slug", "classification", "sizeBytes", "createdAt"] as const;
export const CLASSIFICATIONS = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "REGULATED"] as const;

export const ZListDatasetsInput = ZPageInput(DATASET_SORT_KEYS, "name").extend({
  classification: z.enum(CLASSIFICATIONS).optional(),
  ownerTeamId: zId("Team id").optional(),
  /** Datasets with a replica at this site. */
  siteId: zId("Site id").optional(),
  regulation: z.string().trim().toUpperCase().min(2).max(20).optional(),
});
export type TListDatasetsInput = z.infer<typeof ZListDatasetsInput>;
