import type { PrismaClient } from "@switchyard/db";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const GRACE = 60;
const AFTER = 300;

/**
 * The product's round is the engine's fairRound, in fair-share mode (as bench:fairness runs
 * it): two teams of equal weight, neither guaranteed anything, on one site of two 8-H100
 * nodes. Team X borrows both; when team Y queues, Y is under its fair share (8 of 16) and X
 * over it, so X's newest borrowed job is reclaimed for Y, once Y has waited
 * reclaimAfterSeconds; in "guarantee" mode Y (no guarantee) would wait for X's work to end.
 */
async function seed(prisma: PrismaClient) {
  await prisma.user.createMany({
    data: [USERS.platform].map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role })),
  });
  await prisma.teamGroup.create({ data: { id: "org", slug: "org", name: "Org", kind: "ORGANISATION" } });
  for (const id of ["team-x", "team-y"]) {
    await prisma.team.create({
      data: {
        id,
        slug: id,
        name: id,
        groupId: "org",
        quotas: { create: { gpuModel: "H100", guaranteedGpus: 0, limitGpus: 16 } },
      },
    });
  }
  await prisma.site.create({
    data: {
      id: "site-one",
      slug: "site-one",
      name: "site-one",
      kind: "ON_PREM",
      provider: "onprem",
      region: "local",
      country: "DE",
      jurisdiction: "EU",
      certifications: [],
      wanGbps: 10,
      egressUsdPerGb: 0,
      carbonGPerKwh: 100,
      latitude: 50,
      longitude: 8,
      prices: { create: { gpuModel: "H100", usdPerGpuHour: 2, source: "test" } },
      nodes: {
        create: [1, 2].map((n) => ({
          id: `node-${n}`,
          hostname: `node-${n}`,
          gpuModel: "H100",
          gpuCount: 8,
          gpuMemoryGib: 80,
          fabric: "f1",
          interconnect: "NVLink 4",
          status: "READY" as const,
        })),
      },
    },
  });
}

const spec = (name: string, teamId: string): TWorkloadSpec =>
  ({
    name,
    kind: "TRAINING",
    teamId,
    gpu: { count: 8 },
    gpuModels: ["H100"],
    estimatedHours: 2,
    datasetIds: [],
    requiredCertifications: [],
    allowedKinds: [],
    priority: 10,
    preemptible: true,
    dependsOn: [],
  }) as unknown as TWorkloadSpec;

describeEachDb("fair-share reclaim in the reconcile loop", (kind) => {
  let t: TTestDb;
  const tick = (now: Date) =>
    runReconcileTick(t.db.prisma, {
      holder: `fair-reclaim-${kind}`,
      silenceSeconds: 86_400,
      retryAfterSeconds: 0,
      reclaimGraceSeconds: GRACE,
      reclaimAfterSeconds: AFTER,
      now,
    });
  const submit = async (s: TWorkloadSpec) => {
    const caller = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.platform }));
    const { id } = await caller.workload.submit({ spec: s, asDraft: true });
    const w = await t.db.prisma.workload.update({
      where: { id },
      data: { state: "PENDING" },
      select: { createdAt: true },
    });
    return { id, at: w.createdAt.getTime() };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seed(t.db.prisma);
  });
  afterAll(() => t.cleanup());

  it("reclaims from the team over its fair share for a team under it, only after reclaimAfterSeconds", async () => {
    const x1 = await submit(spec("x-1", "team-x"));
    const x2 = await submit(spec("x-2", "team-x"));
    const placed = await tick(new Date(x2.at + 1_000));
    expect(placed.scheduled.sort()).toEqual([x1.id, x2.id].sort());

    const y = await submit(spec("y-1", "team-y"));
    // Y has waited less than reclaimAfterSeconds: no reclaim yet.
    const early = await tick(new Date(y.at + (AFTER - 10) * 1_000));
    expect(early.reclaimsStarted).toEqual([]);
    expect(await t.db.prisma.reclaim.count()).toBe(0);

    const due = await tick(new Date(y.at + (AFTER + 1) * 1_000));
    expect(due.reclaimsStarted).toHaveLength(1);
    const reclaim = await t.db.prisma.reclaim.findFirstOrThrow();
    // One of X's two jobs, never both: X keeps its fair 8 GPUs.
    expect([x1.id, x2.id]).toContain(reclaim.victimId);
    expect(reclaim).toMatchObject({ beneficiaryId: y.id, status: "GRACE", gpus: 8 });
    expect(reclaim.reason).toContain("team team-x");
    expect(reclaim.reason).toContain("team team-y");

    const done = await tick(new Date(y.at + (AFTER + GRACE + 2) * 1_000));
    expect(done.reclaimsFinished?.preempted).toEqual([reclaim.id]);
    const yState = await t.db.prisma.workload.findUniqueOrThrow({
      where: { id: y.id },
      select: { state: true },
    });
    expect(yState.state).toBe("SCHEDULED");
    // X, now at its fair share, is not reclaimed from again; the preempted job queues.
    const after = await tick(new Date(y.at + (AFTER + GRACE + 400) * 1_000));
    expect(after.reclaimsStarted).toEqual([]);
  });
});
