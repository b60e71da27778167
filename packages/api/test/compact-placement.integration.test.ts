/**
 * Compact placement answers and decisions, and the fallback at schedule time (issue 16): a
 * recommendation answers its top candidates and counts the rest; a decision stores the same;
 * decisions stored whole before keep reading; a schedule whose recommendation lost its GPUs
 * takes the next stored candidate, judged by the same guarded UPDATE.
 */
import type { Prisma } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { estateCache } from "../src/estate/cache.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { overAllocations, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

/** Any GPU model, on premises or in the cloud: most sites of the demo fit. */
const WIDE: Omit<TWorkloadSpec, "deadline"> = {
  name: "compact-wide",
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4", "L40S", "A100-80GB", "H100"],
  estimatedHours: 1,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: [],
  priority: 50,
  preemptible: false,
  dependsOn: [],
};

describeEachDb("compact placement", (kind) => {
  let t: TTestDb;
  const api = () => createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.platform }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("a recommendation answers the top N candidates and counts the rest; all on request", async () => {
    const whole = await api().workload.preview({ ...WIDE, candidates: "all" });
    const feasible = whole.counts.feasible;
    expect(feasible).toBeGreaterThan(3);
    expect(whole.candidates).toHaveLength(feasible);
    expect(whole.rejected).toHaveLength(whole.counts.rejected);
    expect(whole.omitted).toEqual({ candidates: 0, rejected: 0 });

    const top = await api().workload.preview({ ...WIDE, candidates: 3 });
    expect(top.candidates.map((c) => c.siteId)).toEqual(whole.candidates.slice(0, 3).map((c) => c.siteId));
    expect(top.omitted).toEqual({ candidates: feasible - 3, rejected: whole.counts.rejected });
    expect(top.rejected).toEqual([]);
    expect(top.reasonCounts.reduce((sum, r) => sum + r.count, 0)).toBe(whole.counts.rejected);
    expect(JSON.stringify(top).length).toBeLessThan(JSON.stringify(whole).length);

    const byDefault = await api().workload.preview(WIDE);
    expect(byDefault.candidates).toHaveLength(Math.min(10, feasible));
    expect(byDefault.whyNot).toBeNull();

    // One site explained on demand, whether it ranks low or was rejected.
    const last = whole.candidates.at(-1);
    const asked = await api().workload.preview({ ...WIDE, candidates: 1, whyNot: last?.siteId });
    expect(asked.whyNot).toMatchObject({ siteId: last?.siteId, fits: true });
    expect(asked.whyNot?.explanation).toContain(`#${last?.rank} of ${feasible}`);
    const rejected = whole.rejected[0];
    if (rejected) {
      const no = await api().workload.preview({ ...WIDE, whyNot: rejected.siteId });
      expect(no.whyNot).toMatchObject({ fits: false, explanation: expect.stringContaining("rejected") });
    }
  });

  it("a bad candidates count or an unknown site is refused naming the field", async () => {
    for (const candidates of [0, 1_001, 2.5, "many"]) {
      await expect(
        api().workload.preview({ ...WIDE, candidates: candidates as number }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("candidates") });
    }
    await expect(api().workload.preview({ ...WIDE, whyNot: "site-nowhere" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("site-nowhere"),
    });
  });

  it("a decision stores the top 10 and the counts; why-not answers any site on demand", async () => {
    const { id } = await api().workload.submit({
      spec: { ...WIDE, name: "compact-decision" },
      asDraft: false,
    });
    const row = await t.db.prisma.placementDecision.findFirstOrThrow({ where: { workloadId: id } });
    const stored = row.candidates as { candidates: unknown[]; omitted: number };
    const rejections = row.rejections as { rejected: unknown[]; counts: { feasible: number } };
    expect(stored.candidates).toHaveLength(10);
    expect(stored.omitted).toBe(rejections.counts.feasible - 10);
    expect(rejections.rejected).toEqual([]);

    const decision = await api().workload.decision({ id });
    expect(decision.candidates.omitted).toBe(stored.omitted);
    expect(decision.candidates.fallback).toBeNull();
    const whole = await api().workload.preview({ ...WIDE, candidates: "all" });
    const low = whole.candidates.at(-1);
    const gone = whole.rejected[0];
    const lowAnswer = await api().workload.whyNot({ id, siteId: low?.siteId ?? "" });
    expect(lowAnswer).toMatchObject({ fits: true, source: "current-estate" });
    if (gone) {
      const goneAnswer = await api().workload.whyNot({ id, siteId: gone.siteId });
      expect(goneAnswer).toMatchObject({ fits: false, source: "current-estate" });
      expect(goneAnswer.explanation).toContain(gone.siteName);
    }
    const second = decision.candidates.candidates[1];
    expect(await api().workload.whyNot({ id, siteId: second?.siteId ?? "" })).toMatchObject({
      fits: true,
      source: "decision",
      explanation: expect.stringContaining(`#2 of ${rejections.counts.feasible}`),
    });
    await expect(api().workload.whyNot({ id, siteId: "site-nowhere" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("a decision stored whole (before decisions were compact) still reads and explains", async () => {
    const { id } = await api().workload.submit({
      spec: { ...WIDE, name: "compact-old-row" },
      asDraft: false,
    });
    const whole = await api().workload.preview({ ...WIDE, candidates: "all" });
    const row = await t.db.prisma.placementDecision.findFirstOrThrow({ where: { workloadId: id } });
    const strip = <T extends object>(c: T) => {
      const { approvals: _approvals, ...rest } = c as T & { approvals?: unknown };
      return rest;
    };
    // The shape placeOnEstate wrote before: every candidate, every rejected site, no counts of omitted ones.
    await t.db.prisma.placementDecision.update({
      where: { id: row.id },
      data: {
        candidates: JSON.parse(
          JSON.stringify({ policy: whole.policy, candidates: whole.candidates.map(strip) }),
        ) as Prisma.InputJsonValue,
        rejections: JSON.parse(
          JSON.stringify({
            rejected: whole.rejected,
            reasonCounts: whole.reasonCounts,
            funnel: whole.funnel,
            counts: whole.counts,
          }),
        ) as Prisma.InputJsonValue,
      },
    });
    const decision = await api().workload.decision({ id });
    expect(decision.candidates.candidates).toHaveLength(whole.counts.feasible);
    expect(decision.candidates.omitted).toBe(0);
    expect(decision.rejections.omitted).toBe(0);
    expect(decision.rejections.rejected).toHaveLength(whole.counts.rejected);
    const gone = whole.rejected[0];
    if (gone)
      expect(await api().workload.whyNot({ id, siteId: gone.siteId })).toMatchObject({
        fits: false,
        source: "decision",
      });
    const detail = await api().workload.byId({ id });
    expect(detail.decision?.candidates.candidates[0]?.siteId).toBe(whole.candidates[0]?.siteId);
  });

  it("two workloads race for one node: the loser falls back to the next candidate's node", async () => {
    // Leave exactly two free H100 nodes of the same size, at two sites; cordon the rest.
    const free = await t.db.prisma.gpuNode.findMany({
      where: { gpuModel: "H100", status: "READY", gpuAllocated: 0 },
      orderBy: { id: "asc" },
      select: { id: true, siteId: true, gpuCount: true },
    });
    const first = free[0];
    const second = free.find((n) => n.siteId !== first?.siteId && n.gpuCount === first?.gpuCount);
    if (!first || !second) throw new Error("the demo estate has free H100 nodes at two sites");
    await t.db.prisma.gpuNode.updateMany({
      where: { gpuModel: "H100", id: { notIn: [first.id, second.id] } },
      data: { status: "CORDONED" },
    });
    await estateCache(t.db.prisma).current();

    const spec = {
      ...WIDE,
      kind: "TRAINING" as const,
      teamId: "team-foundation-models",
      gpu: { count: first.gpuCount },
      gpuModels: ["H100"],
    };
    // Both are placed before either is scheduled: both decisions recommend the same node.
    const a = await api().workload.submit({ spec: { ...spec, name: "race-a" }, asDraft: false });
    const b = await api().workload.submit({ spec: { ...spec, name: "race-b" }, asDraft: false });
    const decisions = await t.db.prisma.placementDecision.findMany({
      where: { workloadId: { in: [a.id, b.id] }, status: "PROPOSED" },
    });
    expect(decisions).toHaveLength(2);
    expect(new Set(decisions.map((d) => d.recommendedSiteId)).size).toBe(1);
    const recommended = decisions[0]?.recommendedSiteId;

    const results = await Promise.all([a, b].map(({ id }) => api().workload.schedule({ id })));
    expect(results.map((r) => r.state)).toEqual(["SCHEDULED", "SCHEDULED"]);
    expect(new Set(results.map((r) => r.siteId))).toEqual(new Set([first.siteId, second.siteId]));
    expect(await overAllocations(t.db)).toEqual([]);

    // The loser's decision and audit say which candidate won, and why the first did not.
    const loserIndex = results.findIndex((r) => r.siteId !== recommended);
    const loser = [a, b][loserIndex];
    const decision = await api().workload.decision({ id: loser?.id ?? "" });
    expect(decision.status).toBe("ACCEPTED");
    expect(decision.chosenSiteId).toBe(results[loserIndex]?.siteId);
    expect(decision.candidates.fallback).toMatchObject({
      rank: 2,
      siteId: results[loserIndex]?.siteId,
      tried: [{ rank: 1, siteId: recommended, reason: expect.stringContaining("no longer has") }],
    });
    const audit = await t.db.prisma.auditEvent.findFirst({
      where: { action: "placement.fallback", objectId: decision.id },
    });
    expect(audit).not.toBeNull();
    const detail = await api().workload.byId({ id: loser?.id ?? "" });
    expect(detail.events.at(-1)?.reason).toContain("candidate #2");

    // A third has nowhere left to go: CAPACITY_EXCEEDED, and its decision is retired.
    const c = await t.db.prisma.workload.create({
      data: {
        name: "race-c",
        kind: "TRAINING",
        state: "PENDING",
        teamId: spec.teamId,
        submittedById: USERS.platform.id,
        gpuCount: first.gpuCount,
        gpuModels: ["H100"],
        estimatedHours: 1,
      },
    });
    const cDecision = await t.db.prisma.placementDecision.create({
      data: {
        workloadId: c.id,
        feasible: true,
        profile: "balanced",
        engineVersion: "placement/1",
        recommendedSiteId: decisions[0]?.recommendedSiteId ?? null,
        summary: "copied from race-a",
        candidates: decisions[0]?.candidates as Prisma.InputJsonValue,
        rejections: decisions[0]?.rejections as Prisma.InputJsonValue,
      },
    });
    await expect(api().workload.schedule({ id: c.id, decisionId: cDecision.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(
      (await t.db.prisma.placementDecision.findUniqueOrThrow({ where: { id: cDecision.id } })).status,
    ).toBe("SUPERSEDED");
    expect(await overAllocations(t.db)).toEqual([]);
  });
});
