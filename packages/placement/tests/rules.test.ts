import { describe, expect, it } from "vitest";
import { place, placeBatch } from "../src/index";
import { aDataset, aNode, aRequest, aSite, aSnapshot } from "../src/testing/builders";
import { hardConstraintViolations } from "../src/testing/check-hard-constraints";

/**
 * Hand-built estates that isolate one rule each: every site passes every other filter, so
 * only the rule under test can tell them apart.
 */
describe("one rule at a time", () => {
  it("keeps REGULATED data off the edge even where residency and certifications allow it", () => {
    // Two twins in Germany with the same certifications, price and capacity; only the kind differs.
    const snapshot = aSnapshot()
      .site(aSite("edge-de").kind("EDGE").certified("HIPAA").price("H100", 1))
      .site(aSite("cloud-de").kind("CLOUD").certified("HIPAA").price("H100", 1))
      .node(aNode("e1", "edge-de").gpus(8))
      .node(aNode("c1", "cloud-de").gpus(8))
      .dataset(aDataset("patients").classified("REGULATED", "HIPAA").at("edge-de", "cloud-de"))
      .dataset(aDataset("cameras").classified("CONFIDENTIAL").at("edge-de", "cloud-de"))
      .build();
    const regulated = place({ snapshot, request: aRequest().gpus(1).datasets("patients").build() });
    expect(regulated.candidates.map((c) => c.siteId)).toEqual(["cloud-de"]);
    const edge = regulated.rejected.find((r) => r.siteId === "edge-de");
    expect(edge?.reasons.map((r) => `${r.plugin}: ${r.message}`)).toEqual([
      "data-residency: REGULATED dataset patients not allowed at the edge",
    ]);
    // The same estate with CONFIDENTIAL data: the edge site is fine.
    const confidential = place({ snapshot, request: aRequest().gpus(1).datasets("cameras").build() });
    expect(confidential.candidates.map((c) => c.siteId).sort()).toEqual(["cloud-de", "edge-de"]);
    // The independent checker agrees on both.
    const onEdge = {
      siteId: "edge-de",
      gpuModel: "H100",
      nodes: [{ nodeId: "e1", gpus: 1 }],
      cost: { totalUsd: 10 },
    };
    expect(
      hardConstraintViolations(snapshot, aRequest().gpus(1).datasets("patients").build(), onEdge),
    ).toEqual(["patients at the edge"]);
    expect(
      hardConstraintViolations(snapshot, aRequest().gpus(1).datasets("cameras").build(), onEdge),
    ).toEqual([]);
  });

  it("copies data only from a replica inside its residency, even when a stray copy is cheaper", () => {
    // EU-only data with a free-egress stray replica in the US and a $0.09/GB replica in Ireland.
    const snapshot = aSnapshot()
      .site(aSite("us-stray").located("US", "US").egress(0).price("H100", 9))
      .site(aSite("ie-home").located("IE", "EU").egress(0.09).price("H100", 9))
      .site(aSite("de-run").located("DE", "EU").egress(0.09).price("H100", 1))
      .node(aNode("d1", "de-run").gpus(8))
      .dataset(
        aDataset("claims")
          .size(1000)
          .residency({ allowedJurisdictions: ["EU"] })
          .at("us-stray", "ie-home"),
      )
      .build();
    const request = aRequest().gpus(1).hours(10).datasets("claims").build();
    const result = place({ snapshot, request });
    const cost = result.candidates[0]?.cost;
    expect(result.candidates[0]?.siteId).toBe("de-run");
    expect(cost?.egressUsd).toBe(90); // 1,000 GB × $0.09 from Ireland, not $0 from the US copy
    expect(cost?.transfers.map((t) => t.fromSiteId)).toEqual(["ie-home"]);
    const batch = placeBatch({ snapshot, requests: [request] });
    expect(batch.totalCostUsd).toBe(100); // 1 GPU × 10 h × $1 + $90
    expect(batch.placements[0]?.cost.egressUsd).toBe(90);
  });

  it("finds no source when every replica sits outside the residency", () => {
    const snapshot = aSnapshot()
      .site(aSite("us-stray").located("US", "US").price("H100", 1))
      .site(aSite("de-run").located("DE", "EU").price("H100", 1))
      .node(aNode("d1", "de-run").gpus(8))
      .dataset(
        aDataset("claims")
          .residency({ allowedJurisdictions: ["EU"] })
          .at("us-stray"),
      )
      .build();
    const request = aRequest().gpus(1).datasets("claims").build();
    const result = place({ snapshot, request });
    expect(result.feasible).toBe(false);
    expect(result.rejected.find((r) => r.siteId === "de-run")?.reasons[0]?.message).toBe(
      "no readable replica of dataset claims within its residency",
    );
    expect(placeBatch({ snapshot, requests: [request] }).unplaced.map((u) => u.workloadId)).toEqual(["w1"]);
  });
});
