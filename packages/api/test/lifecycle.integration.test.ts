import { createDb } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb, describeOnPostgres } from "@switchyard/db/testing/suites";
import { indexSnapshot } from "@switchyard/placement";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { loadSnapshot } from "../src/workloads/snapshot.ts";
import { approveAll } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const PLATFORM: TSessionUser = {
  id: "user-platform",
  email: "platform@switchyard.demo",
  name: "Pat",
  role: "PLATFORM_ENGINEER",
};
type TSpecInput = Omit<TWorkloadSpec, "deadline">;
const BASE: TSpecInput = {
  name: "job",
  kind: "FINE_TUNING",
  teamId: "team-applied-ml",
  gpu: { count: 8 },
  gpuModels: ["A100-80GB"],
  estimatedHours: 4,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: [],
  priority: 50,
  preemptible: false,
  dependsOn: [],
};

describeEachDb("workload lifecycle: data, pipelines, limits, the loop", (kind) => {
  let t: TTestDb;
  const api = () => createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
  const byId = (id: string) => api().workload.byId({ id });

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("copies missing data, waits for it, and registers the replica when it lands", async () => {
    // Only Ashburn holds the 70B checkpoints: running in Stockholm needs a copy.
    const { id } = await api().workload.submit({
      spec: {
        ...BASE,
        name: "eval-in-stockholm",
        datasetIds: ["dataset-llm-checkpoints-70b"],
        gpuModels: ["A100-80GB"],
        allowedKinds: ["ON_PREM"],
        policyProfile: "cost-first",
      },
    });
    const w = await byId(id);
    const stockholm = w.decision?.candidates.candidates.find((c) => c.siteId === "site-dc-stockholm");
    expect(stockholm?.cost.transfers.map((x) => x.datasetId)).toEqual(["dataset-llm-checkpoints-70b"]);
    await api().workload.schedule({
      id,
      decisionId: w.decision?.id ?? "",
      override: { siteId: "site-dc-stockholm", reason: "evaluate next to the Nordic team" },
    });
    // A copy from the US into the EU, away from the recommendation: a steward, then an admin.
    expect(await approveAll(t.db, id)).toEqual(["steward@switchyard.demo", "admin@switchyard.demo"]);
    const scheduled = await byId(id);
    expect(scheduled.transfers).toHaveLength(1);
    expect(scheduled.transfers[0]).toMatchObject({
      status: "PENDING",
      sourceSite: { name: "Ashburn DC (on-prem)" },
    });
    expect(scheduled.transfers[0]?.etaSeconds).toBeGreaterThan(0);
    await expect(api().workload.transition({ id, to: "RUNNING" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Waiting for data: 70B model checkpoints (pending).",
    });

    await api().workload.finishTransfer({ id: scheduled.transfers[0]?.id ?? "", outcome: "COMPLETED" });
    const replica = await t.db.prisma.datasetReplica.findUnique({
      where: { datasetId_siteId: { datasetId: "dataset-llm-checkpoints-70b", siteId: "site-dc-stockholm" } },
    });
    expect(replica?.status).toBe("AVAILABLE");
    await api().workload.transition({ id, to: "RUNNING" });
    expect((await byId(id)).state).toBe("RUNNING");
  });

  it("holds a pipeline step until its parent succeeds, then places it", async () => {
    const parent = await api().workload.submit({ spec: { ...BASE, name: "train-step" } });
    const child = await api().workload.submit({
      spec: {
        ...BASE,
        name: "serve-step",
        kind: "ONLINE_INFERENCE",
        gpu: { count: 1 },
        gpuModels: ["L4"],
        dependsOn: [parent.id],
      },
    });
    const waiting = await byId(child.id);
    expect(waiting.decision).toBeNull();
    expect(waiting.stateReason).toMatch(/^waiting for train-step \(PENDING\) to succeed/);
    const p = await byId(parent.id);
    await api().workload.schedule({ id: parent.id, decisionId: p.decision?.id ?? "" });
    await api().workload.transition({ id: parent.id, to: "RUNNING" });
    await api().workload.transition({ id: parent.id, to: "SUCCEEDED" });
    const placed = await byId(child.id);
    expect(placed.decision?.feasible).toBe(true);
  });

  it("shows the quota and the budget as reasons when they block", async () => {
    // Applied ML may hold 64 A100-80GB and already holds 16 (code-model-sft).
    const overQuota = await api().workload.submit({
      spec: { ...BASE, name: "too-much", gpu: { nodes: 7, gpusPerNode: 8 } },
    });
    expect((await byId(overQuota.id)).stateReason).toMatch(/quota/i);
    const overBudget = await api().workload.submit({ spec: { ...BASE, name: "too-dear", budgetUsd: 1 } });
    expect((await byId(overBudget.id)).stateReason).toMatch(/budget/i);
  });

  it("retries pending work in batch when capacity frees, and schedules it", async () => {
    // Only AWS Oregon sells H200: 8 nodes of 8. Two gangs of 5 cannot both fit.
    const h200 = {
      ...BASE,
      kind: "TRAINING" as const,
      teamId: "team-foundation-models",
      gpuModels: ["H200"],
      gpu: { nodes: 5, gpusPerNode: 8 },
    };
    const first = await api().workload.submit({ spec: { ...h200, name: "h200-first" } });
    const f = await byId(first.id);
    await api().workload.schedule({ id: first.id, decisionId: f.decision?.id ?? "" });
    const second = await api().workload.submit({ spec: { ...h200, name: "h200-second" } });
    expect((await byId(second.id)).decision?.feasible).toBe(false);

    const idle = await runReconcileTick(t.db.prisma, {
      holder: "test",
      silenceSeconds: 120,
      retryAfterSeconds: 0,
    });
    expect(idle.retried).toContain(second.id);
    expect(idle.scheduled).not.toContain(second.id);

    await api().workload.transition({ id: first.id, to: "CANCELLED", reason: "make room" });
    const report = await runReconcileTick(t.db.prisma, {
      holder: "test",
      silenceSeconds: 120,
      retryAfterSeconds: 0,
    });
    expect(report.scheduled).toContain(second.id);
    const done = await byId(second.id);
    expect(done.state).toBe("SCHEDULED");
    expect(done.site?.id).toBe("site-aws-us-west-2");
    expect(done.events.at(-1)?.actor).toBeNull();
  });

  it("marks a silent node DOWN and re-places its workload with a new, audited decision", async () => {
    const { id } = await api().workload.submit({ spec: { ...BASE, name: "on-a-dying-node" } });
    const w = await byId(id);
    await api().workload.schedule({ id, decisionId: w.decision?.id ?? "" });
    const nodeId = (await byId(id)).allocations[0]?.node.id ?? "";
    await t.db.prisma.gpuNode.update({
      where: { id: nodeId },
      data: { lastHeartbeatAt: new Date(Date.now() - 10 * 60_000) },
    });

    const report = await runReconcileTick(t.db.prisma, {
      holder: "test",
      silenceSeconds: 120,
      retryAfterSeconds: 0,
    });
    expect(report.nodesDown).toEqual([nodeId]);
    expect(report.replaced).toEqual([id]);
    const moved = await byId(id);
    expect(moved.state).toBe("SCHEDULED");
    expect(moved.allocations.map((a) => a.node.id)).not.toContain(nodeId);
    expect(moved.events.map((e) => e.toState)).toEqual(["PENDING", "SCHEDULED", "PENDING", "SCHEDULED"]);
    expect(moved.events[2]?.reason).toMatch(/stopped heartbeating/);
    expect((await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: nodeId } })).gpuAllocated).toBe(0);
    expect(
      await t.db.prisma.auditEvent.count({
        where: { action: "node.down", objectId: nodeId, actorLabel: "system:reconciler" },
      }),
    ).toBe(1);
  });
});

