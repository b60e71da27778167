import { describe, expect, it } from "vitest";
import { aRequest, aSite, aSnapshot } from "../../testing/builders";
import { filterSites, scoreSites } from "../../testing/run-plugin";
import { latencyPlugin } from ".";

const snapshot = aSnapshot()
  .site(aSite("near").latency("eu-west", 5))
  .site(aSite("mid").latency("eu-west", 40))
  .site(aSite("far").latency("eu-west", 90))
  .site(aSite("unmeasured").latencies({ "us-east": 10 }))
  .nodes("near", 1)
  .nodes("mid", 1)
  .nodes("far", 1)
  .nodes("unmeasured", 1)
  .build();

describe("latency filter", () => {
  it.each([
    { name: "skips without an SLO", slo: undefined, expected: { near: "skip", mid: "skip", far: "skip" } },
    {
      name: "keeps sites within the SLO, boundary included",
      slo: 40,
      expected: { near: "success", mid: "success", far: "unresolvable", unmeasured: "unresolvable" },
    },
    {
      name: "rejects everything over a tight SLO",
      slo: 4,
      expected: { near: "unresolvable", mid: "unresolvable" },
    },
  ])("$name", ({ slo, expected }) => {
    const request = slo === undefined ? aRequest().build() : aRequest().latency("eu-west", slo).build();
    const verdicts = filterSites(latencyPlugin, snapshot, request);
    for (const [site, code] of Object.entries(expected)) expect(verdicts[site]?.code, site).toBe(code);
  });

  it("says how far over and where the users are", () => {
    const verdicts = filterSites(latencyPlugin, snapshot, aRequest().latency("eu-west", 40).build());
    expect(verdicts.far?.messages).toEqual(["over 40 ms to eu-west users"]);
    expect(verdicts.unmeasured?.messages).toEqual(["no latency data to eu-west users"]);
  });
});

describe("latency score", () => {
  it("scores the closest site 100 and the farthest 0", () => {
    const scores = scoreSites(latencyPlugin, snapshot, aRequest().latency("eu-west", 100).build());
    expect(scores).toEqual({
      near: { raw: 5, score: 100 },
      mid: { raw: 40, score: 58.82 },
      far: { raw: 90, score: 0 },
    });
  });

  it("is skipped without an SLO", () => {
    expect(scoreSites(latencyPlugin, snapshot, aRequest().build())).toBe("skip");
  });
});
