import { z } from "zod";
import { filterKeys, ZKeysetCursor, ZPageInput } from "../../lib/pagination.ts";

export const AUDIT_SORT_KEYS = ["seq"] as const;

export const ZAuditFilters = z.object({
  objectType: z.string().trim().max(40).optional(),
  action: z.string().trim().max(60).optional(),
});
export const AUDIT_FILTERS = filterKeys(ZAuditFilters);

export const ZListAuditInput = ZPageInput(AUDIT_SORT_KEYS, "seq").extend({
  /** A keyset cursor: the next page starts after the last event seen, however many were written since. */
  cursor: ZKeysetCursor.optional(),
  direction: z.enum(["asc", "desc"]).default("desc"),
  ...ZAuditFilters.shape,
  /** One object's history (its detail page); not a filter of the console's table. */
  objectId: z.string().trim().max(100).optional(),
});
export type TListAuditInput = z.infer<typeof ZListAuditInput>;
