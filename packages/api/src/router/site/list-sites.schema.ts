import { z } from "zod";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";

export const SITE_SORT_KEYS = ["name", "kind", "provider", "country", "status", "createdAt"] as const;
export const SITE_KINDS = ["ON_PREM", "CLOUD", "EDGE"] as const;
export const SITE_STATUSES = ["ACTIVE", "MAINTENANCE", "DECOMMISSIONED"] as const;

export const ZSiteFilters = z.object({
  kind: z.enum(SITE_KINDS).optional(),
  status: z.enum(SITE_STATUSES).optional(),
  provider: z.string().trim().toLowerCase().max(40).optional(),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Use a two-letter ISO 3166-1 country code")
    .optional(),
});
export const SITE_FILTERS = filterKeys(ZSiteFilters);

export const ZListSitesInput = ZPageInput(SITE_SORT_KEYS, "name").extend(ZSiteFilters.shape);
export type TListSitesInput = z.infer<typeof ZListSitesInput>;
