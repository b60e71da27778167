import { describe, expect, it } from "vitest";
import { residencyViolation, type TResidencyDataset, type TResidencySite } from "./residency.ts";

const dataset = (over: Partial<TResidencyDataset> = {}): TResidencyDataset => ({
  slug: "claims-2025",
  residencyCountries: [],
  residencyJurisdictions: [],
  onPremOnly: false,
  ...over,
});
const site = (over: Partial<TResidencySite> = {}): TResidencySite => ({
  slug: "dc-frankfurt",
  kind: "ON_PREM",
  country: "DE",
  jurisdiction: "EU",
  status: "ACTIVE",
  ...over,
});

describe("residencyViolation", () => {
  it("allows any site when the dataset has no restriction", () => {
    expect(residencyViolation(dataset(), site({ kind: "CLOUD" }))).toBeNull();
  });

  it("names the country rule and where the site is", () => {
    expect(residencyViolation(dataset({ residencyCountries: ["US"] }), site())).toBe(
      "claims-2025 may only reside in US; dc-frankfurt is in DE",
    );
    expect(residencyViolation(dataset({ residencyCountries: ["US", "DE"] }), site())).toBeNull();
  });

  it("names the jurisdiction rule", () => {
    expect(
      residencyViolation(
        dataset({ slug: "eu-support-transcripts", residencyJurisdictions: ["EU"] }),
        site({ slug: "aws-us-east-1", country: "US", jurisdiction: "US" }),
      ),
    ).toBe("eu-support-transcripts may only reside in the EU jurisdiction; aws-us-east-1 is in US");
  });

  it("keeps on-prem-only data out of clouds and edges, even in an allowed country", () => {
    const ct = dataset({ slug: "patient-imaging-ct", residencyCountries: ["US"], onPremOnly: true });
    expect(residencyViolation(ct, site({ slug: "aws-us-east-1", kind: "CLOUD", country: "US" }))).toBe(
      "patient-imaging-ct may only reside on-prem; aws-us-east-1 is a cloud site",
    );
    expect(residencyViolation(ct, site({ slug: "edge-chicago", kind: "EDGE", country: "US" }))).toMatch(
      /an edge site$/,
    );
    expect(
      residencyViolation(ct, site({ slug: "dc-ashburn", country: "US", jurisdiction: "US" })),
    ).toBeNull();
  });

  it("refuses a decommissioned site whatever the rules", () => {
    expect(residencyViolation(dataset(), site({ status: "DECOMMISSIONED" }))).toBe(
      "dc-frankfurt is decommissioned",
    );
  });
});
