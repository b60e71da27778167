import { describe, expect, it } from "vitest";
import { aDataset, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { budgetPlugin } from ".";

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

describe("budget filter", () => {
  it.each([
    { name: "skips without a budget", budget: undefined, expected: { cheap: "skip", dear: "skip" } },
    {
      name: "keeps what fits the budget, boundary included",
      budget: 60,
      expected: { cheap: "success", dear: "success", far: "unresolvable" },
    },
    { name: "counts egress against the budget", budget: 100, expected: { far: "unresolvable" } },
    { name: "allows compute plus egress within budget", budget: 120, expected: { far: "success" } },
  ])("$name", ({ budget, expected }) => {
    const request = aRequest().datasets("corpus");
    if (budget !== undefined) request.budget(budget);
    const verdicts = filterSites(budgetPlugin, snapshot, request.build());
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("shows the budget and the cheapest option", () => {
    const verdicts = filterSites(budgetPlugin, snapshot, aRequest().datasets("corpus").budget(50).build());
    expect(verdicts.dear?.messages).toEqual(["over budget $50.00"]);
  });
});
