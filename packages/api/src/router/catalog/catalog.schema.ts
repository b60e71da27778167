import { z } from "zod";

export const MAX_CATALOG_BYTES = 5 * 1024 * 1024;

export const ZCatalogImportInput = z.object({
  csv: z.string().min(1, "The file is empty").max(MAX_CATALOG_BYTES, "The file is larger than 5 MB"),
  fileName: z.string().max(200).optional(),
});
export type TCatalogImportInput = z.infer<typeof ZCatalogImportInput>;
