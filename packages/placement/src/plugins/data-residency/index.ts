import { intersectSorted, sitesWhere } from "../../framework/site-lists";
import { skip, success, type TStatusReason, unresolvable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";
import { residencyProblem } from "../../snapshot/residency";

export const description =
  "Runs the workload only where every dataset it reads may live: allowed countries or jurisdictions, " +
  "on-prem only, regulations the site is certified for, and no confidential or regulated data at the edge.";

export const dataResidencyPlugin = {
  name: "data-residency",
  description,
  preFilter(ctx) {
    if (ctx.dataNeeds.length === 0) return skip();
    const orphan = ctx.dataNeeds.find((need) => need.indexed.source === undefined);
    if (orphan === undefined) return success();
    return unresolvable(`no readable replica of dataset ${orphan.indexed.dataset.name} within its residency`);
  },
  preFilterSites(ctx) {
    let sites: readonly number[] | undefined;
    for (const need of ctx.dataNeeds) {
      const allowed = sitesWhere(
        ctx.prepared,
        `residency:${need.indexed.dataset.id}`,
        (site) => residencyProblem(need.indexed, site) === undefined,
      );
      sites = sites === undefined ? allowed : intersectSorted(sites, allowed);
    }
    return sites;
  },
  filter(ctx, candidate) {
    let reasons: TStatusReason[] | undefined;
    for (const need of ctx.dataNeeds) {
      const problem = residencyProblem(need.indexed, candidate.site);
      if (problem !== undefined) {
        reasons ??= [];
        reasons.push(problem);
      }
    }
    return reasons === undefined ? success() : { code: "unresolvable", reasons };
  },
} satisfies TFilterPlugin;

export { residencyProblem };
