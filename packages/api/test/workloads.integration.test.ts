import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb, describeOnPostgres } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { LOST_RACE_REASON } from "../src/workloads/schedule.ts";
import { approveAll, errorOf, overAllocations } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const ENGINEER: TSessionUser = {
  id: "user-engineer",
  email: "engineer@switchyard.demo",
  name: "Eli",
  role: "ML_ENGINEER",
};
const RESEARCHER: TSessionUser = {
  id: "user-researcher",
  email: "researcher@switchyard.demo",
  name: "Rae",
  role: "ML_ENGINEER",
};
const PLATFORM: TSessionUser = {
  id: "user-platform",
  email: "platform@switchyard.demo",
  name: "Pat",
  role: "PLATFORM_ENGINEER",
};
const VIEWER: TSessionUser = {
  id: "user-viewer",
  email: "viewer@switchyard.demo",
  name: "Val",
  role: "VIEWER",
};

const CLAIMS_TRAINING: TSpecInput = {
  name: "claims-fraud-train",
  kind: "TRAINING",
  teamId: "team-health-ai",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 12,
  datasetIds: ["dataset-claims-2025"],
  requiredCertifications: ["HIPAA"],
  allowedKinds: [],
  priority: 60,
  preemptible: false,
  dependsOn: [],
};
type TSpecInput = Omit<TWorkloadSpec, "deadline"> & { deadline?: Date };

