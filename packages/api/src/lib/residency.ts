/** What residency rules look at: the dataset's restrictions and the site's place and kind. */
export type TResidencyDataset = {
  slug: string;
  residencyCountries: string[];
  residencyJurisdictions: string[];
  onPremOnly: boolean;
};
export type TResidencySite = {
  slug: string;
  kind: "ON_PREM" | "CLOUD" | "EDGE";
  country: string;
  jurisdiction: string;
  status: "ACTIVE" | "MAINTENANCE" | "DECOMMISSIONED";
};

const KIND_NOUN = { ON_PREM: "an on-prem site", CLOUD: "a cloud site", EDGE: "an edge site" } as const;

/**
 * The rule a copy of the dataset at the site would break, in words that name the rule and
 * the fact ("claims-2025 may only reside in US; dc-frankfurt is in DE"), or null when the
 * site may hold a copy. Empty country or jurisdiction lists mean no restriction.
 */
export function residencyViolation(dataset: TResidencyDataset, site: TResidencySite): string | null {
  if (site.status === "DECOMMISSIONED") return `${site.slug} is decommissioned`;
  if (dataset.onPremOnly && site.kind !== "ON_PREM")
    return `${dataset.slug} may only reside on-prem; ${site.slug} is ${KIND_NOUN[site.kind]}`;
  if (dataset.residencyCountries.length > 0 && !dataset.residencyCountries.includes(site.country))
    return `${dataset.slug} may only reside in ${dataset.residencyCountries.join(", ")}; ${site.slug} is in ${site.country}`;
  if (
    dataset.residencyJurisdictions.length > 0 &&
    !dataset.residencyJurisdictions.includes(site.jurisdiction)
  ) {
    const where = dataset.residencyJurisdictions.join(", ");
    return `${dataset.slug} may only reside in the ${where} jurisdiction${dataset.residencyJurisdictions.length > 1 ? "s" : ""}; ${site.slug} is in ${site.jurisdiction}`;
  }
  return null;
}
