import { describe, expect, it } from "vitest";
import { aDataset, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { scoreSites } from "../../testing/run-plugin";
import { costPlugin } from ".";

describe("cost score", () => {
  it.each([
    {
      name: "prefers the cheapest compute",
      sites: { a: 2, b: 3, c: 4 },
      datasets: [],
      expected: { a: { raw: 20, score: 100 }, b: { raw: 30, score: 50 }, c: { raw: 40, score: 0 } },
    },
    {
      // 1000 GB from "a" (egress $0.09/GB) costs $90 at "b" and "c".
      name: "adds egress for data not at the site",
      sites: { a: 4, b: 2, c: 3 },
      datasets: ["corpus"],
      expected: { a: { raw: 40, score: 100 }, b: { raw: 110, score: 12.5 }, c: { raw: 120, score: 0 } },
    },
    {
      name: "scores equal costs all 100",
      sites: { a: 3, b: 3 },
      datasets: [],
      expected: { a: { raw: 30, score: 100 }, b: { raw: 30, score: 100 } },
    },
  ])("$name", ({ sites, datasets, expected }) => {
    const snapshot = aSnapshot();
    for (const [id, price] of Object.entries(sites))
      snapshot.site(aSite(id).price("H100", price)).nodes(id, 1);
    snapshot.dataset(aDataset("corpus").size(1000).at("a"));
    expect(
      scoreSites(
        costPlugin,
        snapshot.build(),
        aRequest()
          .datasets(...datasets)
          .build(),
      ),
    ).toEqual(expected);
  });
});
