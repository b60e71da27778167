import { z } from "zod";
import { ZKeysetCursor, ZPageInput } from "../../lib/pagination.ts";

export const AUDIT_SORT_KEYS = ["seq"] as const;

export const ZListAuditInput = ZPageInput(AUDIT_SORT_KEYS, "seq").extend({
  /** A keyset cursor: the next page starts after the last event seen, however many were written since. */
  cursor: ZKeysetCursor.optional(),
  direction: z.enum(["asc", "desc"]).default("desc"),
  objectType: z.string().trim().max(40).optional(),
  objectId: z.string().trim().max(100).optional(),
  action: z.string().trim().max(60).optional(),
});
export type TListAuditInput = z.infer<typeof ZListAuditInput>;
