import { describe, expect, it } from "vitest";
import { aNode, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { teamQuotaPlugin } from ".";

const estate = () =>
  aSnapshot()
    .site(aSite("dc").prices({ H100: 3, L4: 1 }))
    .node(aNode("h", "dc"))
    .node(aNode("l", "dc").model("L4", 24));

describe("team-quota filter", () => {
  it.each([
    { name: "does not limit a team without quotas", quotas: [], gpus: 8, expected: ["H100", "L4"] },
    {
      name: "keeps models with headroom",
      quotas: [["ml", "H100", 16, 10]],
      gpus: 4,
      expected: ["H100", "L4"],
    },
    {
      name: "drops a model whose quota is used up",
      quotas: [["ml", "H100", 16, 14]],
      gpus: 4,
      expected: ["L4"],
    },
    { name: "treats a zero quota as blocked", quotas: [["ml", "L4", 0, 0]], gpus: 1, expected: ["H100"] },
    {
      name: "applies the all-models quota to every model",
      quotas: [["ml", "*", 8, 6]],
      gpus: 4,
      expected: "unschedulable",
    },
    {
      name: "ignores other teams' quotas",
      quotas: [["other", "*", 0, 0]],
      gpus: 4,
      expected: ["H100", "L4"],
    },
  ] as const)("$name", ({ quotas, gpus, expected }) => {
    const snapshot = estate();
    for (const [team, model, limit, used] of quotas) snapshot.quota(team, model, limit, used);
    const verdict = filterSites(
      teamQuotaPlugin,
      snapshot.build(),
      aRequest().models("H100", "L4").gpus(gpus).build(),
    ).dc;
    if (typeof expected === "string") expect(verdict?.code).toBe(expected);
    else expect(verdict?.models).toEqual(expected);
  });

  it("says how much is left", () => {
    const snapshot = estate().quota("ml", "*", 8, 6).build();
    const verdict = filterSites(teamQuotaPlugin, snapshot, aRequest().models("H100").gpus(4).build()).dc;
    expect(verdict?.messages).toEqual(["over team ml quota for H100/L4"]);
  });
});
