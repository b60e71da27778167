import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";
import { SUPPORT_CHAT_MODEL, storeSupportChatModel } from "./support/serving-model.ts";

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
  modelId: SUPPORT_CHAT_MODEL,
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
    await storeSupportChatModel(t.db.prisma);
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
    expect(await errorOf(as(ENGINEER).service.plan({ ...CHAT, modelId: "dataset-nowhere" }))).toMatchObject({
      code: "BAD_REQUEST",
      message: "Model dataset-nowhere does not exist.",
      fields: ["modelId"],
    });
    expect(
      await errorOf(as(ENGINEER).service.plan({ ...CHAT, modelId: "dataset-eu-support-transcripts" })),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["modelId"] });
  });

  it("reads the model's rules as the service's own plan does: an EU-regulated model stays in the EU", async () => {
    // The demo's defect detector inherits the EU residency of the GDPR images it was trained on.
    const detector = {
      name: "defect-detector-us-eu",
      teamId: "team-vision-edge",
      modelId: "dataset-defect-detector-v1",
      gpu: { count: 1 },
      gpuModels: ["L4", "L40S", "A100-80GB"],
      replicaCapacityRps: 80,
      regions: [
        { region: "eu-west", demandRps: 120, maxLatencyMs: 40 },
        { region: "us-east", demandRps: 60, maxLatencyMs: 40 },
      ],
      minReplicas: 2,
      maxReplicas: 8,
    };
    const dryRun = await as(ENGINEER).service.plan(detector);
    const sites = await t.db.prisma.site.findMany({ select: { id: true, jurisdiction: true } });
    const jurisdiction = new Map(sites.map((s) => [s.id, s.jurisdiction]));
    expect(dryRun.replicas.length).toBeGreaterThan(0);
    for (const replica of dryRun.replicas) expect(jurisdiction.get(replica.siteId)).toBe("EU");
    expect(dryRun.regions.find((r) => r.region === "us-east")?.status).not.toBe("covered");
    expect(dryRun.feasible).toBe(false);
    // Ashburn has L4 and L40S nodes a free-named model would take for us-east: the model's
    // residency is why it is not used.
    const ashburn = dryRun.rejected.find((r) => r.siteId === "site-dc-ashburn");
    expect(JSON.stringify(ashburn)).toMatch(/residen/i);

    // The same service created: its first plan puts its replicas where the dry run did.
    const created = await as(USERS.platform).service.create({ ...detector, applyMode: "PROPOSE" });
    const stored = await as(USERS.platform).service.byId({ id: created.id });
    expect(stored.proposal?.replicas.map((r) => r.siteId).sort()).toEqual(
      dryRun.replicas.map((r) => r.siteId).sort(),
    );
    expect(stored.proposal?.costUsdPerHour).toBe(dryRun.costUsdPerHour);
    await as(USERS.platform).service.stop({ id: created.id });
  });
});
