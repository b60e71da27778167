import type { TStatusReason } from "../framework/status";
import type { TIndexedDataset, TIndexedSite } from "./prepared-snapshot";

/**
 * Where the dataset may be processed. When a dataset lists both countries and
 * jurisdictions, a site matching either list is allowed.
 */
export function residencyProblem(
  indexed: Pick<TIndexedDataset, "dataset" | "allowedCountries" | "allowedJurisdictions">,
  site: Pick<TIndexedSite, "site" | "certifications">,
): TStatusReason | undefined {
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
