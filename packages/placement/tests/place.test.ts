import { describe, expect, it } from "vitest";
import { explainSite, indexSnapshot, PlacementInputError, place, profiles } from "../src/index";
import { shuffleSnapshot } from "../src/testing/arbitraries";
import { aNode, aRequest, aSite, aSnapshot } from "../src/testing/builders";
import { hybridEstate } from "../src/testing/fixtures";

describe("place() end to end", () => {
  it.each([
    // Fine-tuning on 2×H100 for 10 h reading claims-2025 (EU only, stored at onprem-fra).
    { profile: "balanced", best: "onprem-fra" },
    { profile: "cost-first", best: "onprem-fra" },
    { profile: "green", best: "onprem-fra" },
  ])("recommends $best under the $profile profile", ({ profile, best }) => {
    const request = aRequest().gpus(2).datasets("claims-2025").policy({ profile }).build();
    const result = place({ snapshot: hybridEstate().build(), request });
    expect(result.feasible).toBe(true);
    expect(result.policy.profile).toBe(profile);
    expect(result.candidates[0]?.siteId).toBe(best);
    expect(result.rejected.map((r) => r.siteId)).toEqual(["edge-ams", "gcp-iad"]);
  });

  it("puts latency first under latency-first", () => {
    // Online inference on one L4 near eu-west users: edge-ams (2 ms) beats aws-dub (3 ms, cheaper).
    const request = aRequest()
      .kind("ONLINE_INFERENCE")
      .models("L4")
      .latency("eu-west", 20)
      .policy({ profile: "latency-first" });
    const result = place({ snapshot: hybridEstate().build(), request: request.build() });
    expect(result.candidates.map((c) => c.siteId)).toEqual(["edge-ams", "aws-dub"]);
    const cost = place({
      snapshot: hybridEstate().build(),
      request: request.policy({ profile: "cost-first" }).build(),
    });
    expect(cost.candidates[0]?.siteId).toBe("aws-dub");
  });

  it("lets a workload override weights", () => {
    const request = aRequest()
      .gpus(1)
      .policy({ weights: { cost: 0, carbon: 10 }, weightMode: "exact" })
      .build();
    const result = place({ snapshot: hybridEstate().build(), request });
    expect(result.policy.weights).toEqual({ cost: 0, carbon: 10 });
    expect(result.candidates[0]?.scores.map((s) => s.plugin)).toEqual(["carbon"]);
  });

  it("costs compute and the egress of data copied in, and says where it comes from", () => {
    const result = place({
      snapshot: hybridEstate().build(),
      request: aRequest().gpus(2).datasets("claims-2025").build(),
    });
    const dub = result.candidates.find((c) => c.siteId === "aws-dub");
    // 2 GPUs × 10 h × $4 + 500 GB × $0.02 from onprem-fra.
    expect(dub?.cost).toEqual({
      computeUsd: 80,
      egressUsd: 10,
      totalUsd: 90,
      transferHours: 0.111,
      transfers: [
        {
          datasetId: "claims-2025",
          datasetName: "claims-2025",
          fromSiteId: "onprem-fra",
          bytes: 500e9,
          egressUsd: 10,
          hours: 0.111,
          crossesJurisdiction: false,
        },
      ],
    });
    expect(result.candidates.find((c) => c.siteId === "onprem-fra")?.cost.egressUsd).toBe(0);
  });

  it("lands a gang on one fabric, best fit", () => {
    const snapshot = aSnapshot()
      .site(aSite("dc"))
      .node(aNode("a1", "dc").fabric("ib-a"))
      .node(aNode("a2", "dc").fabric("ib-a").free(4))
      .node(aNode("b1", "dc").fabric("ib-b"))
      .node(aNode("b2", "dc").fabric("ib-b"))
      .node(aNode("b3", "dc").fabric("ib-b").free(5))
      .build();
    const result = place({ snapshot, request: aRequest().gang(2, 4).build() });
    // ib-a fits with 4 GPUs left idle; ib-b would leave 5: best fit picks a2 (4 free) and a1.
    expect(result.candidates[0]?.fabric).toBe("ib-a");
    expect(result.candidates[0]?.nodes.map((n) => n.nodeId)).toEqual(["a2", "a1"]);
    const big = place({ snapshot, request: aRequest().gang(3, 5).build() });
    expect(big.candidates[0]?.nodes.map((n) => n.nodeId)).toEqual(["b3", "b1", "b2"]);
  });

  it("explains an infeasible workload site by site and in one line", () => {
    const snapshot = hybridEstate().site(aSite("aws-fra2").price("H100", 4).latency("eu-west", 70)).build();
    snapshot.nodes.push(aNode("fra2-n0", "aws-fra2").free(2).build());
    for (const node of snapshot.nodes) if (node.gpuModel === "H100") node.gpuFree = 4;
    const request = aRequest().gpus(8).datasets("claims-2025").latency("eu-west", 40).build();
    const result = place({ snapshot, request });
    expect(result.feasible).toBe(false);
    expect(result.candidates).toEqual([]);
    expect(result.summary).toBe(
      "0/5 sites fit: 2 no free H100 ×8, 1 no H100 nodes, 1 outside the EU residency of dataset claims-2025, 1 over 40 ms to eu-west users",
    );
    expect(explainSite(result, "gcp-iad")).toBe(
      "gcp-iad rejected: outside the EU residency of dataset claims-2025 (US, US); over 40 ms to eu-west users (80 ms); " +
        "no free H100 ×8 (most free on one node: 4)",
    );
    expect(explainSite(result, "nowhere")).toBe("site nowhere is not in the snapshot");
    expect(result.funnel.find((f) => f.plugin === "data-residency")).toEqual({
      plugin: "data-residency",
      rejected: 1,
      remaining: 4,
    });
  });

  it("answers 'why not this site?' for a feasible site too", () => {
    const result = place({ snapshot: hybridEstate().build(), request: aRequest().gpus(1).build() });
    const second = result.candidates[1];
    expect(second?.rank).toBe(2);
    expect(explainSite(result, second?.siteId ?? "")).toMatch(/fits, ranked #2 of 3/);
  });

  it("does not depend on input order", () => {
    const snapshot = hybridEstate().build();
    const request = aRequest().gpus(2).datasets("claims-2025").build();
    const first = place({ snapshot, request });
    for (const seed of [1, 2, 3])
      expect(place({ snapshot: shuffleSnapshot(snapshot, seed), request })).toEqual(first);
  });

  it("reuses a prepared snapshot", () => {
    const prepared = indexSnapshot(hybridEstate().build());
    const request = aRequest().gpus(2).build();
    expect(place({ snapshot: prepared, request })).toEqual(
      place({ snapshot: hybridEstate().build(), request }),
    );
    expect(indexSnapshot(prepared)).toBe(prepared);
  });

  it("ships the four profiles", () => {
    expect([...profiles.keys()]).toEqual(["balanced", "cost-first", "latency-first", "green"]);
  });
});

describe("bad input", () => {
  const issuesOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof PlacementInputError) return error.issues;
      throw error;
    }
    throw new Error("expected a PlacementInputError");
  };

  it("lists every bad field of a request at once", () => {
    const request = {
      ...aRequest().build(),
      gpu: { count: 0 },
      estimatedHours: -3,
      gpuModels: ["H1000"],
      datasetIds: ["nope"],
    };
    expect(issuesOf(() => place({ snapshot: hybridEstate().build(), request }))).toEqual([
      { path: "gpu.count", message: "Too small: expected number to be >0" },
      { path: "estimatedHours", message: "Too small: expected number to be >0" },
      { path: "gpuModels.0", message: "unknown GPU model 'H1000'" },
      { path: "datasetIds.0", message: "unknown dataset 'nope'" },
    ]);
  });

  it("names missing sites and datasets a snapshot refers to", () => {
    const snapshot = hybridEstate().node(aNode("ghost", "atlantis")).build();
    snapshot.datasets.push({
      id: "lost",
      name: "lost",
      sizeBytes: 1,
      classification: "PUBLIC",
      replicaSiteIds: ["mars"],
    });
    expect(issuesOf(() => place({ snapshot, request: aRequest().build() }))).toEqual([
      { path: "nodes.9.siteId", message: "unknown site 'atlantis'" },
      { path: "datasets.1.replicaSiteIds.0", message: "unknown site 'mars' for a replica of dataset 'lost'" },
    ]);
  });

  it("reports malformed fields and broken references together", () => {
    const snapshot = aSnapshot().site(aSite("dc")).node(aNode("n", "elsewhere").gpus(4, 6)).build();
    const issues = issuesOf(() => place({ snapshot, request: aRequest().build() }));
    expect(issues).toContainEqual({ path: "nodes.0.gpuFree", message: "gpuFree cannot exceed gpuTotal" });
    expect(issues).toContainEqual({ path: "nodes.0.siteId", message: "unknown site 'elsewhere'" });
  });

  it("rejects unknown profiles and scorers", () => {
    const request = aRequest()
      .policy({ profile: "fastest", weights: { speed: 1 } })
      .build();
    expect(issuesOf(() => place({ snapshot: hybridEstate().build(), request }))).toEqual([
      {
        path: "policy.profile",
        message: "unknown profile 'fastest' (known: balanced, cost-first, latency-first, green)",
      },
      { path: "policy.weights.speed", message: "unknown score plugin 'speed'" },
    ]);
  });

  it("treats an impossible but valid request as infeasible, not an error", () => {
    const result = place({ snapshot: hybridEstate().build(), request: aRequest().gpus(64).build() });
    expect(result.feasible).toBe(false);
    expect(result.summary).toMatch(/^0\/4 sites fit: /);
  });
});
