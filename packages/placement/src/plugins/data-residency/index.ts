import { intersectSorted, sitesWhere } from "../../framework/site-lists";
import { skip, success, type TStatusReason, unresolvable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";
import type { TIndexedDataset, TIndexedSite } from "../../snapshot/prepared-snapshot";

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
    return unresolvable(`no readable replica of dataset ${orphan.indexed.dataset.name}`);
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

/**
 * Where the dataset may be processed. When a dataset lists both countries and
 * jurisdictions, a site matching either list is allowed.
 */
export function residencyProblem(indexed: TIndexedDataset, site: TIndexedSite): TStatusReason | undefined {
  const { dataset, allowedCountries, allowedJurisdictions } = indexed;
  const { kind, country, jurisdiction } = site.site;
  if (dataset.residency.onPremOnly && kind !== "ON_PREM") {
    return { message: `dataset ${dataset.name} is on-prem only` };
  }
  if (allowedCountries !== undefined || allowedJurisdictions !== undefined) {
    const inside =
      allowedCountries?.has(country) === true || allowedJurisdictions?.has(jurisdiction) === true;
    if (!inside) {
      const zone = [...(allowedJurisdictions ?? []), ...(allowedCountries ?? [])].join("/");
      return {
        message: `outside the ${zone} residency of dataset ${dataset.name}`,
        detail: `${country}, ${jurisdiction}`,
      };
    }
  }
  // Edge sites sit in shops and factories: regulated data never goes there. Confidential
  // data may (store cameras are processed where they are), within its residency.
  if (kind === "EDGE" && dataset.classification === "REGULATED") {
    return { message: `${dataset.classification} dataset ${dataset.name} not allowed at the edge` };
  }
  if (dataset.classification === "REGULATED") {
    const missing = dataset.regulations.filter((regulation) => !site.certifications.has(regulation));
    if (missing.length > 0) {
      return { message: `dataset ${dataset.name} needs ${missing.join(", ")} certification` };
    }
  }
  return undefined;
}
