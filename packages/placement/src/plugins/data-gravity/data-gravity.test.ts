import { describe, expect, it } from "vitest";
import { aDataset, aRequest, aSite, aSnapshot } from "../../testing/builders";
import { scoreSites } from "../../testing/run-plugin";
import { dataGravityPlugin } from ".";

// 900 GB = 7,200 Gbit: 0.2 h at 10 Gbps, 2 h at 1 Gbps (the slower end of the link counts).
const snapshot = aSnapshot()
  .site(aSite("home").egress(0.09, 10))
  .site(aSite("fast").egress(0.09, 10))
  .site(aSite("slow").egress(0.09, 1))
  .nodes("home", 1)
  .nodes("fast", 1)
  .nodes("slow", 1)
  .dataset(aDataset("corpus").size(900).at("home"))
  .build();

describe("data-gravity score", () => {
  it("prefers the site holding the data, then the fastest link", () => {
    expect(scoreSites(dataGravityPlugin, snapshot, aRequest().datasets("corpus").build())).toEqual({
      home: { raw: 0, score: 100 },
      fast: { raw: 0.2, score: 90 },
      slow: { raw: 2, score: 0 },
    });
  });

  it("is skipped when no dataset is read", () => {
    expect(scoreSites(dataGravityPlugin, snapshot, aRequest().build())).toBe("skip");
  });
});
