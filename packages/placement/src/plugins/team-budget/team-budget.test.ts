import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { place } from "../../place/place";
import { PlacementInputError } from "../../snapshot/input-error";
import { aDataset, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { teamBudgetPlugin } from ".";

// 10 hours × 1 GPU: H100 costs $30 at "cheap" and $60 at "dear"; copying 1000 GB costs $90 more at "far".
const snapshot = aSnapshot()
  .site(aSite("cheap").price("H100", 3))
  .site(aSite("dear").price("H100", 6))
  .site(aSite("far").price("H100", 3))
  .nodes("cheap", 1)
  .nodes("dear", 1)
  .nodes("far", 1)
  .dataset(aDataset("corpus").size(1000).at("cheap", "dear"))
  .build();

const withLeft = (left?: number) => {
  const request = aRequest().datasets("corpus");
  if (left !== undefined) request.teamBudgetLeft(left);
  return request.build();
};

describe("team budget filter", () => {
  it.each([
    { name: "skips without a hard team budget", left: undefined, expected: { cheap: "skip", far: "skip" } },
    {
      name: "keeps what fits what is left, boundary included",
      left: 60,
      expected: { cheap: "success", dear: "success", far: "unresolvable" },
    },
    { name: "counts egress against the budget", left: 119.99, expected: { far: "unresolvable" } },
    { name: "allows compute plus egress within what is left", left: 120, expected: { far: "success" } },
    {
      name: "refuses everything when nothing is left",
      left: 0,
      expected: { cheap: "unresolvable", dear: "unresolvable", far: "unresolvable" },
    },
  ])("$name", ({ left, expected }) => {
    const verdicts = filterSites(teamBudgetPlugin, snapshot, withLeft(left));
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("explains the refusal with what is left and the cheapest option", () => {
    const result = place({ snapshot, request: withLeft(50) });
    expect(result.candidates.map((c) => c.siteId)).toEqual(["cheap"]);
    const dear = result.rejected.find((r) => r.siteId === "dear");
    expect(dear?.reasons).toEqual([
      {
        plugin: "team-budget",
        code: "unresolvable",
        message: "over team ml's monthly budget: $50.00 left",
        detail: "cheapest option $60.00",
      },
    ]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s left as bad input", (left) => {
    expect(() => place({ snapshot, request: withLeft(left) })).toThrow(PlacementInputError);
  });

  it("never recommends an option over what is left, and keeps every one within it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 40 }), (left, hours) => {
        const request = { ...withLeft(left), estimatedHours: hours };
        const unlimited = place({ snapshot, request: { ...request, teamBudgetLeftUsd: undefined } });
        const limited = place({ snapshot, request });
        for (const c of limited.candidates) expect(c.cost.totalUsd).toBeLessThanOrEqual(left);
        const within = unlimited.candidates.filter((c) => c.cost.totalUsd <= left).map((c) => c.siteId);
        expect(limited.candidates.map((c) => c.siteId).sort()).toEqual(within.sort());
      }),
      { numRuns: 200, seed: 20_261_204 },
    );
  });
});
