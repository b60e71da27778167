import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { ZKeysetRowCursor } from "../../lib/keyset.ts";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";
import { SITE_KINDS } from "../site/list-sites.schema.ts";

export const NODE_SORT_KEYS = [
  "hostname",
  "site",
  "status",
  "gpuModel",
  "gpuCount",
  "gpuMemoryGib",
  "fabric",
  "lastHeartbeatAt",
] as const;
export const NODE_STATUSES = ["READY", "CORDONED", "DRAINING", "DOWN"] as const;

export const ZNodeFilters = z.object({
  siteId: zId("Site id").optional(),
  kind: z.enum(SITE_KINDS).optional(),
  status: z.enum(NODE_STATUSES).optional(),
  gpuModel: z.string().trim().min(1).max(40).optional(),
});
export const NODE_FILTERS = filterKeys(ZNodeFilters);

/** Keyset paging: the cursor is the last row's (sort key, hostname, id), see lib/keyset.ts. */
export const ZListNodesInput = ZPageInput(NODE_SORT_KEYS, "hostname").extend({
  ...ZNodeFilters.shape,
  cursor: ZKeysetRowCursor.optional(),
});
export type TListNodesInput = z.infer<typeof ZListNodesInput>;
