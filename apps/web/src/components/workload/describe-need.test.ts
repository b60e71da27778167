import { describe, expect, it } from "vitest";
import { describeNeed, type TNeed } from "./describe-need";

const steward: TNeed = {
  ruleKey: "regulated-data",
  ruleName: "Regulated data needs its steward",
  kind: "REGULATED_DATA",
  reason: "reads REGULATED dataset claims-2025",
  datasetId: "dataset-claims-2025",
  datasetName: "claims-2025",
  approverKind: "DATASET_STEWARDS",
  approverRole: null,
  approvers: "a steward of claims-2025",
  approverNames: ["Dana Steward"],
  requiredApprovals: 1,
};

describe("describeNeed", () => {
  it("names a dataset's stewards once, as its stewards, with their names", () => {
    expect(describeNeed(steward)).toBe("reads REGULATED dataset claims-2025 — its steward (Dana Steward)");
    expect(
      describeNeed({ ...steward, approverNames: ["Dana Steward", "Sam Steward"], requiredApprovals: 2 }),
    ).toBe("reads REGULATED dataset claims-2025 — 2 approvals from its stewards (Dana Steward, Sam Steward)");
  });

  it("says which role decides when no one is named", () => {
    expect(
      describeNeed({
        ...steward,
        ruleKey: "spend-over-25k",
        kind: "SPEND_THRESHOLD",
        reason: "estimated $30,000, over the $25,000 threshold",
        datasetId: null,
        datasetName: null,
        approverKind: "ROLE",
        approverRole: "PLATFORM_ENGINEER",
        approvers: "a platform engineer",
        approverNames: [],
      }),
    ).toBe("estimated $30,000, over the $25,000 threshold — a platform engineer");
  });

  it("words an override by what the user does, not by a reason not yet given", () => {
    expect(
      describeNeed({
        ...steward,
        kind: "PLACEMENT_OVERRIDE",
        reason: "runs at X instead of the recommendation: the reason given",
        datasetId: null,
        datasetName: null,
        approverKind: "ROLE",
        approverRole: "ADMIN",
        approvers: "an admin",
        approverNames: [],
      }),
    ).toBe("choosing it over the recommendation — an admin");
  });
});
