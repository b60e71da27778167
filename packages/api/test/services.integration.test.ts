import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";

const createCaller = createCallerFactory(appRouter);
const ENGINEER: TSessionUser = {
  id: "user-engineer",
  email: "engineer@switchyard.demo",
  name: "Eli",
  role: "ML_ENGINEER",
};

const CHAT = {
  name: "support-chat",
  teamId: "team-health-ai",
  model: "llama-3.1-8b-instruct",
  gpu: { count: 1 },
  gpuModels: ["L4", "L40S"],
  replicaCapacityRps: 120,
  regions: [
    { region: "us-east", demandRps: 400, maxLatencyMs: 30 },
    { region: "eu-west", demandRps: 250, maxLatencyMs: 30 },
  ],
  minReplicas: 2,
  maxReplicas: 12,
};

describeEachDb("service plans", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("plans replicas that serve each region within its SLO, writing nothing", async () => {
    const before = await t.db.prisma.workload.count();
    const plan = await as(ENGINEER).service.plan(CHAT);
    expect(plan.feasible).toBe(true);
    expect(plan.servedRps).toBe(650);
    expect(plan.regions.map((r) => r.status)).toEqual(["covered", "covered"]);
    for (const replica of plan.replicas) {
      expect(replica.servedRps).toBeLessThanOrEqual(120);
      for (const share of replica.serves) expect(share.latencyMs).toBeLessThanOrEqual(30);
    }
    expect(plan.replicas.length).toBeGreaterThanOrEqual(Math.ceil(650 / 120));
    expect(plan.costUsdPerHour).toBe(
      plan.replicas.reduce((sum, r) => Math.round((sum + r.costUsd) * 100) / 100, 0),
    );
    expect(plan.rejected.length).toBeGreaterThan(0);
    expect(await t.db.prisma.workload.count()).toBe(before);
  });

  it("says why a region falls short", async () => {
    const plan = await as(ENGINEER).service.plan({
      ...CHAT,
      regions: [...CHAT.regions, { region: "antarctica", demandRps: 50, maxLatencyMs: 40 }],
    });
    expect(plan.feasible).toBe(false);
    expect(plan.regions[2]).toMatchObject({
      status: "uncovered",
      reason: "no site has latency data to antarctica users",
    });
  });

  it("refuses bad input with a message naming the field", async () => {
    await expect(as(ENGINEER).service.plan({ ...CHAT, minReplicas: 20 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("cannot exceed the maximum"),
    });
    await expect(as(ENGINEER).service.plan({ ...CHAT, gpuModels: ["H900"] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("unknown GPU model 'H900'"),
    });
    await expect(as(null).service.plan(CHAT)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
