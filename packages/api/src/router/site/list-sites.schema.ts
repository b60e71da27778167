import { z } from "zod";

export const SITE_SORT_KEYS = ["name", "kind", "provider", "country", "status", "createdAt"] as const;

export const ZListSitesInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
  sort: z.enum(SITE_SORT_KEYS).default("name"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  kind: z.enum(["ON_PREM", "CLOUD", "EDGE"]).optional(),
  search: z.string().trim().max(100).optional(),
});
export type TListSitesInput = z.infer<typeof ZListSitesInput>;
