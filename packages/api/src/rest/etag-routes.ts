import type { TEtagTable } from "../lib/preconditions.ts";

/** GET routes that answer an ETag (and 304 to If-None-Match): the row and its id's input field. */
export const ETAG_READS: Record<string, { table: TEtagTable; param: string }> = {
  "site.byId": { table: "Site", param: "id" },
  "node.byId": { table: "GpuNode", param: "id" },
  "dataset.byId": { table: "Dataset", param: "id" },
  "team.byId": { table: "Team", param: "id" },
};

/** Writes that check If-Match inside their transaction and answer the new ETag. */
export const ETAG_WRITES = new Set([
  "site.update",
  "team.updateQuotas",
  "team.setBudget",
  "node.cordon",
  "node.drain",
  "node.uncordon",
]);
