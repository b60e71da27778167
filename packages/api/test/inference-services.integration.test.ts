import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { inferProcedureInput } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { type AppRouter, appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const RESEARCHER: TSessionUser = {
  id: "user-researcher",
  email: "researcher@switchyard.demo",
  name: "Rae Researcher",
  role: "ML_ENGINEER",
};
const MODEL = "dataset-support-chat-v3";

type TCreate = inferProcedureInput<AppRouter["service"]["create"]>;
const CHAT: TCreate = {
  name: "support-chat",
  teamId: "team-health-ai",
  modelId: MODEL,
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

describeEachDb("inference services", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    // An unrestricted model artifact of the health team, stored at Ashburn and Frankfurt (so
    // that serving copies stay inside a jurisdiction and need no approval).
    await t.db.prisma.dataset.create({
      data: {
        id: MODEL,
        slug: "support-chat-v3",
        name: "support-chat",
        version: "v3",
        kind: "MODEL",
        sizeBytes: 16_000_000_000n,
        classification: "INTERNAL",
        ownerTeamId: "team-health-ai",
        replicas: {
          create: [
            { siteId: "site-dc-ashburn", sizeBytes: 16_000_000_000n },
            { siteId: "site-dc-frankfurt", sizeBytes: 16_000_000_000n },
          ],
        },
      },
    });
  });
  afterAll(() => t.cleanup());

  /** GPUs held (ACTIVE allocations) by the service's replicas, per workload. */
  async function held(serviceId: string) {
    const rows = await t.db.prisma.allocation.findMany({
      where: { status: "ACTIVE", workload: { serviceId } },
      select: { workloadId: true, gpus: true },
    });
    return rows.reduce((sum, r) => sum + r.gpus, 0);
  }

  it("creates a service with a proposal, and applying it schedules replicas holding real GPUs", async () => {
    const created = await as(USERS.engineer).service.create(CHAT);
    expect(created.feasible).toBe(true);
    expect(await t.db.prisma.workload.count({ where: { serviceId: created.id } })).toBe(0);
    const service = await as(USERS.engineer).service.byId({ id: created.id });
    expect(service.current).toBeNull();
    const proposal = service.proposal;
    if (!proposal) throw new Error("no proposal");
    expect(proposal.id).toBe(created.planId);
    expect(proposal.trigger).toBe("created");

    // Never covered beyond SLO or capacity.
    for (const region of proposal.regions) {
      const slo = CHAT.regions.find((r) => r.region === region.region);
      expect(region.status).toBe("covered");
      expect(region.servedRps).toBe(slo?.demandRps);
      for (const by of region.servedBy) expect(by.latencyMs).toBeLessThanOrEqual(slo?.maxLatencyMs ?? 0);
    }
    for (const replica of proposal.replicas) expect(replica.servedRps).toBeLessThanOrEqual(120);

    const applied = await as(USERS.engineer).service.applyPlan({ id: created.id, planId: proposal.id });
    expect(applied.shortfalls).toEqual([]);
    expect(applied.created).toHaveLength(proposal.replicas.length);
    // Each replica where the plan put it: scheduled there, holding its GPU, or (a copy of the
    // model into another jurisdiction) waiting for a steward's approval with nothing held yet.
    expect(applied.created.map((c) => c.siteId).sort()).toEqual(
      proposal.replicas.map((r) => r.siteId).sort(),
    );
    const scheduled = applied.created.filter((c) => c.state === "SCHEDULED");
    const waiting = applied.created.filter((c) => c.state === "AWAITING_APPROVAL");
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.length + waiting.length).toBe(applied.created.length);
    expect(await held(created.id)).toBe(scheduled.length);
    expect(
      await t.db.prisma.approvalRequest.count({ where: { workloadId: { in: waiting.map((w) => w.id) } } }),
    ).toBe(waiting.length);
    const replicas = await t.db.prisma.workload.findMany({
      where: { serviceId: created.id },
      select: { kind: true, state: true, datasets: { select: { datasetId: true } } },
    });
    expect(replicas.every((r) => r.kind === "ONLINE_INFERENCE" && r.datasets[0]?.datasetId === MODEL)).toBe(
      true,
    );
    // Serving copies of the model to replica sites without one are transfers.
    // (scheduled ones: an approval-gated replica copies nothing until it is approved).
    const elsewhere = scheduled.filter(
      (r) => r.siteId !== "site-dc-ashburn" && r.siteId !== "site-dc-frankfurt",
    ).length;
    const copies = await t.db.prisma.dataTransfer.count({
      where: { datasetId: MODEL, workload: { serviceId: created.id } },
    });
    expect(copies).toBe(elsewhere);

    const after = await as(USERS.engineer).service.byId({ id: created.id });
    expect(after.current?.id).toBe(proposal.id);
    expect(after.proposal).toBeNull();
    // A plan applies once.
    expect(
      await errorOf(as(USERS.engineer).service.applyPlan({ id: created.id, planId: proposal.id })),
    ).toMatchObject({
      code: "CONFLICT",
    });
    // The model lists the service that serves it.
    const model = await as(USERS.engineer).model.byId({ id: MODEL });
    expect(model.servedBy).toEqual([
      expect.objectContaining({ id: created.id, name: "support-chat", replicas: proposal.replicas.length }),
    ]);
    const list = await as(USERS.engineer).service.list({});
    expect(list.rows.find((r) => r.id === created.id)).toMatchObject({
      replicas: proposal.replicas.length,
      regionsCovered: 2,
      regionsTotal: 2,
      costUsdPerHour: proposal.costUsdPerHour,
    });
  });

  it("re-plans on a demand change, and applying the new plan cancels the replicas it drops", async () => {
    const { rows } = await as(USERS.engineer).service.list({ search: "support-chat" });
    const id = rows[0]?.id ?? "";
    const before = await held(id);
    const updated = await as(USERS.engineer).service.update({
      id,
      regions: [{ region: "us-east", demandRps: 100, maxLatencyMs: 30 }],
    });
    expect(updated.replanRequested).toBe(true);
    expect((await t.db.prisma.service.findUniqueOrThrow({ where: { id } })).replanReason).toBe(
      "demand changed",
    );
    const plan = await as(USERS.engineer).service.replan({ id });
    const service = await as(USERS.engineer).service.byId({ id });
    expect(service.proposal?.id).toBe(plan.id);
    expect(service.proposal?.replicas).toHaveLength(2); // minReplicas
    const live = await t.db.prisma.workload.count({
      where: { serviceId: id, state: { in: ["SCHEDULED", "AWAITING_APPROVAL"] } },
    });
    expect(before).toBeGreaterThan(2);
    const applied = await as(USERS.engineer).service.applyPlan({ id, planId: plan.id });
    expect(applied.cancelled.length).toBe(live - applied.kept.length);
    expect(applied.kept.length + applied.created.length).toBe(2);
    expect(await held(id)).toBeLessThanOrEqual(2);
    expect(
      await t.db.prisma.workload.count({
        where: { serviceId: id, state: { in: ["SCHEDULED", "AWAITING_APPROVAL"] } },
      }),
    ).toBe(2);
    const cancelled = await t.db.prisma.workload.findMany({ where: { id: { in: applied.cancelled } } });
    expect(cancelled.every((w) => w.state === "CANCELLED")).toBe(true);
  });

  it("refuses bad input with a 4xx naming the field", async () => {
    const engineer = as(USERS.engineer);
    const bad = async (input: TCreate) => errorOf(engineer.service.create(input));
    expect(
      await bad({ ...CHAT, name: "neg", regions: [{ region: "us-east", demandRps: -5, maxLatencyMs: 30 }] }),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["regions.0.demandRps"],
    });
    expect(await bad({ ...CHAT, name: "minmax", minReplicas: 5, maxReplicas: 2 })).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["minReplicas"],
    });
    const unknown = await bad({
      ...CHAT,
      name: "nowhere",
      regions: [{ region: "antarctica", demandRps: 5, maxLatencyMs: 30 }],
    });
    expect(unknown).toMatchObject({ code: "BAD_REQUEST", fields: ["regions.0.region"] });
    expect(unknown.message).toContain("antarctica");
    const notModel = await bad({ ...CHAT, name: "data", modelId: "dataset-eu-support-transcripts" });
    expect(notModel).toMatchObject({ code: "BAD_REQUEST", fields: ["modelId"] });
    expect(notModel.message).toContain("not a model");
    expect(await bad({ ...CHAT, name: "ghost", modelId: "dataset-none" })).toMatchObject({
      fields: ["modelId"],
    });
    expect(await bad(CHAT)).toMatchObject({ code: "CONFLICT", fields: ["name"] });
    const { rows } = await engineer.service.list({ search: "support-chat" });
    expect(await errorOf(engineer.service.update({ id: rows[0]?.id ?? "", minReplicas: 20 }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["minReplicas"],
    });
    expect(
      await t.db.prisma.service.count({
        where: { name: { in: ["neg", "minmax", "nowhere", "data", "ghost"] } },
      }),
    ).toBe(0);
  });

  it("lets the team and operators manage a service; others see it as missing or may not change it", async () => {
    const { rows } = await as(USERS.engineer).service.list({ search: "support-chat" });
    const id = rows[0]?.id ?? "";
    expect(await errorOf(as(RESEARCHER).service.byId({ id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(as(RESEARCHER).service.replan({ id }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(as(USERS.viewer).service.replan({ id }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await errorOf(as(RESEARCHER).service.create({ ...CHAT, name: "other-team" }))).toMatchObject({
      code: "FORBIDDEN",
      fields: ["teamId"],
    });
    const plan = await as(USERS.platform).service.replan({ id });
    expect(plan.feasible).toBe(true);
  });

  it("stops a service: its replicas are cancelled and their GPUs released", async () => {
    const { rows } = await as(USERS.engineer).service.list({ search: "support-chat" });
    const id = rows[0]?.id ?? "";
    const stopped = await as(USERS.engineer).service.stop({ id });
    expect(stopped.cancelled).toBe(2);
    expect(
      await t.db.prisma.approvalRequest.count({ where: { workload: { serviceId: id }, status: "PENDING" } }),
    ).toBe(0);
    expect(await held(id)).toBe(0);
    expect(await errorOf(as(USERS.engineer).service.replan({ id }))).toMatchObject({ code: "CONFLICT" });
  });

  it("replaces a replica on a failed node in the loop: an AUTO service re-plans and applies", async () => {
    const engineer = as(USERS.engineer);
    const created = await engineer.service.create({
      ...CHAT,
      name: "chat-auto",
      regions: [{ region: "us-east", demandRps: 200, maxLatencyMs: 30 }],
      applyMode: "AUTO",
    });
    await engineer.service.applyPlan({ id: created.id });
    const victim = await t.db.prisma.allocation.findFirstOrThrow({
      where: { status: "ACTIVE", workload: { serviceId: created.id } },
      select: { workloadId: true, nodeId: true },
    });
    const heldBefore = await held(created.id);
    // The node stops heartbeating.
    await t.db.prisma.gpuNode.update({
      where: { id: victim.nodeId },
      data: { lastHeartbeatAt: new Date(Date.now() - 3_600_000) },
    });
    const report = await runReconcileTick(t.db.prisma, { silenceSeconds: 120, holder: `svc-${kind}` });
    expect(report.nodesDown).toContain(victim.nodeId);
    // The replica failed (not re-placed on its own), the service was planned again and applied.
    expect(report.replaced).not.toContain(victim.workloadId);
    expect(report.services?.planned).toContain(created.id);
    expect(report.services?.applied).toContain(created.id);
    const failed = await t.db.prisma.workload.findUniqueOrThrow({ where: { id: victim.workloadId } });
    expect(failed.state).toBe("FAILED");
    const service = await engineer.service.byId({ id: created.id });
    expect(service.current?.trigger).toContain("failed");
    expect(service.replanReason).toBeNull();
    // As many GPUs held as before, none on the dead node.
    expect(await held(created.id)).toBe(heldBefore);
    expect(
      await t.db.prisma.allocation.count({
        where: { status: "ACTIVE", nodeId: victim.nodeId, workload: { serviceId: created.id } },
      }),
    ).toBe(0);
    await engineer.service.stop({ id: created.id });
  });

  it("records a proposal, without applying it, for a PROPOSE service whose replica failed", async () => {
    const engineer = as(USERS.engineer);
    const created = await engineer.service.create({ ...CHAT, name: "chat-propose" });
    await engineer.service.applyPlan({ id: created.id });
    const before = await t.db.prisma.workload.count({ where: { serviceId: created.id } });
    const replica = await t.db.prisma.workload.findFirstOrThrow({
      where: { serviceId: created.id, state: "SCHEDULED" },
    });
    await as(USERS.platform).workload.cancel({ id: replica.id, reason: "operator test" });
    // A cancelled replica is not a failure; a failed one is.
    await t.db.prisma.service.update({ where: { id: created.id }, data: { replanReason: null } });
    const other = await t.db.prisma.workload.findFirstOrThrow({
      where: { serviceId: created.id, state: "SCHEDULED" },
    });
    await as(USERS.platform).workload.transition({ id: other.id, to: "FAILED", reason: "crashed" });
    expect(
      (await t.db.prisma.service.findUniqueOrThrow({ where: { id: created.id } })).replanReason,
    ).toContain("failed");
    const report = await runReconcileTick(t.db.prisma, { silenceSeconds: 3_600, holder: `svc2-${kind}` });
    expect(report.services?.planned).toContain(created.id);
    expect(report.services?.applied).not.toContain(created.id);
    const service = await engineer.service.byId({ id: created.id });
    expect(service.proposal?.trigger).toContain("crashed");
    expect(await t.db.prisma.workload.count({ where: { serviceId: created.id } })).toBe(before);
    await engineer.service.stop({ id: created.id });
  });
});
