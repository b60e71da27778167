import { describe, expect, it } from "vitest";
import { generatorCoverage } from "../src/testing/coverage";

// Issue 21: the property tests' generators must reach the hard rules often, or a broken rule
// goes unnoticed. At least a third of single-request cases are feasible gangs, feasible with
// REGULATED data, feasible with egress to pay; a "*" quota applies to most; and in batches a
// "*" quota decides what is left out often enough to catch a batch that ignores it.
describe("property-test generators", () => {
  it("exercise gangs, regulated data, egress and '*' quotas in at least a third of cases", () => {
    const shares = generatorCoverage(1200, 1);
    expect(shares.feasibleGang).toBeGreaterThanOrEqual(1 / 3);
    expect(shares.feasibleRegulated).toBeGreaterThanOrEqual(1 / 3);
    expect(shares.feasibleEgress).toBeGreaterThanOrEqual(1 / 3);
    expect(shares.starQuotaApplies).toBeGreaterThanOrEqual(1 / 3);
    expect(shares.batchStarQuotaDecides).toBeGreaterThanOrEqual(0.15);
    // 1,200 engine runs: about 3 s on a quiet machine, several times that on a shared one.
  }, 60_000);
});
