import { describe, expect, it } from "vitest";
import type { TSiteKind } from "../../schema/snapshot.schema";
import { aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites } from "../../testing/run-plugin";
import { environmentPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("dc").kind("ON_PREM"))
  .site(aSite("cloud").kind("CLOUD"))
  .site(aSite("edge").kind("EDGE"))
  .build();

describe("environment filter", () => {
  it.each<{ name: string; allowed: TSiteKind[]; expected: Record<string, string> }>([
    {
      name: "allows every kind when none is named",
      allowed: [],
      expected: { dc: "skip", cloud: "skip", edge: "skip" },
    },
    {
      name: "keeps on-prem only",
      allowed: ["ON_PREM"],
      expected: { dc: "success", cloud: "unresolvable", edge: "unresolvable" },
    },
    {
      name: "keeps cloud and edge",
      allowed: ["CLOUD", "EDGE"],
      expected: { dc: "unresolvable", cloud: "success", edge: "success" },
    },
  ])("$name", ({ allowed, expected }) => {
    const verdicts = filterSites(
      environmentPlugin,
      snapshot,
      aRequest()
        .environments(...allowed)
        .build(),
    );
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("names the rejected environment", () => {
    const verdicts = filterSites(environmentPlugin, snapshot, aRequest().environments("ON_PREM").build());
    expect(verdicts.edge?.messages).toEqual(["EDGE not allowed"]);
  });
});
