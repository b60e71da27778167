import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";

export const DATASET_SORT_KEYS = ["name", "slug", "classification", "sizeBytes", "createdAt"] as const;
export const CLASSIFICATIONS = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "REGULATED"] as const;

export const ZDatasetFilters = z.object({
  classification: z.enum(CLASSIFICATIONS).optional(),
  ownerTeamId: zId("Team id").optional(),
  /** Datasets with a replica at this site. */
  siteId: zId("Site id").optional(),
  regulation: z.string().trim().toUpperCase().min(2).max(20).optional(),
});
export const DATASET_FILTERS = filterKeys(ZDatasetFilters);

export const ZListDatasetsInput = ZPageInput(DATASET_SORT_KEYS, "name").extend(ZDatasetFilters.shape);
export type TListDatasetsInput = z.infer<typeof ZListDatasetsInput>;
