import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb, describeOnPostgres } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, overAllocations, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const { engineer: ENGINEER, platform: PLATFORM, viewer: VIEWER } = USERS;

type TSpecInput = Omit<TWorkloadSpec, "deadline"> & { deadline?: Date };
/** Unregulated work of the engineer's team, small enough for several at once. */
const SWEEP: TSpecInput = {
  name: "sweep",
  kind: "FINE_TUNING",
  teamId: "team-health-ai",
  gpu: { count: 2 },
  gpuModels: ["H100"],
  estimatedHours: 3,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: [],
  priority: 40,
  preemptible: false,
  dependsOn: [],
};
const REGULATED: TSpecInput = {
  ...SWEEP,
  name: "regulated",
  gpu: { count: 8 },
  datasetIds: ["dataset-claims-2025"],
  requiredCertifications: ["HIPAA"],
};

describeEachDb("submitting workloads in a batch", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  const named = (prefix: string) => t.db.prisma.workload.count({ where: { name: { startsWith: prefix } } });

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("saves, places and schedules a batch, answering each workload in the order sent", async () => {
    const parent = await as(ENGINEER).workload.submit({
      spec: { ...SWEEP, name: "b1-parent" },
      asDraft: true,
    });
    const batch = {
      workloads: [
        { spec: { ...SWEEP, name: "b1-a" }, clientKey: "batch-one-a" },
        { spec: { ...SWEEP, name: "b1-b", priority: 90 } },
        { spec: { ...REGULATED, name: "b1-regulated" }, clientKey: "batch-one-r" },
        { spec: { ...SWEEP, name: "b1-too-big", gpu: { nodes: 40, gpusPerNode: 8 } } },
        { spec: { ...SWEEP, name: "b1-child", dependsOn: [parent.id] } },
      ],
      schedule: true,
    };
    const answer = await as(ENGINEER).workload.submitBatch(batch);
    expect(answer.bound).toMatch(/of optimal/);
    const [a, b, regulated, tooBig, child] = answer.workloads;
    expect(answer.workloads.every((w) => w.created)).toBe(true);
    for (const done of [a, b]) {
      expect(done?.schedule).toMatchObject({ state: "SCHEDULED", siteId: expect.any(String), reason: null });
      const w = await as(ENGINEER).workload.byId({ id: done?.id as string });
      expect(w).toMatchObject({ state: "SCHEDULED", site: { id: done?.schedule?.siteId } });
      expect(w.decision?.status).toBe("ACCEPTED");
      const held = await t.db.prisma.allocation.aggregate({
        where: { workloadId: done?.id, status: "ACTIVE" },
        _sum: { gpus: true },
      });
      expect(held._sum.gpus).toBe(2);
      const actions = await t.db.prisma.auditEvent.findMany({
        where: { objectId: done?.id },
        orderBy: { seq: "asc" },
        select: { action: true },
      });
      expect(actions.map((e) => e.action)).toEqual([
        "workload.submit",
        "workload.place",
        "workload.scheduled",
      ]);
    }
    // Regulated data waits for its steward, with the request and the site it asks for.
    expect(regulated?.schedule).toMatchObject({
      state: "AWAITING_APPROVAL",
      siteId: expect.any(String),
      approvalRequestId: expect.any(String),
    });
    // Nothing fits: saved all the same, PENDING with the engine's reasons and a decision.
    expect(tooBig?.schedule).toMatchObject({ state: "PENDING", siteId: null });
    expect(tooBig?.schedule?.reason).toMatch(/^0\/\d+ sites fit/);
    expect((await as(ENGINEER).workload.byId({ id: tooBig?.id as string })).decision?.feasible).toBe(false);
    // A workload waiting for its parent is saved, not placed.
    expect(child?.schedule).toMatchObject({
      state: "PENDING",
      reason: expect.stringMatching(/^waiting for b1-parent/),
    });
    expect(await t.db.prisma.placementDecision.count({ where: { workloadId: child?.id } })).toBe(0);

    // The same batch again: the keyed workloads replay where they stand; the others are
    // refused by name, as a second submission of an active workload is.
    expect(await errorOf(as(ENGINEER).workload.submitBatch(batch))).toMatchObject({
      code: "CONFLICT",
      fields: ["workloads.1.spec.name"],
    });
    const replay = await as(ENGINEER).workload.submitBatch({
      workloads: [batch.workloads[0], batch.workloads[2]].filter((w) => w !== undefined),
      schedule: true,
    });
    expect(replay.workloads).toEqual([
      { ...a, created: false },
      { ...regulated, created: false },
    ]);
    expect(replay.bound).toBeNull();
    expect(await overAllocations(t.db)).toEqual([]);
  });

  it("only proposes without schedule: every workload placed, none holding GPUs", async () => {
    const answer = await as(ENGINEER).workload.submitBatch({
      workloads: [1, 2, 3].map((i) => ({ spec: { ...SWEEP, name: `b2-${i}` } })),
    });
    expect(answer.workloads.map((w) => Object.keys(w).sort())).toEqual([
      ["created", "id"],
      ["created", "id"],
      ["created", "id"],
    ]);
    for (const { id } of answer.workloads) {
      const w = await as(ENGINEER).workload.byId({ id });
      expect(w.state).toBe("PENDING");
      expect(w.decision).toMatchObject({ status: "PROPOSED", feasible: true });
      expect(w.stateReason).toMatch(/^recommended: /);
      expect(await t.db.prisma.allocation.count({ where: { workloadId: id } })).toBe(0);
    }
    // A proposal is scheduled as any other.
    const first = answer.workloads[0]?.id as string;
    expect(await as(ENGINEER).workload.schedule({ id: first })).toMatchObject({ state: "SCHEDULED" });
  });

  it("refuses the whole batch over one bad workload, naming it, and writes nothing", async () => {
    const good = { spec: { ...SWEEP, name: "b3-good" } };
    const refused = async (
      workloads: { spec: TSpecInput; clientKey?: string }[],
      user: TSessionUser = ENGINEER,
    ) => {
      const error = await errorOf(as(user).workload.submitBatch({ workloads, schedule: true }));
      expect(await named("b3-")).toBe(0);
      return error;
    };
    expect(
      await refused([good, { spec: { ...SWEEP, name: "b3-x", datasetIds: ["dataset-nope"] } }]),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["workloads.1.spec.datasetIds"],
    });
    expect(
      await refused([good, { spec: { ...SWEEP, name: "b3-x", dependsOn: ["workload-nope"] } }]),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["workloads.1.spec.dependsOn"],
    });
    expect(await refused([good, good])).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["workloads.1.spec.name"],
    });
    expect(
      await refused([
        { ...good, clientKey: "same-key-0001" },
        { spec: { ...SWEEP, name: "b3-other" }, clientKey: "same-key-0001" },
      ]),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["workloads.1.clientKey"] });
    expect(
      await refused([good, { spec: { ...SWEEP, name: "b3-late", deadline: new Date(Date.now() - 60_000) } }]),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["workloads.1.spec.deadline"] });
    // Another team's workload, by someone not in it.
    const foreign = await refused([
      good,
      { spec: { ...SWEEP, name: "b3-foreign", teamId: "team-foundation-models" } },
    ]);
    expect(foreign).toMatchObject({ code: "FORBIDDEN", fields: ["workloads.1.spec.teamId"] });
    expect(foreign.message).toMatch(/^Workload 2 of the batch: /);
    expect(await refused([good], VIEWER)).toMatchObject({ code: "FORBIDDEN" });
    // Shape: named by zod, before anything is read.
    expect(await refused([good, { spec: { ...SWEEP, name: "b3-zero", gpu: { count: 0 } } }])).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["workloads.1.spec.gpu.count"],
    });
    expect(await refused([])).toMatchObject({ code: "BAD_REQUEST", fields: ["workloads"] });
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ spec: { ...SWEEP, name: `b3-${i}` } }));
    expect(await refused(tooMany)).toMatchObject({ code: "BAD_REQUEST", fields: ["workloads"] });
  });
});

