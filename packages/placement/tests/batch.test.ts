import { describe, expect, it } from "vitest";
import { PlacementInputError, placeBatch } from "../src/index";
import { aNode, aRequest, aSite, aSnapshot } from "../src/testing/builders";

// One 8-GPU node per site: "a" has H100 at $1, "b" A100-80GB at $2, "c" L4 at $10 (per GPU-hour).
const trio = () =>
  aSnapshot()
    .site(aSite("a").prices({ H100: 1 }))
    .site(aSite("b").prices({ "A100-80GB": 2 }))
    .site(aSite("c").prices({ L4: 10 }))
    .node(aNode("a-n", "a"))
    .node(aNode("b-n", "b").model("A100-80GB", 80))
    .node(aNode("c-n", "c").model("L4", 24));

describe("placeBatch()", () => {
  it("minimises total cost across the batch instead of serving arrivals in order", () => {
    // First come, first served gives "x" the $1 node and leaves "y" only the $10 one: $88.
    // Giving "y" the $1 node and "x" the $2 one costs $24.
    const requests = [
      aRequest("x").gpus(8).hours(1).models("H100", "A100-80GB").build(),
      aRequest("y").gpus(8).hours(1).models("H100", "L4").build(),
    ];
    const result = placeBatch({ snapshot: trio().build(), requests });
    expect(result.placements.map((p) => [p.workloadId, p.siteId])).toEqual([
      ["x", "b"],
      ["y", "a"],
    ]);
    expect(result.totalCostUsd).toBe(24);
  });

  it("steers a workload that can run elsewhere off the GPUs that others need (scarcity prices)", () => {
    // L40S at $1 and $1.1 (8 GPUs each), A100 at $5. "flex" (8 GPUs for 10 h, L40S or
    // A100) loses most by missing the $1 node, so regret gives it that node first; four
    // L40S-only workloads of 4 GPUs then share the other 8 and two are left out. With the
    // L40S groups priced up, flex goes to the A100 and all of them run. No local search
    // here (searchEffort 0): the construction alone must get there. Ten L4 workloads make
    // the two left out few enough (under 15%) for prices to be worth a try.
    const snapshot = aSnapshot()
      .site(aSite("l1").prices({ L40S: 1 }))
      .site(aSite("l2").prices({ L40S: 1.1 }))
      .site(aSite("x").prices({ A100: 5 }))
      .site(aSite("y").prices({ L4: 0.5 }))
      .node(aNode("l1-n", "l1").model("L40S", 48))
      .node(aNode("l2-n", "l2").model("L40S", 48))
      .node(aNode("x-n", "x").model("A100", 40))
      .node(aNode("y-n", "y").model("L4", 24).gpus(10))
      .build();
    const requests = [
      aRequest("flex").gpus(8).hours(10).models("L40S", "A100").build(),
      ...[1, 2, 3, 4].map((i) => aRequest(`rigid-${i}`).gpus(4).hours(1).models("L40S").build()),
      ...Array.from({ length: 10 }, (_, i) => aRequest(`small-${i}`).gpus(1).hours(1).models("L4").build()),
    ];
    const result = placeBatch({ snapshot, requests, searchEffort: 0 });
    expect(result.unplaced).toEqual([]);
    expect(result.placements.find((p) => p.workloadId === "flex")?.siteId).toBe("x");
    expect(result.totalCostUsd).toBe(400 + 2 * 4 + 2 * 4.4 + 10 * 0.5);
  });

  it("serves higher priority first, whatever it costs the rest", () => {
    const requests = [
      aRequest("cheap-low").gpus(8).hours(1).models("H100").priority(1).build(),
      aRequest("urgent").gpus(8).hours(1).models("H100").priority(5).build(),
    ];
    const result = placeBatch({ snapshot: trio().build(), requests });
    expect(result.placements.map((p) => p.workloadId)).toEqual(["urgent"]);
    expect(result.unplaced).toEqual([
      {
        workloadId: "cheap-low",
        priority: 1,
        summary: "0/3 sites fit: 2 no H100 nodes, 1 no free H100 ×8",
        reasonCounts: [
          { message: "no H100 nodes", plugin: "gpu-model", count: 2 },
          { message: "no free H100 ×8", plugin: "gpu-capacity", count: 1 },
        ],
      },
    ]);
    expect(result.stats.tiers).toBe(2);
  });

  it("keeps a team within its quota across the batch", () => {
    const snapshot = trio().node(aNode("a-n2", "a")).quota("ml", "*", 8).build();
    const requests = [
      aRequest("one").gpus(8).models("H100").build(),
      aRequest("two").gpus(8).models("H100").build(),
    ];
    const result = placeBatch({ snapshot, requests });
    expect(result.placements).toHaveLength(1);
    expect(result.unplaced[0]?.summary).toBe("0/3 sites fit: 2 no H100 nodes, 1 over team ml quota for H100");
  });

  it("preempts lower-priority preemptible work only when allowed, and reports it", () => {
    const snapshot = trio().build();
    snapshot.nodes[0] = { ...(snapshot.nodes[0] as (typeof snapshot.nodes)[number]), gpuFree: 0 };
    snapshot.allocations.push(
      { workloadId: "batch-job", nodeId: "a-n", gpus: 6, priority: 0, preemptible: true, teamId: "ml" },
      { workloadId: "serving", nodeId: "a-n", gpus: 2, priority: 9, preemptible: false },
    );
    const request = aRequest("training").gpus(6).models("H100").priority(3).build();

    const polite = placeBatch({ snapshot, requests: [request] });
    expect(polite.placements).toEqual([]);
    expect(polite.preemptions).toEqual([]);

    const pushy = placeBatch({ snapshot, requests: [request], allowPreemption: true });
    expect(pushy.placements[0]?.preempted).toEqual(["batch-job"]);
    expect(pushy.preemptions).toEqual([
      { workloadId: "batch-job", priority: 0, preemptedBy: "training", nodes: [{ nodeId: "a-n", gpus: 6 }] },
    ]);
  });

  it("never preempts work of the same or higher priority", () => {
    const snapshot = trio().build();
    snapshot.nodes[0] = { ...(snapshot.nodes[0] as (typeof snapshot.nodes)[number]), gpuFree: 0 };
    snapshot.allocations.push({ workloadId: "peer", nodeId: "a-n", gpus: 8, priority: 3, preemptible: true });
    const request = aRequest("training").gpus(6).models("H100").priority(3).build();
    const result = placeBatch({ snapshot, requests: [request], allowPreemption: true });
    expect(result.placements).toEqual([]);
  });

  it("gives the full per-site explanation when asked", () => {
    const result = placeBatch({
      snapshot: trio().build(),
      requests: [aRequest("big").gpus(16).build()],
      explainUnplaced: "full",
    });
    expect(result.unplaced[0]?.explanation?.rejected.map((r) => r.siteId)).toEqual(["a", "b", "c"]);
  });

  describe("nodeFit: big nodes kept for work that needs them", () => {
    // "big": one 8-GPU H100 node at $1 per GPU-hour; "small": one 2-GPU H100 node at $3.
    const estate = () =>
      aSnapshot()
        .site(aSite("big").prices({ H100: 1 }))
        .site(aSite("small").prices({ H100: 3 }))
        .node(aNode("big-n", "big"))
        .node(aNode("small-n", "small").gpus(2))
        .build();
    const twoGpus = aRequest("two").gpus(2).hours(10).models("H100").build();

    it("by cost alone a 2-GPU job takes a quarter of the cheap 8-GPU node", () => {
      const result = placeBatch({ snapshot: estate(), requests: [twoGpus] });
      expect(result.placements.map((p) => [p.siteId, p.cost.totalUsd])).toEqual([["big", 20]]);
    });

    it("with a node fit it takes the node of its size, and reports what that really costs", () => {
      // $60 against $20 × (1 + 16 × 0.75) = $260 as the search weighs it.
      const result = placeBatch({ snapshot: estate(), requests: [twoGpus], nodeFit: 16 });
      expect(result.placements.map((p) => [p.siteId, p.cost.totalUsd])).toEqual([["small", 60]]);
      expect(result.totalCostUsd).toBe(60);
      expect(result.stats.greedyCostUsd).toBe(60);
      // The bound is on real costs: the $20 option is the cheapest way to place one workload.
      expect(result.bound.lowerBoundUsd).toBe(20);
      expect(result.bound.withinPct).toBe(200);
    });

    it("pays no more than the fit is worth: a small node dearer than 13× loses", () => {
      const dear = aSnapshot()
        .site(aSite("big").prices({ H100: 1 }))
        .site(aSite("small").prices({ H100: 14 }))
        .node(aNode("big-n", "big"))
        .node(aNode("small-n", "small").gpus(2))
        .build();
      const result = placeBatch({ snapshot: dear, requests: [twoGpus], nodeFit: 16 });
      // Reported at its real $20, not the $260 the search weighed it at.
      expect(result.placements.map((p) => [p.siteId, p.cost.totalUsd])).toEqual([["big", 20]]);
      expect(result.totalCostUsd).toBe(20);
    });

    it("leaves work that fills its node, and gangs of whole nodes, where cost puts them", () => {
      const requests = [
        aRequest("eight").gpus(8).hours(1).models("H100").build(),
        aRequest("two-b").gpus(2).hours(1).models("H100").build(),
      ];
      const plain = placeBatch({ snapshot: estate(), requests });
      const fitted = placeBatch({ snapshot: estate(), requests, nodeFit: 16 });
      expect(fitted.placements.map((p) => [p.workloadId, p.siteId])).toEqual(
        plain.placements.map((p) => [p.workloadId, p.siteId]),
      );
      expect(fitted.totalCostUsd).toBe(plain.totalCostUsd);
    });

    it("refuses a node fit that is not a number of at least 0", () => {
      for (const nodeFit of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => placeBatch({ snapshot: estate(), requests: [twoGpus], nodeFit })).toThrow(
          expect.objectContaining({
            issues: [{ path: "nodeFit", message: "must be a number of at least 0" }],
          }),
        );
      }
    });
  });

  it("lists every bad request at once", () => {
    const requests = [
      aRequest("fine").build(),
      { ...aRequest("zero").build(), gpu: { count: 0 } },
      aRequest("unknown").models("Z9000").build(),
      aRequest("fine").build(),
    ];
    try {
      placeBatch({ snapshot: trio().build(), requests });
      throw new Error("expected a PlacementInputError");
    } catch (error) {
      expect(error).toBeInstanceOf(PlacementInputError);
      expect((error as PlacementInputError).issues).toEqual([
        { path: "requests.1.gpu.count", message: "Too small: expected number to be >0" },
        { path: "requests.2.gpuModels.0", message: "unknown GPU model 'Z9000'" },
        { path: "requests.3.id", message: "duplicate workload id 'fine'" },
      ]);
    }
  });
});
