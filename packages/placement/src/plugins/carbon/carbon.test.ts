import { describe, expect, it } from "vitest";
import { aNode, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { scoreSites } from "../../testing/run-plugin";
import { carbonPlugin } from ".";

describe("carbon score", () => {
  it.each([
    {
      // 1 H100 (700 W) × 10 h = 7 kWh.
      name: "prefers the cleaner grid",
      sites: [
        ["hydro", 40, "H100"],
        ["coal", 800, "H100"],
      ],
      expected: { hydro: { raw: 0.28, score: 100 }, coal: { raw: 5.6, score: 0 } },
    },
    {
      // An L4 (72 W) on a dirtier grid still beats an H100 (700 W) on a cleaner one.
      name: "counts the GPU's power",
      sites: [
        ["l4", 400, "L4"],
        ["h100", 100, "H100"],
      ],
      expected: { l4: { raw: 0.288, score: 100 }, h100: { raw: 0.7, score: 0 } },
    },
  ] as const)("$name", ({ sites, expected }) => {
    const snapshot = aSnapshot();
    for (const [id, carbon, model] of sites) {
      snapshot
        .site(
          aSite(id)
            .carbon(carbon)
            .prices({ [model]: 1 }),
        )
        .node(aNode(`${id}-n`, id).model(model, 80));
    }
    const scores = scoreSites(carbonPlugin, snapshot.build(), aRequest().models("H100", "L4").build());
    expect(scores).toEqual(expected);
  });
});