describeEachDb("workloads", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("previews a placement without writing, with reasons for the rejected sites", async () => {
    const before = await t.db.prisma.placementDecision.count();
    const result = await as(ENGINEER).workload.preview({ ...CLAIMS_TRAINING, candidates: "all" });
    expect(result.feasible).toBe(true);
    // claims-2025 may only reside in the US: every candidate is a US site.
    expect(result.candidates[0]?.siteId).toBe("site-dc-ashburn");
    expect(
      result.rejected.find((r) => r.siteId === "site-dc-frankfurt")?.reasons.map((r) => r.plugin),
    ).toContain("data-residency");
    expect(await t.db.prisma.placementDecision.count()).toBe(before);
  });

  it("submits, places, schedules, runs and finishes a job, recording each step", async () => {
    const { id } = await as(ENGINEER).workload.submit({
      spec: CLAIMS_TRAINING,
      clientKey: "claims-train-0001",
    });
    const placed = await as(ENGINEER).workload.byId({ id });
    expect(placed.state).toBe("PENDING");
    expect(placed.decision).toMatchObject({
      feasible: true,
      recommendedSiteId: "site-dc-ashburn",
      status: "PROPOSED",
    });

    const again = await as(ENGINEER).workload.submit({
      spec: CLAIMS_TRAINING,
      clientKey: "claims-train-0001",
    });
    expect(again).toEqual({ id, created: false });

    // claims-2025 is REGULATED: the job waits for its steward, then is scheduled.
    const asked = await as(ENGINEER).workload.schedule({ id, decisionId: placed.decision?.id ?? "" });
    expect(asked).toMatchObject({ state: "AWAITING_APPROVAL", siteId: "site-dc-ashburn", gpus: 0 });
    expect(await approveAll(t.db, id)).toEqual(["steward@switchyard.demo"]);
    expect(await as(ENGINEER).workload.byId({ id })).toMatchObject({
      state: "SCHEDULED",
      site: { id: "site-dc-ashburn" },
    });
    const held = await t.db.prisma.allocation.aggregate({
      where: { workloadId: id, status: "ACTIVE" },
      _sum: { gpus: true },
    });
    expect(held._sum.gpus).toBe(8);

    await expect(as(ENGINEER).workload.transition({ id, to: "SUCCEEDED" })).rejects.toMatchObject({
      code: "CONFLICT",
      message:
        "A SCHEDULED workload cannot become SUCCEEDED; it can become RUNNING, PENDING, PREEMPTED, FAILED, CANCELLED.",
    });
    await as(ENGINEER).workload.transition({ id, to: "RUNNING" });
    await as(ENGINEER).workload.transition({ id, to: "SUCCEEDED", reason: "loss converged" });
    const done = await as(ENGINEER).workload.byId({ id });
    expect(done.events.map((e) => e.toState)).toEqual([
      "PENDING",
      "AWAITING_APPROVAL",
      "SCHEDULED",
      "RUNNING",
      "SUCCEEDED",
    ]);
    expect(done.events.at(-1)).toMatchObject({
      reason: "loss converged",
      actor: { email: "engineer@switchyard.demo" },
    });
    expect(done.allocations).toEqual([]);
    expect(done.decision?.status).toBe("ACCEPTED");
  });

  it("writes a submitted workload and its first decision together, or neither", async () => {
    // The decision cannot be stored (as if the database failed right then): the submission
    // leaves nothing behind, not a PENDING workload without a decision.
    await t.db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION test_refuse_decision() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'decision refused by the test'; END $$`);
    await t.db.prisma.$executeRawUnsafe(`
      CREATE TRIGGER test_refuse_decision BEFORE INSERT ON "PlacementDecision"
      FOR EACH ROW EXECUTE FUNCTION test_refuse_decision()`);
    const spec = { ...CLAIMS_TRAINING, name: "all-or-nothing" };
    const auditBefore = await t.db.prisma.auditEvent.count();
    try {
      await expect(as(ENGINEER).workload.submit({ spec })).rejects.toThrow();
    } finally {
      await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER test_refuse_decision ON "PlacementDecision"`);
      await t.db.prisma.$executeRawUnsafe("DROP FUNCTION test_refuse_decision()");
    }
    expect(await t.db.prisma.workload.count({ where: { name: "all-or-nothing" } })).toBe(0);
    expect(await t.db.prisma.auditEvent.count()).toBe(auditBefore);

    // Without the fault: one transaction, so its two audit events carry one time and request.
    const { id } = await as(ENGINEER).workload.submit({ spec });
    const events = await t.db.prisma.auditEvent.findMany({
      where: { objectId: id },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["workload.submit", "workload.place"]);
    expect(new Set(events.map((e) => `${e.createdAt.toISOString()} ${e.requestId}`)).size).toBe(1);
    expect((await as(ENGINEER).workload.byId({ id })).decision?.feasible).toBe(true);
  });

  it("keeps a request that nothing can satisfy as PENDING, with the reasons", async () => {
    const { id } = await as(ENGINEER).workload.submit({
      spec: { ...CLAIMS_TRAINING, name: "too-big", gpu: { nodes: 40, gpusPerNode: 8 } },
    });
    const w = await as(ENGINEER).workload.byId({ id });
    expect(w.state).toBe("PENDING");
    expect(w.decision?.feasible).toBe(false);
    expect(w.stateReason).toMatch(/^0\/\d+ sites fit/);
  });

  it("submits and schedules in one call and one transaction when asked", async () => {
    // Unregulated data: scheduled at once, its GPUs held, everything in one transaction.
    const spec = { ...CLAIMS_TRAINING, name: "at-once", datasetIds: [], requiredCertifications: [] };
    const first = await as(ENGINEER).workload.submit({ spec, clientKey: "at-once-0001", schedule: true });
    expect(first).toMatchObject({
      created: true,
      schedule: { state: "SCHEDULED", approvalRequestId: null, reason: null },
    });
    const w = await as(ENGINEER).workload.byId({ id: first.id });
    expect(w).toMatchObject({ state: "SCHEDULED", site: { id: first.schedule?.siteId } });
    expect(w.decision?.status).toBe("ACCEPTED");
    const held = await t.db.prisma.allocation.aggregate({
      where: { workloadId: first.id, status: "ACTIVE" },
      _sum: { gpus: true },
    });
    expect(held._sum.gpus).toBe(8);
    const events = await t.db.prisma.auditEvent.findMany({
      where: { objectId: first.id },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["workload.submit", "workload.place", "workload.scheduled"]);
    expect(new Set(events.map((e) => `${e.createdAt.toISOString()} ${e.requestId}`)).size).toBe(1);
    // The same key again: the first workload, where it stands now.
    expect(await as(ENGINEER).workload.submit({ spec, clientKey: "at-once-0001", schedule: true })).toEqual({
      id: first.id,
      created: false,
      schedule: { state: "SCHEDULED", siteId: first.schedule?.siteId, approvalRequestId: null, reason: null },
    });

    // Regulated data: it waits for the steward, as workload.schedule would have it.
    const regulated = await as(ENGINEER).workload.submit({
      spec: { ...CLAIMS_TRAINING, name: "at-once-regulated" },
      clientKey: "at-once-0002",
      schedule: true,
    });
    expect(regulated.schedule).toMatchObject({ state: "AWAITING_APPROVAL", siteId: "site-dc-ashburn" });
    expect(regulated.schedule?.approvalRequestId).toEqual(expect.any(String));
    expect(await as(ENGINEER).workload.byId({ id: regulated.id })).toMatchObject({
      state: "AWAITING_APPROVAL",
      stateReason: expect.stringMatching(/approv/i),
    });
    const replay = await as(ENGINEER).workload.submit({
      spec: { ...CLAIMS_TRAINING, name: "at-once-regulated" },
      clientKey: "at-once-0002",
      schedule: true,
    });
    expect(replay.schedule).toEqual(regulated.schedule);

    // Nothing fits: submitted all the same, PENDING with the engine's reasons.
    const tooBig = await as(ENGINEER).workload.submit({
      spec: { ...spec, name: "at-once-too-big", gpu: { nodes: 40, gpusPerNode: 8 } },
      schedule: true,
    });
    expect(tooBig.schedule).toMatchObject({ state: "PENDING", siteId: null });
    expect(tooBig.schedule?.reason).toMatch(/^0\/\d+ sites fit/);
    expect((await as(ENGINEER).workload.byId({ id: tooBig.id })).state).toBe("PENDING");

    // A draft is never scheduled; a viewer may do neither.
    expect(
      await errorOf(
        as(ENGINEER).workload.submit({
          spec: { ...spec, name: "at-once-draft" },
          asDraft: true,
          schedule: true,
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["schedule"] });
    expect(await t.db.prisma.workload.count({ where: { name: "at-once-draft" } })).toBe(0);
    await expect(
      as(VIEWER).workload.submit({ spec: { ...spec, name: "at-once-viewer" }, schedule: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses other teams, viewers and bad input with the field named", async () => {
    await expect(as(RESEARCHER).workload.submit({ spec: CLAIMS_TRAINING })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(as(VIEWER).workload.submit({ spec: CLAIMS_TRAINING })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const bad = { ...CLAIMS_TRAINING, gpu: { count: 0 }, estimatedHours: -1 };
    const error = (await as(ENGINEER)
      .workload.submit({ spec: bad })
      .then(
        () => null,
        (e: unknown) => e,
      )) as { code: string; cause: { issues: { path: (string | number)[] }[] } } | null;
    expect(error?.code).toBe("BAD_REQUEST");
    expect(error?.cause.issues.map((i) => i.path.join(".")).sort()).toEqual([
      "spec.estimatedHours",
      "spec.gpu.count",
    ]);
    // ML engineers see only their teams' workloads.
    const researcherView = await as(RESEARCHER).workload.list({ pageSize: 200 });
    expect(researcherView.rows.every((w) => w.team.id === "team-foundation-models")).toBe(true);
  });

  it("lets an override land elsewhere only with a reason, audited", async () => {
    const { id } = await as(PLATFORM).workload.submit({
      spec: { ...CLAIMS_TRAINING, name: "override-me", teamId: "team-health-ai" },
    });
    const w = await as(PLATFORM).workload.byId({ id });
    const other = w.decision?.candidates.candidates.find((c) => c.rank > 1);
    expect(other).toBeDefined();
    await expect(
      as(PLATFORM).workload.schedule({
        id,
        decisionId: w.decision?.id ?? "",
        override: { siteId: other?.siteId ?? "", reason: "short" },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await as(PLATFORM).workload.schedule({
      id,
      decisionId: w.decision?.id ?? "",
      override: { siteId: other?.siteId ?? "", reason: "keep Ashburn free for the pre-training run" },
    });
    // Regulated data, then the override itself: the steward decides first, then an admin.
    expect(await approveAll(t.db, id)).toEqual(["steward@switchyard.demo", "admin@switchyard.demo"]);
    const after = await as(PLATFORM).workload.byId({ id });
    expect(after.decision).toMatchObject({
      status: "OVERRIDDEN",
      chosenSiteId: other?.siteId,
      overrideReason: "keep Ashburn free for the pre-training run",
    });
    expect(
      await t.db.prisma.auditEvent.count({
        where: { action: "placement.override", objectId: after.decision?.id },
      }),
    ).toBe(1);
  });
});

describeOnPostgres("scheduling under contention", () => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("never over-allocates a node and never half-writes, with 200 schedule calls at once", async () => {
    const api = createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
    // 200 single-node jobs that all want the same few Stockholm nodes (96 GPUs in all).
    const spec: TSpecInput = {
      ...CLAIMS_TRAINING,
      name: "contender",
      teamId: "team-applied-ml",
      datasetIds: [],
      requiredCertifications: [],
      gpuModels: ["A100-80GB"],
      gpu: { count: 8 },
      allowedKinds: ["ON_PREM"],
    };
    const ids: { id: string; decisionId: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const { id } = await api.workload.submit({ spec: { ...spec, name: `contender-${i}` }, asDraft: true });
      ids.push({ id, decisionId: "" });
    }
    // Place them all against the same snapshot so they compete for the same nodes.
    const { placeWorkload } = await import("../src/workloads/service.ts");
    const ctx = { prisma: t.db.prisma, user: PLATFORM, requestId: "contention" };
    await t.db.prisma.workload.updateMany({
      where: { id: { in: ids.map((x) => x.id) } },
      data: { state: "PENDING" },
    });
    for (const entry of ids) entry.decisionId = (await placeWorkload(ctx, entry.id))?.decisionId ?? "";

    const results = await Promise.allSettled(
      ids.map((x) => api.workload.schedule({ id: x.id, decisionId: x.decisionId })),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });

    expect(await overAllocations(t.db)).toEqual([]);
    const scheduled = await t.db.prisma.workload.findMany({
      where: { id: { in: ids.map((x) => x.id) }, state: "SCHEDULED" },
      select: { id: true, _count: { select: { allocations: true } } },
    });
    expect(scheduled).toHaveLength(ok);
    for (const w of scheduled) expect(w._count.allocations).toBe(1);
    const pending = await t.db.prisma.workload.count({
      where: { id: { in: ids.map((x) => x.id) }, state: "PENDING", allocations: { some: {} } },
    });
    expect(pending).toBe(0);
  });

  it("submissions that schedule at once and race for the same nodes: scheduled or PENDING, never over-allocated", async () => {
    const api = createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
    // A team with room for all of them, so that only the nodes decide.
    await t.db.prisma.team.create({
      data: {
        id: "team-race",
        slug: "race",
        name: "Race",
        quotas: { create: { gpuModel: "*", guaranteedGpus: 0, limitGpus: 100_000 } },
      },
    });
    const nodes = await t.db.prisma.gpuNode.findMany({
      where: { gpuModel: "H100", status: "READY" },
      select: { gpuCount: true, gpuAllocated: true },
    });
    const free = nodes.reduce((sum, n) => sum + Math.floor((n.gpuCount - n.gpuAllocated) / 8) * 8, 0);
    // More than fits: some must lose, whether to a fresher estate or to the guarded UPDATE.
    const n = free / 8 + 6;
    const spec: TSpecInput = {
      ...CLAIMS_TRAINING,
      teamId: "team-race",
      datasetIds: [],
      requiredCertifications: [],
      gpuModels: ["H100"],
      gpu: { count: 8 },
    };
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        api.workload.submit({ spec: { ...spec, name: `race-${i}` }, schedule: true }),
      ),
    );
    const states = results.map((r) => r.schedule?.state);
    expect(states.filter((s) => s === "SCHEDULED").length).toBeGreaterThan(0);
    expect(states.filter((s) => s === "PENDING").length).toBeGreaterThanOrEqual(6);
    expect(states.every((s) => s === "SCHEDULED" || s === "PENDING")).toBe(true);
    // Decided on one estate at once, most of them lose the same nodes to the guarded UPDATE:
    // answered, not failed, their decisions retired for the loop to place again.
    const lost = results.filter((r) => r.schedule?.reason === LOST_RACE_REASON);
    expect(lost.length).toBeGreaterThan(0);

    // Each answer is what was written: SCHEDULED holds its 8 GPUs, PENDING holds none and has
    // no standing proposal when another placement took its GPUs.
    const stored = await t.db.prisma.workload.findMany({
      where: { teamId: "team-race" },
      select: {
        id: true,
        state: true,
        stateReason: true,
        allocations: { where: { status: "ACTIVE" }, select: { gpus: true } },
        decisions: { where: { status: "PROPOSED" }, select: { feasible: true } },
      },
    });
    expect(stored).toHaveLength(n);
    for (const result of results) {
      const w = stored.find((x) => x.id === result.id);
      expect(w?.state).toBe(result.schedule?.state);
      const gpus = w?.allocations.reduce((sum, a) => sum + a.gpus, 0);
      expect(gpus).toBe(w?.state === "SCHEDULED" ? 8 : 0);
      if (result.schedule?.reason === LOST_RACE_REASON) {
        expect(w?.stateReason).toBe(LOST_RACE_REASON);
        expect(w?.decisions).toEqual([]);
      }
    }
    expect(await overAllocations(t.db)).toEqual([]);
  });
});
