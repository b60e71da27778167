import { describe, expect, it } from "vitest";
import { aNode, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { gpuModelPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("mixed").prices({ H100: 3, L4: 0.8, "A100-80GB": 2.5 }))
  .site(aSite("l4-only").prices({ L4: 0.7 }))
  .site(aSite("unpriced").prices({}))
  .node(aNode("m-h100", "mixed"))
  .node(aNode("m-l4", "mixed").model("L4", 24))
  .node(aNode("m-a100", "mixed").model("A100-80GB", 80))
  .node(aNode("l-l4", "l4-only").model("L4", 24))
  .node(aNode("u-h100", "unpriced"))
  .build();

describe("gpu-model filter", () => {
  it.each([
    {
      name: "keeps the named model",
      models: ["H100"],
      min: undefined,
      expected: { mixed: ["H100"], "l4-only": "unresolvable" },
    },
    {
      name: "keeps any of several models",
      models: ["L4", "A100-80GB"],
      min: undefined,
      expected: { mixed: ["A100-80GB", "L4"], "l4-only": ["L4"] },
    },
    {
      name: "filters by memory when no model is named",
      models: [],
      min: 48,
      expected: { mixed: ["A100-80GB", "H100"], "l4-only": "unresolvable" },
    },
    {
      name: "applies memory on top of the models",
      models: ["L4", "H100"],
      min: 48,
      expected: { mixed: ["H100"], "l4-only": "unresolvable" },
    },
    {
      name: "rejects a site without a price for the model",
      models: ["H100"],
      min: undefined,
      expected: { unpriced: "unresolvable" },
    },
  ])("$name", ({ models, min, expected }) => {
    const request = aRequest().models(...models);
    if (min !== undefined) request.minMemory(min);
    const verdicts = filterSites(gpuModelPlugin, snapshot, request.build());
    for (const [site, want] of Object.entries(expected)) {
      if (typeof want === "string") expect(verdicts[site]?.code, site).toBe(want);
      else expect(verdicts[site]?.models, site).toEqual(want);
    }
  });

  it("says which models were missing or unpriced", () => {
    const verdicts = filterSites(gpuModelPlugin, snapshot, aRequest().models("H100", "H200").build());
    expect(verdicts["l4-only"]?.messages).toEqual(["no H100/H200 nodes"]);
    expect(verdicts.unpriced?.messages).toEqual(["no price for H100"]);
  });
});
