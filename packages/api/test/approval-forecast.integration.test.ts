import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { TCandidate } from "@switchyard/placement";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { loadFactSites } from "../src/governance/placement-facts.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { currentEstate } from "../src/workloads/service.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const { engineer: ENGINEER, steward: STEWARD } = USERS;

type TSpecInput = Omit<TWorkloadSpec, "deadline">;
/** Reads the REGULATED claims-2025 dataset (steward: Sam Steward). */
const REGULATED: TSpecInput = {
  name: "forecast",
  kind: "FINE_TUNING",
  teamId: "team-health-ai",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 6,
  datasetIds: ["dataset-claims-2025"],
  requiredCertifications: ["HIPAA"],
  allowedKinds: [],
  priority: 60,
  preemptible: false,
  dependsOn: [],
};
/** One L4, no data: the recommendation needs nothing. */
const SMALL: TSpecInput = {
  ...REGULATED,
  teamId: "team-applied-ml",
  datasetIds: [],
  requiredCertifications: [],
  gpuModels: ["L4"],
  gpu: { count: 1 },
};

type TStepLike = {
  policyKey: string;
  datasetId: string | null;
  approverKind: string;
  approverRole: string | null;
  requiredApprovals: number;
  reason: string;
};
const shape = (s: TStepLike, withReason = true) => ({
  policyKey: s.policyKey,
  datasetId: s.datasetId,
  approverKind: s.approverKind,
  approverRole: s.approverRole,
  requiredApprovals: s.requiredApprovals,
  ...(withReason ? { reason: s.reason } : {}),
});

describeEachDb("approval forecast", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  /** The steps the server wrote when the workload was scheduled, in order. */
  async function stepsOf(workloadId: string) {
    const steps = await t.db.prisma.approvalStep.findMany({
      where: { request: { workloadId } },
      orderBy: { order: "asc" },
      include: { policy: { select: { key: true } } },
    });
    return steps.map((s) => ({ ...s, policyKey: s.policy.key }));
  }

  /** Preview, submit, forecast on the decision, schedule (at `siteId` by override if given). */
  async function forecastThenSchedule(spec: TSpecInput, pick?: { rank: number }) {
    const preview = await as(ENGINEER).workload.preview(spec);
    const { id } = await as(ENGINEER).workload.submit({ spec });
    const decision = await as(ENGINEER).workload.decision({ id });
    const rank = pick?.rank ?? 1;
    const candidate = decision.candidates.candidates.find((c) => c.rank === rank);
    const previewed = preview.candidates.find((c) => c.rank === rank);
    const result = await as(ENGINEER).workload.schedule({
      id,
      decisionId: decision.id,
      ...(rank > 1 ? { override: { siteId: candidate?.siteId ?? "", reason: "closer to the team" } } : {}),
    });
    return { id, previewed, candidate, result, steps: await stepsOf(id) };
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  describe("the approvals a candidate shows are the steps scheduling it creates", () => {
    it("a REGULATED dataset: its steward, by name", async () => {
      const run = await forecastThenSchedule({ ...REGULATED, name: "fc-regulated" });
      expect(run.result.state).toBe("AWAITING_APPROVAL");
      expect(run.candidate?.approvals).toEqual(run.previewed?.approvals);
      expect(run.candidate?.approvals).toEqual([
        {
          ruleKey: "regulated-data",
          ruleName: "Regulated data needs its steward",
          kind: "REGULATED_DATA",
          reason: "reads REGULATED dataset Insurance claims 2025",
          datasetId: "dataset-claims-2025",
          datasetName: "Insurance claims 2025",
          approverKind: "DATASET_STEWARDS",
          approverRole: null,
          approvers: "a steward of Insurance claims 2025",
          approverNames: [STEWARD.name],
          requiredApprovals: 1,
        },
      ]);
      expect(run.steps.map((s) => shape(s))).toEqual(
        (run.candidate?.approvals ?? []).map((a) => shape({ ...a, policyKey: a.ruleKey })),
      );
    });

    it("regulated data and spend over the threshold: the steward, then a platform engineer", async () => {
      const run = await forecastThenSchedule({ ...REGULATED, name: "fc-spend", estimatedHours: 2_000 });
      expect(run.candidate?.cost.totalUsd).toBeGreaterThan(25_000);
      expect(run.previewed?.approvals).toEqual(run.candidate?.approvals);
      expect(run.candidate?.approvals?.map((a) => [a.ruleKey, a.approvers, a.approverNames])).toEqual([
        ["regulated-data", "a steward of Insurance claims 2025", [STEWARD.name]],
        ["spend-over-25k", "a platform engineer", []],
      ]);
      expect(run.result.state).toBe("AWAITING_APPROVAL");
      expect(run.steps.map((s) => shape(s))).toEqual(
        (run.candidate?.approvals ?? []).map((a) => shape({ ...a, policyKey: a.ruleKey })),
      );
    });

    it("a candidate needing none says none, and schedules at once", async () => {
      const run = await forecastThenSchedule({ ...SMALL, name: "fc-none" });
      expect(run.previewed?.approvals).toEqual([]);
      expect(run.candidate?.approvals).toEqual([]);
      expect(run.result.state).toBe("SCHEDULED");
      expect(run.steps).toEqual([]);
    });

    it("another candidate is an override: it names the admin the server will ask", async () => {
      const run = await forecastThenSchedule({ ...SMALL, name: "fc-override" }, { rank: 2 });
      expect(run.previewed?.approvals.map((a) => [a.ruleKey, a.approvers])).toEqual([
        ["placement-override", "an admin"],
      ]);
      expect(run.result.state).toBe("AWAITING_APPROVAL");
      // The reason is the caller's own words, unknown before they give it.
      expect(run.steps.map((s) => shape(s, false))).toEqual(
        (run.candidate?.approvals ?? []).map((a) => shape({ ...a, policyKey: a.ruleKey }, false)),
      );
    });
  });

  it("once the workload waits for approval, its decision forecasts nothing (the request says it)", async () => {
    const { id } = await as(ENGINEER).workload.submit({ spec: { ...REGULATED, name: "fc-after" } });
    const before = await as(ENGINEER).workload.byId({ id });
    expect(before.decision?.candidates.candidates[0]?.approvals).toHaveLength(1);
    await as(ENGINEER).workload.schedule({ id, decisionId: before.decision?.id ?? "" });
    const after = await as(ENGINEER).workload.byId({ id });
    expect(after.state).toBe("AWAITING_APPROVAL");
    expect(after.decision?.candidates.candidates[0]?.approvals).toBeNull();
  });
});

