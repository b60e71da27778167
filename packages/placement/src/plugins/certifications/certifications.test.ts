import { describe, expect, it } from "vitest";
import { aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { certificationsPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("both").certified("HIPAA", "SOC2"))
  .site(aSite("soc2").certified("SOC2"))
  .site(aSite("none"))
  .build();

describe("certifications filter", () => {
  it.each([
    {
      name: "skips when nothing is required",
      required: [],
      expected: { both: "skip", soc2: "skip", none: "skip" },
    },
    {
      name: "needs the one required",
      required: ["SOC2"],
      expected: { both: "success", soc2: "success", none: "unresolvable" },
    },
    {
      name: "needs every one required",
      required: ["HIPAA", "SOC2"],
      expected: { both: "success", soc2: "unresolvable", none: "unresolvable" },
    },
  ])("$name", ({ required, expected }) => {
    const verdicts = filterSites(
      certificationsPlugin,
      snapshot,
      aRequest()
        .certifications(...required)
        .build(),
    );
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("lists what is missing", () => {
    const verdicts = filterSites(
      certificationsPlugin,
      snapshot,
      aRequest().certifications("HIPAA", "SOC2").build(),
    );
    expect(verdicts.none?.messages).toEqual(["missing certifications HIPAA, SOC2"]);
    expect(verdicts.soc2?.messages).toEqual(["missing certification HIPAA"]);
  });
});
