import { describe, expect, it } from "vitest";
import {
  mayDecide,
  planApprovals,
  type TDecisionContext,
  type TPlacementFacts,
  type TRule,
} from "./approval-rules.ts";

const rule = (over: Partial<TRule> & Pick<TRule, "kind" | "key">): TRule => ({
  id: `policy-${over.key}-v1`,
  version: 1,
  name: over.key,
  approverKind: "ROLE",
  approverRole: "ADMIN",
  requiredApprovals: 1,
  thresholdUsd: null,
  stepOrder: 0,
  expiresAfterHours: 72,
  ...over,
});

const REGULATED = rule({
  key: "regulated",
  kind: "REGULATED_DATA",
  approverKind: "DATASET_STEWARDS",
  approverRole: null,
  stepOrder: 10,
});
const BORDER = rule({
  key: "border",
  kind: "CROSS_BORDER_TRANSFER",
  approverRole: "DATA_STEWARD",
  stepOrder: 20,
  expiresAfterHours: 24,
});
const SPEND = rule({
  key: "spend",
  kind: "SPEND_THRESHOLD",
  approverRole: "PLATFORM_ENGINEER",
  thresholdUsd: 25_000,
  stepOrder: 30,
});
const OVERRIDE = rule({ key: "override", kind: "PLACEMENT_OVERRIDE", approverRole: "ADMIN", stepOrder: 40 });
const ALL = [OVERRIDE, SPEND, BORDER, REGULATED];

const facts = (over: Partial<TPlacementFacts> = {}): TPlacementFacts => ({
  datasets: [],
  destination: { siteId: "site-fra", siteName: "Frankfurt", jurisdiction: "EU" },
  copies: [],
  estimatedCostUsd: 1_000,
  override: null,
  budget: null,
  ...over,
});

const claims = {
  id: "d-claims",
  name: "claims-2025",
  classification: "REGULATED" as const,
  stewardIds: ["u-sam"],
};
const crawl = { id: "d-crawl", name: "web-crawl", classification: "PUBLIC" as const, stewardIds: [] };
const orphan = { id: "d-orphan", name: "orphan", classification: "REGULATED" as const, stewardIds: [] };

describe("planApprovals", () => {
  it.each([
    ["nothing applies", facts({ datasets: [crawl] }), []],
    [
      "a REGULATED dataset asks its stewards",
      facts({ datasets: [claims, crawl] }),
      ["regulated:d-claims:DATASET_STEWARDS"],
    ],
    [
      "a regulated dataset without stewards falls back to any data steward",
      facts({ datasets: [orphan] }),
      ["regulated:d-orphan:ROLE:DATA_STEWARD"],
    ],
    [
      "a copy within the jurisdiction is no border crossing",
      facts({
        datasets: [crawl],
        copies: [{ datasetId: "d-crawl", fromSiteName: "Paris", fromJurisdiction: "EU" }],
      }),
      [],
    ],
    [
      "a copy into another jurisdiction needs the border rule",
      facts({
        datasets: [crawl],
        copies: [{ datasetId: "d-crawl", fromSiteName: "Ashburn", fromJurisdiction: "US" }],
      }),
      ["border:d-crawl:ROLE:DATA_STEWARD"],
    ],
    ["spend at the threshold passes", facts({ estimatedCostUsd: 25_000 }), []],
    [
      "spend over the threshold needs a platform engineer",
      facts({ estimatedCostUsd: 25_000.01 }),
      ["spend::ROLE:PLATFORM_ENGINEER"],
    ],
    [
      "an override needs an admin",
      facts({ override: { reason: "closer to the team" } }),
      ["override::ROLE:ADMIN"],
    ],
    [
      "several rules make several steps, in step order",
      facts({
        datasets: [claims],
        copies: [{ datasetId: "d-claims", fromSiteName: "Ashburn", fromJurisdiction: "US" }],
        estimatedCostUsd: 90_000,
        override: { reason: "x" },
      }),
      [
        "regulated:d-claims:DATASET_STEWARDS",
        "border:d-claims:ROLE:DATA_STEWARD",
        "spend::ROLE:PLATFORM_ENGINEER",
        "override::ROLE:ADMIN",
      ],
    ],
  ])("%s", (_title, given, expected) => {
    const plan = planApprovals(ALL, given);
    expect(
      plan.steps.map(
        (s) =>
          `${s.policyKey}:${s.datasetId ?? ""}:${s.approverKind}${s.approverKind === "ROLE" ? `:${s.approverRole}` : ""}`,
      ),
    ).toEqual(expected);
    expect(plan.steps.map((s) => s.order)).toEqual(expected.map((_, i) => i + 1));
  });

  it("expires after the shortest deadline of the rules that apply", () => {
    const given = facts({
      datasets: [claims],
      copies: [{ datasetId: "d-claims", fromSiteName: "A", fromJurisdiction: "US" }],
    });
    expect(planApprovals(ALL, given).expiresAfterHours).toBe(24);
    expect(planApprovals(ALL, facts({ datasets: [claims] })).expiresAfterHours).toBe(72);
  });

  it("never asks for more steward approvals than there are stewards", () => {
    const twoNeeded = { ...REGULATED, requiredApprovals: 2 };
    expect(planApprovals([twoNeeded], facts({ datasets: [claims] })).steps[0]?.requiredApprovals).toBe(1);
  });

  it("explains why each step exists", () => {
    const plan = planApprovals(ALL, facts({ datasets: [claims], estimatedCostUsd: 30_000 }));
    expect(plan.steps.map((s) => s.reason)).toEqual([
      "reads REGULATED dataset claims-2025",
      "estimated $30,000, over the $25,000 threshold",
    ]);
  });
});