describeEachDb("approval forecast: the sites' facts", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("reads from the decided-on estate exactly what the database says, and reads the database when the estate lacks a site", async () => {
    const estate = await currentEstate(t.db.prisma);
    const user = createCaller(createInnerContext({ prisma: t.db.prisma, user: ENGINEER }));
    const preview = await user.workload.preview({
      ...REGULATED,
      requiredCertifications: [],
      candidates: "all",
    });
    const candidates = preview.candidates as unknown as TCandidate[];
    // Copies from another site are where a wrong jurisdiction would change the rules' answer.
    expect(candidates.some((c) => c.cost.transfers.some((x) => x.fromSiteId !== c.siteId))).toBe(true);
    const fromDb = await loadFactSites(t.db.prisma, candidates);
    expect(fromDb.size).toBeGreaterThan(1);
    expect(await loadFactSites(t.db.prisma, candidates, estate)).toEqual(fromDb);

    const gone = { siteId: "site-not-in-the-estate", cost: { transfers: [] } } as unknown as TCandidate;
    await t.db.prisma.site.create({
      data: {
        id: gone.siteId,
        slug: "added-after-the-read",
        name: "Added after the read",
        kind: "ON_PREM",
        provider: "own",
        region: "eu-central",
        country: "DE",
        jurisdiction: "EU",
        certifications: [],
        wanGbps: 10,
        egressUsdPerGb: 0.02,
        carbonGPerKwh: 300,
        latitude: 50.1,
        longitude: 8.7,
      },
    });
    const both = await loadFactSites(t.db.prisma, [...candidates, gone], estate);
    expect(both.get(gone.siteId)).toEqual({
      id: gone.siteId,
      name: "Added after the read",
      jurisdiction: "EU",
    });
    expect(both.size).toBe(fromDb.size + 1);
  });
});