describeOnPostgres("the loop in several processes", () => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("handles each silent node and each workload once, whoever runs it", async () => {
    const api = createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = await api.workload.submit({ spec: { ...BASE, name: `replica-test-${i}` } });
      const w = await api.workload.byId({ id });
      await api.workload.schedule({ id, decisionId: w.decision?.id ?? "" });
      ids.push(id);
    }
    const nodes = await t.db.prisma.allocation.findMany({
      where: { workloadId: { in: ids }, status: "ACTIVE" },
      select: { nodeId: true },
    });
    await t.db.prisma.gpuNode.updateMany({
      where: { id: { in: nodes.map((n) => n.nodeId) } },
      data: { lastHeartbeatAt: new Date(Date.now() - 3_600_000) },
    });

    const processes = await Promise.all(
      [1, 2, 3].map(() => createDb({ kind: "postgres", url: t.url ?? "" })),
    );
    try {
      const reports = await Promise.all(
        processes.map((db, i) =>
          runReconcileTick(db.prisma, { holder: `replica-${i}`, silenceSeconds: 60, retryAfterSeconds: 0 }),
        ),
      );
      expect(reports.flatMap((r) => r.nodesDown).sort()).toEqual(
        [...new Set(nodes.map((n) => n.nodeId))].sort(),
      );
      expect(reports.flatMap((r) => r.replaced).sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all(processes.map((db) => db.close()));
    }
    for (const id of ids) {
      const decisions = await t.db.prisma.placementDecision.count({ where: { workloadId: id } });
      expect(decisions).toBe(2);
    }
    const overAllocated = await t.db.prisma.$queryRaw<
      { n: bigint }[]
    >`SELECT COUNT(*) AS n FROM "GpuNode" WHERE "gpuAllocated" > "gpuCount" OR "gpuAllocated" < 0`;
    expect(Number(overAllocated[0]?.n)).toBe(0);
  });

  it("reads one consistent snapshot while another process takes and gives back GPUs", async () => {
    const other = await createDb({ kind: "postgres", url: t.url ?? "" });
    const node = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { status: "READY", gpuAllocated: 0, gpuCount: { gte: 8 } },
    });
    const workload = await t.db.prisma.workload.findFirstOrThrow({ where: { state: "PENDING" } });
    let churning = true;
    // Each step is one transaction, as scheduling and releasing are: an allocation and the
    // node's counter change together, so only a snapshot read in pieces can see them disagree.
    const churn = (async () => {
      while (churning) {
        const allocation = await other.prisma.$transaction(async (tx) => {
          await tx.gpuNode.update({ where: { id: node.id }, data: { gpuAllocated: { increment: 8 } } });
          return tx.allocation.create({ data: { workloadId: workload.id, nodeId: node.id, gpus: 8 } });
        });
        await other.prisma.$transaction(async (tx) => {
          await tx.allocation.update({
            where: { id: allocation.id },
            data: { status: "RELEASED", releasedAt: new Date() },
          });
          await tx.gpuNode.update({ where: { id: node.id }, data: { gpuAllocated: { decrement: 8 } } });
        });
      }
    })();
    try {
      for (let i = 0; i < 300; i++) {
        const snapshot = await loadSnapshot(t.db.prisma);
        expect(() => indexSnapshot(snapshot)).not.toThrow();
      }
    } finally {
      churning = false;
      await churn;
      await other.close();
    }
  });
});