describe("BUDGET_EXCEEDED", () => {
  const BUDGET = rule({ key: "budget", kind: "BUDGET_EXCEEDED", approverRole: "PLATFORM_ENGINEER" });
  const budget = { teamName: "Applied ML", monthlyUsd: 10_000, monthToDateUsd: 9_000 };

  it.each([
    ["no budget", null, 5_000, 0],
    ["within the budget, boundary included", budget, 1_000, 0],
    ["over the budget", budget, 1_001, 1],
    ["already over the budget", { ...budget, monthToDateUsd: 12_000 }, 1, 1],
  ] as const)("%s", (_, b, estimatedCostUsd, steps) => {
    expect(planApprovals([BUDGET], facts({ budget: b, estimatedCostUsd })).steps).toHaveLength(steps);
  });

  it("says what the spend and the budget are", () => {
    const plan = planApprovals([BUDGET], facts({ budget, estimatedCostUsd: 2_500 }));
    expect(plan.steps).toEqual([
      expect.objectContaining({
        approverRole: "PLATFORM_ENGINEER",
        reason: "$9,000 spent this month + estimated $2,500 takes Applied ML over its $10,000 monthly budget",
      }),
    ]);
  });
});

describe("mayDecide", () => {
  const now = new Date("2026-11-28T12:00:00Z");
  const base: TDecisionContext = {
    user: { id: "u-sam", role: "DATA_STEWARD" },
    request: {
      status: "PENDING",
      expiresAt: new Date("2026-11-29T12:00:00Z"),
      requestedById: "u-eli",
      submittedById: "u-eli",
    },
    step: {
      approverKind: "DATASET_STEWARDS",
      approverRole: null,
      datasetId: "d-claims",
      datasetName: "claims-2025",
    },
    stepDeciderIds: [],
    stewardOf: ["d-claims"],
    now,
  };

  it.each<[string, Partial<TDecisionContext>, string | null]>([
    ["the dataset's steward may", {}, null],
    [
      "a steward of another dataset may not",
      { stewardOf: ["d-other"] },
      "Only a steward of claims-2025 can decide this step.",
    ],
    [
      "the requester may not",
      { request: { ...base.request, requestedById: "u-sam" } },
      "You asked for this; someone else must decide it.",
    ],
    [
      "the workload's submitter may not",
      { request: { ...base.request, submittedById: "u-sam" } },
      "You asked for this; someone else must decide it.",
    ],
    ["nobody after expiry", { request: { ...base.request, expiresAt: now } }, "This request has expired."],
    [
      "nobody once decided",
      { request: { ...base.request, status: "REJECTED" } },
      "This request is already rejected.",
    ],
    [
      "nobody twice on one step",
      { stepDeciderIds: ["u-sam"] },
      "You have approved this step; it needs another approver too.",
    ],
    [
      "the named role may",
      {
        user: { id: "u-ada", role: "ADMIN" },
        step: { approverKind: "ROLE", approverRole: "ADMIN", datasetId: null },
      },
      null,
    ],
    [
      "another role may not",
      { step: { approverKind: "ROLE", approverRole: "PLATFORM_ENGINEER", datasetId: null } },
      "This step needs a platform engineer.",
    ],
  ])("%s", (_title, over, why) => {
    const result = mayDecide({ ...base, ...over });
    expect(result.ok ? null : result.why).toBe(why);
  });
});
