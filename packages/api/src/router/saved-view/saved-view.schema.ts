import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { APPROVAL_FILTERS } from "../approval/approval.schema.ts";
import { AUDIT_FILTERS } from "../audit/audit.schema.ts";
import { DATASET_FILTERS } from "../dataset/list-datasets.schema.ts";
import { NODE_FILTERS } from "../node/list-nodes.schema.ts";
import { SITE_FILTERS } from "../site/list-sites.schema.ts";
import { WEBHOOK_DELIVERY_FILTERS } from "../webhook/webhook.schema.ts";
import { WORKLOAD_FILTERS } from "../workload/workload.schema.ts";

/** Every key a table keeps in its URL besides its filters; `page` is never saved. */
const COMMON_KEYS = ["sort", "dir", "q"] as const;

/** The console's tables that can have saved views, with the filter keys each list declares. */
export const SAVED_VIEW_FILTERS = {
  sites: SITE_FILTERS,
  nodes: NODE_FILTERS,
  datasets: DATASET_FILTERS,
  teams: [],
  workloads: WORKLOAD_FILTERS,
  approvals: APPROVAL_FILTERS,
  audit: AUDIT_FILTERS,
  "webhook-deliveries": WEBHOOK_DELIVERY_FILTERS,
} as const satisfies Record<string, readonly string[]>;

export type TSavedViewTable = keyof typeof SAVED_VIEW_FILTERS;
export const SAVED_VIEW_TABLES = Object.keys(SAVED_VIEW_FILTERS) as [TSavedViewTable, ...TSavedViewTable[]];

export const MAX_SAVED_VIEWS_PER_TABLE = 50;
export const MAX_SAVED_VIEW_QUERY = 2_000;

/** The URL keys a table's saved view may hold. */
export function savedViewKeys(table: TSavedViewTable): readonly string[] {
  return [...COMMON_KEYS, ...SAVED_VIEW_FILTERS[table]];
}

/** The part of a table's URL a saved view keeps: its own keys, without the page, in a stable order. */
export function savedViewQuery(table: TSavedViewTable, query: string): string {
  const allowed = savedViewKeys(table);
  const params = new URLSearchParams(query);
  const kept = new URLSearchParams();
  for (const [key, value] of params) if (allowed.includes(key) && value !== "") kept.append(key, value);
  return kept.toString();
}

const ZTable = z.enum(SAVED_VIEW_TABLES, { error: "Choose which table the view belongs to" });

export const ZListSavedViewsInput = z.object({ table: ZTable });
export type TListSavedViewsInput = z.infer<typeof ZListSavedViewsInput>;

export const ZSaveViewInput = z
  .object({
    table: ZTable,
    name: z
      .string({ error: "Give the view a name" })
      .trim()
      .min(1, "Give the view a name")
      .max(60, "At most 60 characters"),
    query: z
      .string({ error: "The view's filters are missing" })
      .max(MAX_SAVED_VIEW_QUERY, "The view's filters are too long (at most 2,000 characters)")
      .transform((q) => q.replace(/^\?/, "")),
  })
  .superRefine((value, ctx) => {
    const allowed = savedViewKeys(value.table);
    const unknown = [...new Set(new URLSearchParams(value.query).keys())].filter(
      (key) => key !== "page" && !allowed.includes(key),
    );
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["query"],
        message: `This table has no filter called ${unknown.map((k) => `“${k}”`).join(", ")}`,
      });
    }
  })
  .transform((value) => ({ ...value, query: savedViewQuery(value.table, value.query) }));
export type TSaveViewInput = z.input<typeof ZSaveViewInput>;

export const ZSavedViewId = z.object({ id: zId("Saved view id", "Say which view") });
