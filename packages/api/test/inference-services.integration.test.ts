import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { inferProcedureInput } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { planStoredService } from "../src/inference/plan.ts";
import { DEFAULT_REJECT_BACKOFF_SECONDS } from "../src/inference/rejections.ts";
import { systemActor } from "../src/lib/audited.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { type AppRouter, appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";
import { SUPPORT_CHAT_MODEL, storeSupportChatModel } from "./support/serving-model.ts";

const createCaller = createCallerFactory(appRouter);
const RESEARCHER: TSessionUser = {
  id: "user-researcher",
  email: "researcher@switchyard.demo",
  name: "Rae Researcher",
  role: "ML_ENGINEER",
};
const MODEL = SUPPORT_CHAT_MODEL;

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
    await storeSupportChatModel(t.db.prisma);
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
  /** The service's live replicas: id, state and site, sorted (what an apply may change). */
  async function liveReplicas(serviceId: string) {
    return t.db.prisma.workload.findMany({
      where: { serviceId, state: { in: ["PENDING", "AWAITING_APPROVAL", "SCHEDULED", "RUNNING"] } },
      select: { id: true, state: true, siteId: true },
      orderBy: { id: "asc" },
    });
  }

  it("re-plans a team at its quota limit keeping its replicas: their GPUs are not counted twice", async () => {
    const engineer = as(USERS.engineer);
    const created = await engineer.service.create({
      ...CHAT,
      name: "chat-quota",
      gpuModels: ["L4"],
      regions: [{ region: "us-east", demandRps: 200, maxLatencyMs: 30 }],
      minReplicas: 2,
      maxReplicas: 4,
    });
    const applied = await engineer.service.applyPlan({ id: created.id });
    expect(applied.created.every((c) => c.state === "SCHEDULED")).toBe(true);
    const before = await liveReplicas(created.id);
    expect(before).toHaveLength(2);
    // The team's L4 quota is set to exactly what it holds now, these replicas included.
    const rows = await t.db.prisma.allocation.findMany({
      where: { status: "ACTIVE", workload: { teamId: CHAT.teamId }, node: { gpuModel: "L4" } },
      select: { gpus: true },
    });
    const used = rows.reduce((sum, r) => sum + r.gpus, 0);
    expect(used).toBeGreaterThanOrEqual(2);
    await t.db.prisma.quota.create({
      data: { teamId: CHAT.teamId, gpuModel: "L4", guaranteedGpus: 0, limitGpus: used },
    });
    try {
      const plan = await engineer.service.replan({ id: created.id });
      expect(plan.feasible).toBe(true);
      const proposal = (await engineer.service.byId({ id: created.id })).proposal;
      expect(proposal?.replicas.map((r) => r.siteId).sort()).toEqual(before.map((r) => r.siteId).sort());
      const again = await engineer.service.applyPlan({ id: created.id, planId: plan.id });
      expect(again).toMatchObject({ created: [], cancelled: [] });
      expect(again.kept.sort()).toEqual(before.map((r) => r.id).sort());
      expect(await liveReplicas(created.id)).toEqual(before);
    } finally {
      await t.db.prisma.quota.delete({
        where: { teamId_gpuModel: { teamId: CHAT.teamId, gpuModel: "L4" } },
      });
      await engineer.service.stop({ id: created.id });
    }
  });

  it("applies a plan all or nothing: GPUs taken since the plan roll the whole apply back, and the loop re-plans", async () => {
    const engineer = as(USERS.engineer);
    const created = await engineer.service.create({
      ...CHAT,
      name: "chat-atomic",
      gpuModels: ["L4"],
      regions: [
        { region: "us-east", demandRps: 300, maxLatencyMs: 30 },
        { region: "eu-west", demandRps: 200, maxLatencyMs: 30 },
      ],
    });
    await engineer.service.applyPlan({ id: created.id });
    // Demand moves: eu-west's replicas are dropped, us-east needs more.
    await engineer.service.update({
      id: created.id,
      regions: [{ region: "us-east", demandRps: 700, maxLatencyMs: 30 }],
    });
    const plan = await engineer.service.replan({ id: created.id });
    const proposal = (await engineer.service.byId({ id: created.id })).proposal;
    if (!proposal) throw new Error("no proposal");
    const before = await liveReplicas(created.id);
    const heldBefore = await held(created.id);
    const wanted = new Map<string, number>();
    for (const r of proposal.replicas) wanted.set(r.siteId, (wanted.get(r.siteId) ?? 0) + 1);
    const growing = [...wanted].find(([site, n]) => n > before.filter((r) => r.siteId === site).length);
    if (!growing) throw new Error("the plan starts no replica");
    const [siteId] = growing;
    expect(before.some((r) => !wanted.has(r.siteId ?? ""))).toBe(true); // it also drops some
    const site = await t.db.prisma.site.findUniqueOrThrow({ where: { id: siteId } });
    // Between plan and apply, other work takes every L4 GPU at that site.
    const nodes = await t.db.prisma.gpuNode.findMany({
      where: { siteId, gpuModel: "L4" },
      select: { id: true, gpuAllocated: true },
    });
    await t.db.prisma
      .$executeRaw`UPDATE "GpuNode" SET "gpuAllocated" = "gpuCount" WHERE "siteId" = ${siteId} AND "gpuModel" = 'L4'`;
    try {
      const failed = await errorOf(engineer.service.applyPlan({ id: created.id, planId: plan.id }));
      expect(failed.code).toBe("CONFLICT");
      expect(failed.fields).toEqual(["planId"]);
      expect(failed.message).toContain(`a replica cannot start at ${site.name}`);
      expect(failed.message).toContain("Nothing was changed");
      // Nothing half-done: the same replicas, states and GPUs; no replica created or cancelled.
      expect(await liveReplicas(created.id)).toEqual(before);
      expect(await held(created.id)).toBe(heldBefore);
      expect(await t.db.prisma.workload.count({ where: { serviceId: created.id, state: "CANCELLED" } })).toBe(
        0,
      );
      const stored = await t.db.prisma.servicePlan.findUniqueOrThrow({ where: { id: plan.id } });
      expect(stored.status).toBe("PROPOSED");
      expect(stored.applyError).toContain(site.name);
      expect(stored.appliedAt).toBeNull();
      const service = await t.db.prisma.service.findUniqueOrThrow({ where: { id: created.id } });
      expect(service.replanReason).toContain(`plan ${plan.id} could not be applied`);
      expect(
        await t.db.prisma.auditEvent.count({
          where: { action: "service.apply_failed", objectId: created.id },
        }),
      ).toBe(1);
      expect(
        await t.db.prisma.auditEvent.count({ where: { action: "service.apply", objectId: created.id } }),
      ).toBe(1); // the first apply only: the failed one's entry rolled back with it
    } finally {
      for (const n of nodes)
        await t.db.prisma.gpuNode.update({ where: { id: n.id }, data: { gpuAllocated: n.gpuAllocated } });
    }
    // The loop plans it again; the new proposal applies in full.
    const report = await runReconcileTick(t.db.prisma, { silenceSeconds: 3_600, holder: `svc3-${kind}` });
    expect(report.services?.planned).toContain(created.id);
    const next = (await engineer.service.byId({ id: created.id })).proposal;
    expect(next?.trigger).toContain("could not be applied");
    expect((await t.db.prisma.servicePlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe(
      "SUPERSEDED",
    );
    const applied = await engineer.service.applyPlan({ id: created.id, planId: next?.id });
    expect(applied.created.length).toBeGreaterThan(0);
    expect(applied.kept.length + applied.created.length).toBe(next?.replicas.length);
    await engineer.service.stop({ id: created.id });
  });

  it("backs off a site whose data steward rejected the model's copy: the next plan avoids it and says why", async () => {
    const engineer = as(USERS.engineer);
    // Tokyo users: only Japanese sites are close enough, and the model lives in the US and
    // the EU, so a replica there copies it across a border: a data steward must approve.
    const created = await engineer.service.create({
      ...CHAT,
      name: "chat-tokyo",
      gpuModels: ["T4"],
      regions: [{ region: "ap-northeast", demandRps: 50, maxLatencyMs: 30 }],
      minReplicas: 1,
      maxReplicas: 2,
      applyMode: "AUTO",
    });
    const first = await engineer.service.applyPlan({ id: created.id });
    expect(first.created).toHaveLength(1);
    const replica = first.created[0];
    if (!replica) throw new Error("no replica");
    expect(replica.state).toBe("AWAITING_APPROVAL");
    const site = await t.db.prisma.site.findUniqueOrThrow({ where: { id: replica.siteId } });
    const request = await t.db.prisma.approvalRequest.findFirstOrThrow({
      where: { workloadId: replica.id, status: "PENDING" },
    });
    await as(USERS.steward).approval.decide({
      id: request.id,
      verdict: "REJECT",
      comment: "this model stays out of Japan",
    });
    const rejection = await t.db.prisma.serviceSiteRejection.findFirstOrThrow({
      where: { serviceId: created.id },
    });
    expect(rejection).toMatchObject({ siteId: site.id, modelId: MODEL, approvalRequestId: request.id });
    expect(
      await t.db.prisma.auditEvent.count({
        where: { action: "service.site_rejected", objectId: created.id },
      }),
    ).toBe(1);

    const report = await runReconcileTick(t.db.prisma, { silenceSeconds: 3_600, holder: `svc4-${kind}` });
    expect(report.services?.planned).toContain(created.id);
    expect(report.services?.applied).toContain(created.id);
    const service = await engineer.service.byId({ id: created.id });
    const plan = service.current;
    if (!plan) throw new Error("no plan in force");
    expect(plan.replicas.map((r) => r.siteId)).not.toContain(site.id);
    const until = new Date(rejection.rejectedAt.getTime() + DEFAULT_REJECT_BACKOFF_SECONDS * 1_000);
    const at = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    const why = `the data steward rejected copying the model to ${site.name} at ${at(rejection.rejectedAt)}; excluded until ${at(until)}`;
    expect(plan.explanation.rejected.find((r) => r.siteId === site.id)?.reasons[0]?.message).toBe(why);
    expect(plan.explanation.excluded).toEqual([expect.objectContaining({ siteId: site.id, reason: why })]);
    const audited = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "service.plan", objectId: created.id },
      orderBy: { seq: "desc" },
    });
    expect(JSON.stringify(audited.after)).toContain(why);
    // No second request to copy the model to the rejected site.
    expect(
      await t.db.prisma.approvalRequest.count({
        where: { workload: { serviceId: created.id }, siteId: site.id },
      }),
    ).toBe(1);
    // Once the back-off is over, the site may be planned again.
    const later = new Date(until.getTime() + 1_000);
    const ctx = { prisma: t.db.prisma, user: systemActor("test"), requestId: "test-backoff" };
    const replanned = await planStoredService(ctx, created.id, "back-off over", later);
    const stored = await t.db.prisma.servicePlan.findUniqueOrThrow({ where: { id: replanned.id } });
    expect((stored.explanation as { excluded: unknown[] }).excluded).toEqual([]);
    expect(JSON.stringify(stored.explanation)).not.toContain("excluded until");
    await engineer.service.stop({ id: created.id });
  });
});
