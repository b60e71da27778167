// Input schemas shared by procedures and the console's forms (client-safe: zod only).

export { AUDIT_SORT_KEYS, type TListAuditInput, ZListAuditInput } from "./router/audit/audit.schema.ts";
export {
  MAX_CATALOG_BYTES,
  type TCatalogImportInput,
  ZCatalogImportInput,
} from "./router/catalog/catalog.schema.ts";
export {
  SITE_KINDS,
  SITE_SORT_KEYS,
  SITE_STATUSES,
  type TListSitesInput,
  ZListSitesInput,
} from "./router/site/list-sites.schema.ts";
export {
  type TSiteInput,
  ZGpuModel,
  ZSiteId,
  ZSiteInput,
  ZUpdateSiteInput,
} from "./router/site/site.schema.ts";
