import { z } from "zod";

export const MAX_CATALOG_BYTES = 5 * 1024 * 1024;

export const ZCatalogImportInput = z.object({
  csv: z.string().min(1, "The file is empty").max(MAX_CATALOG_BYTES, "The file is larger than 5 MB"),
  fileName: z.string().trim().max(200, "At most 200 characters").optional(),
});
export type TCatalogImportInput = z.infer<typeof ZCatalogImportInput>;
