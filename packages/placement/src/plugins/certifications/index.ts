import { intersectSorted, sitesWhere } from "../../framework/site-lists";
import { skip, success, unresolvable } from "../../framework/status";
import type { TFilterPlugin } from "../../framework/types";

export const description =
  "The site must hold every certification the workload requires (HIPAA, SOC2, ISO27001, FedRAMP...).";

export const certificationsPlugin = {
  name: "certifications",
  description,
  preFilter(ctx) {
    return ctx.request.requiredCertifications.length === 0 ? skip() : success();
  },
  preFilterSites(ctx) {
    let sites: readonly number[] | undefined;
    for (const cert of ctx.request.requiredCertifications) {
      const holders = sitesWhere(ctx.prepared, `cert:${cert}`, (site) => site.certifications.has(cert));
      sites = sites === undefined ? holders : intersectSorted(sites, holders);
    }
    return sites;
  },
  filter(ctx, candidate) {
    const held = candidate.site.certifications;
    const missing = ctx.request.requiredCertifications.filter((cert) => !held.has(cert));
    if (missing.length === 0) return success();
    const noun = missing.length === 1 ? "certification" : "certifications";
    return unresolvable(`missing ${noun} ${missing.join(", ")}`);
  },
} satisfies TFilterPlugin;