describeOnPostgres("batches under contention", () => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("never over-allocates a node, with more batched work than GPUs submitted at once", async () => {
    const api = createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
    // Eight batches of 20 single-node jobs that all want the same Stockholm A100s (96 GPUs).
    const spec: TSpecInput = {
      ...SWEEP,
      teamId: "team-applied-ml",
      gpuModels: ["A100-80GB"],
      gpu: { count: 8 },
      allowedKinds: ["ON_PREM"],
    };
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        api.workload.submitBatch({
          workloads: Array.from({ length: 20 }, (_, i) => ({ spec: { ...spec, name: `crowd-${b}-${i}` } })),
          schedule: true,
        }),
      ),
    );
    const all = answers.flatMap((a) => a.workloads);
    expect(all).toHaveLength(160);
    const scheduled = all.filter((w) => w.schedule?.state === "SCHEDULED");
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.length).toBeLessThanOrEqual(12);
    // Every answer is what was written.
    const rows = await t.db.prisma.workload.findMany({
      where: { id: { in: all.map((w) => w.id) } },
      select: {
        id: true,
        state: true,
        siteId: true,
        allocations: { where: { status: "ACTIVE" }, select: { gpus: true } },
      },
    });
    const rowOf = new Map(rows.map((r) => [r.id, r]));
    for (const w of all) {
      const row = rowOf.get(w.id);
      expect(row?.state).toBe(w.schedule?.state);
      expect(row?.siteId ?? null).toBe(w.schedule?.state === "SCHEDULED" ? w.schedule.siteId : null);
      expect(row?.allocations.reduce((sum, a) => sum + a.gpus, 0)).toBe(
        w.schedule?.state === "SCHEDULED" ? 8 : 0,
      );
    }
    expect(await overAllocations(t.db)).toEqual([]);
  });
});
