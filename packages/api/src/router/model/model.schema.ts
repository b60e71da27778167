import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";
import { CLASSIFICATIONS } from "../dataset/list-datasets.schema.ts";

export const MODEL_SORT_KEYS = ["name", "createdAt", "sizeBytes", "classification"] as const;

export const ZModelFilters = z.object({
  classification: z.enum(CLASSIFICATIONS).optional(),
  ownerTeamId: zId("Team id").optional(),
  /** Models trained on this dataset, or fine-tuned from this model. */
  trainedOnId: zId("Dataset id").optional(),
});
export const MODEL_FILTERS = filterKeys(ZModelFilters);

export const ZListModelsInput = ZPageInput(MODEL_SORT_KEYS, "createdAt")
  .extend({ direction: z.enum(["asc", "desc"]).default("desc") })
  .extend(ZModelFilters.shape);
export type TListModelsInput = z.infer<typeof ZListModelsInput>;

export const ZModelId = z.object({ id: zId("Model id") });

export const ZDeclassifyInput = z.object({
  id: zId("Model id"),
  toClassification: z.enum(CLASSIFICATIONS, {
    error: "Choose the classification it should have: public, internal, confidential or regulated",
  }),
  reason: z
    .string({ error: "Say why the model no longer carries its data's rules" })
    .trim()
    .min(10, "Explain the declassification in at least 10 characters")
    .max(1_000, "At most 1,000 characters"),
});
export type TDeclassifyInput = z.infer<typeof ZDeclassifyInput>;
