import { sitesWhere } from "../../framework/site-lists";
import { success, unresolvable, unschedulable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";

export const description =
  "Only ACTIVE sites take new work. A site in MAINTENANCE may fit later; a DECOMMISSIONED one never will.";

export const siteStatusPlugin = {
  name: "site-status",
  description,
  preFilterSites(ctx) {
    return sitesWhere(ctx.prepared, "active", (site) => site.site.status === "ACTIVE");
  },
  filter(_ctx, candidate) {
    const status = candidate.site.site.status;
    if (status === "ACTIVE") return success();
    if (status === "MAINTENANCE") return unschedulable("site in maintenance");
    return unresolvable("site decommissioned");
  },
} satisfies TFilterPlugin;
