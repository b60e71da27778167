import { describe, expect, it } from "vitest";
import { aDataset, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { dataResidencyPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("fra-dc").kind("ON_PREM").located("DE", "EU").certified("HIPAA", "GDPR"))
  .site(aSite("dub-cloud").located("IE", "EU").certified("GDPR"))
  .site(aSite("iad-cloud").located("US", "US").certified("HIPAA"))
  .site(aSite("ams-edge").kind("EDGE").located("NL", "EU").certified("GDPR"))
  .dataset(aDataset("open").classified("PUBLIC").at("iad-cloud"))
  .dataset(
    aDataset("claims-2025")
      .residency({ allowedJurisdictions: ["EU"], onPremOnly: false })
      .at("fra-dc"),
  )
  .dataset(
    aDataset("us-or-ie")
      .residency({ allowedCountries: ["US"], allowedJurisdictions: ["EU"], onPremOnly: false })
      .at("iad-cloud"),
  )
  .dataset(aDataset("vault").residency({ onPremOnly: true }).at("fra-dc"))
  .dataset(aDataset("secret").classified("CONFIDENTIAL").at("dub-cloud"))
  .dataset(aDataset("patients").classified("REGULATED", "HIPAA").at("iad-cloud"))
  .dataset(aDataset("orphan"))
  .build();

describe("data-residency filter", () => {
  it.each([
    {
      name: "lets public data go anywhere",
      datasets: ["open"],
      expected: {
        "fra-dc": "success",
        "dub-cloud": "success",
        "iad-cloud": "success",
        "ams-edge": "success",
      },
    },
    {
      name: "keeps EU data in the EU",
      datasets: ["claims-2025"],
      expected: {
        "fra-dc": "success",
        "dub-cloud": "success",
        "iad-cloud": "unresolvable",
        "ams-edge": "success",
      },
    },
    {
      name: "allows a site matching either the countries or the jurisdictions",
      datasets: ["us-or-ie"],
      expected: { "fra-dc": "success", "iad-cloud": "success", "dub-cloud": "success" },
    },
    {
      name: "keeps on-prem-only data on-prem",
      datasets: ["vault"],
      expected: { "fra-dc": "success", "dub-cloud": "unresolvable", "ams-edge": "unresolvable" },
    },
    {
      name: "lets confidential data reach the edge, unlike regulated data",
      datasets: ["secret"],
      expected: { "dub-cloud": "success", "ams-edge": "success" },
    },
    {
      name: "needs the certifications a regulated dataset names",
      datasets: ["patients"],
      expected: {
        "fra-dc": "success",
        "iad-cloud": "success",
        "dub-cloud": "unresolvable",
        "ams-edge": "unresolvable",
      },
    },
    {
      name: "applies every dataset read",
      datasets: ["claims-2025", "patients"],
      expected: { "fra-dc": "success", "dub-cloud": "unresolvable", "iad-cloud": "unresolvable" },
    },
    {
      name: "rejects every site when a dataset has no readable replica",
      datasets: ["orphan"],
      expected: { "fra-dc": "unresolvable", "iad-cloud": "unresolvable" },
    },
    { name: "skips when no dataset is read", datasets: [], expected: { "fra-dc": "skip" } },
  ])("$name", ({ datasets, expected }) => {
    const verdicts = filterSites(
      dataResidencyPlugin,
      snapshot,
      aRequest()
        .datasets(...datasets)
        .build(),
    );
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("names the dataset and the residency it breaks", () => {
    const verdicts = filterSites(
      dataResidencyPlugin,
      snapshot,
      aRequest().datasets("claims-2025", "vault").build(),
    );
    expect(verdicts["iad-cloud"]?.messages).toEqual([
      "outside the EU residency of dataset claims-2025",
      "dataset vault is on-prem only",
    ]);
    const orphan = filterSites(dataResidencyPlugin, snapshot, aRequest().datasets("orphan").build());
    expect(orphan["fra-dc"]?.messages).toEqual([
      "no readable replica of dataset orphan within its residency",
    ]);
  });
});
