// Input schemas shared by procedures and the console's forms (client-safe: zod only).
export { SITE_SORT_KEYS, type TListSitesInput, ZListSitesInput } from "./router/site/list-sites.schema.ts";
