import { sitesWhere } from "../../framework/site-lists";
import { skip, success, unresolvable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";

export const description =
  "Keeps the workload in the environments it allows (on-prem, cloud, edge); a request that names none allows all.";

export const environmentPlugin = {
  name: "environment",
  description,
  preFilter(ctx) {
    return ctx.request.allowedKinds.length === 0 ? skip() : success();
  },
  preFilterSites(ctx) {
    const allowed = ctx.request.allowedKinds;
    const key = `kinds:${[...allowed].sort().join(",")}`;
    return sitesWhere(ctx.prepared, key, (site) => allowed.includes(site.site.kind));
  },
  filter(ctx, candidate) {
    const kind = candidate.site.site.kind;
    if (ctx.request.allowedKinds.includes(kind)) return success();
    return unresolvable(`${kind} not allowed`, `allowed: ${ctx.request.allowedKinds.join(", ")}`);
  },
} satisfies TFilterPlugin;
