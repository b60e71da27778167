import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solveBatchMilp } from "../bench/milp";
import { indexSnapshot, placeBatch } from "../src/index";
import { arbContendedBatch } from "../src/testing/arbitraries";
import { aNode, aRequest, aSite, aSnapshot } from "../src/testing/builders";

describe("the lower bound of a batch", () => {
  it("is the cost itself when nothing competes", () => {
    const snapshot = aSnapshot()
      .site(aSite("a").price("H100", 2))
      .site(aSite("b").price("H100", 3))
      .node(aNode("a1", "a").gpus(8))
      .node(aNode("b1", "b").gpus(8))
      .build();
    const result = placeBatch({
      snapshot,
      requests: [aRequest("w1").gpus(4).build(), aRequest("w2").gpus(4).build()],
    });
    expect(result.totalCostUsd).toBe(160); // both on a: 2 × 4 GPUs × 10 h × $2
    expect(result.bound).toEqual({
      lowerBoundUsd: 160,
      withinPct: 0,
      summary: "within 0% of optimal for 2 workloads (lower bound $160.00)",
    });
  });

  it("prices contested capacity: two whole-node workloads and one cheap node", () => {
    // Each alone would take the $1 node; together one must pay $5. The cheapest-option
    // sum ($160) is no bound worth stating; the relaxation proves the optimum ($480).
    const snapshot = aSnapshot()
      .site(aSite("cheap").price("H100", 1))
      .site(aSite("dear").price("H100", 5))
      .node(aNode("c1", "cheap").gpus(8))
      .node(aNode("d1", "dear").gpus(8))
      .build();
    const result = placeBatch({
      snapshot,
      requests: [aRequest("w1").gpus(8).build(), aRequest("w2").gpus(8).build()],
    });
    expect(result.totalCostUsd).toBe(480);
    expect(result.bound.lowerBoundUsd).toBeGreaterThan(479.9);
    expect(result.bound.withinPct).toBeLessThanOrEqual(0.01);
  });

  it("counts only the GPUs of a node that the sizes asked can fill", () => {
    // 7 free GPUs hold one 4-GPU workload, not 1.75: without that the relaxation would put
    // three quarters of the second one on the cheap node and prove only $120.
    const snapshot = aSnapshot()
      .site(aSite("cheap").price("H100", 1))
      .site(aSite("dear").price("H100", 5))
      .node(aNode("c1", "cheap").gpus(8, 7))
      .node(aNode("d1", "dear").gpus(8))
      .build();
    const result = placeBatch({
      snapshot,
      requests: [aRequest("w1").gpus(4).build(), aRequest("w2").gpus(4).build()],
    });
    expect(result.totalCostUsd).toBe(240); // 4 × 10 h × $1 + 4 × 10 h × $5
    expect(result.bound.lowerBoundUsd).toBeGreaterThan(239.9);
  });

  it("keeps gangs whole: a pool with room for one node more holds no part of a 2-node gang", () => {
    // Three free nodes on the cheap fabric hold one 2-node gang, and the node left over
    // holds no half of the other. A relaxation of capacity alone puts half of it there and
    // proves only $640 + $320 + $800 = $1,760; the gang phase proves the optimum.
    const snapshot = aSnapshot()
      .site(aSite("cheap").price("H100", 4))
      .site(aSite("dear").price("H100", 10))
      .nodes("cheap", 3, (n) => n.gpus(8).fabric("ib-c"))
      .nodes("dear", 2, (n) => n.gpus(8).fabric("ib-d"))
      .build();
    const result = placeBatch({
      snapshot,
      requests: [aRequest("g1").gang(2, 8).build(), aRequest("g2").gang(2, 8).build()],
    });
    expect(result.totalCostUsd).toBe(2240); // 16 GPUs × 10 h × ($4 + $10)
    expect(result.bound.lowerBoundUsd).toBeGreaterThan(2239.9);
    expect(result.bound.withinPct).toBe(0);
  });

  it("is never above the HiGHS optimum nor the batch's own cost (property, small random batches)", async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbContendedBatch, async ({ snapshot, requests }) => {
        const prepared = indexSnapshot(snapshot);
        const result = placeBatch({ snapshot: prepared, requests });
        expect(result.bound.lowerBoundUsd).toBeLessThanOrEqual(result.totalCostUsd + 0.01);
        if (result.stats.placed === 0) return;
        // The exact least cost of placing as many as the batch did (quotas kept, so no lower
        // than the bound's relaxation), whether or not more could be placed.
        const optimum = await solveBatchMilp(prepared, requests, undefined, false, result.stats.placed);
        expect(optimum.status).toBe("Optimal");
        compared++;
        expect(result.bound.lowerBoundUsd).toBeLessThanOrEqual(optimum.costUsd + 0.01);
      }),
      { numRuns: 60, seed: 20_261_203 },
    );
    expect(compared).toBeGreaterThanOrEqual(50);
  }, 240_000);

  it("never exceeds the exact optimum (HiGHS) of placing as many workloads", async () => {
    const cases = fc.sample(arbContendedBatch, { numRuns: 12, seed: 20_261_202 });
    let compared = 0;
    for (const { snapshot, requests } of cases) {
      const prepared = indexSnapshot(snapshot);
      const result = placeBatch({ snapshot: prepared, requests });
      const optimum = await solveBatchMilp(prepared, requests);
      expect(result.stats.placed).toBeLessThanOrEqual(optimum.placed);
      // The bound is on placing as many as the batch did: comparable when the optimum does too.
      if (result.stats.placed !== optimum.placed) continue;
      compared++;
      expect(result.bound.lowerBoundUsd).toBeLessThanOrEqual(optimum.costUsd + 0.01);
      expect(result.totalCostUsd).toBeGreaterThanOrEqual(optimum.costUsd - 0.01);
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
