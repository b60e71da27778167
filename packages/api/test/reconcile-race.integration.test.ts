import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { placeWorkload } from "../src/workloads/service.ts";
import { USERS } from "./helpers.ts";

/** Issue 11, row 13: work whose feasible decision lost a schedule race is not stranded. */
const createCaller = createCallerFactory(appRouter);

const SPEC: Omit<TWorkloadSpec, "deadline"> = {
  name: "racer",
  kind: "TRAINING",
  teamId: "team-applied-ml",
  gpu: { count: 8 },
  gpuModels: ["A100-80GB"],
  estimatedHours: 2,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: ["ON_PREM"],
  priority: 55,
  preemptible: false,
  dependsOn: [],
};

describe.each((await testDbKinds()).filter((k) => k === "postgres"))("lost schedule races [%s]", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("the loop places again the feasible PENDING work that lost a race, once GPUs are free", async () => {
    const api = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.platform }));
    const ctx = { prisma: t.db.prisma, user: USERS.platform, requestId: "race" };
    const racers: { id: string; decisionId: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const { id } = await api.workload.submit({ spec: { ...SPEC, name: `racer-${i}` }, asDraft: true });
      racers.push({ id, decisionId: "" });
    }
    // Every racer placed against the same free GPUs, then all scheduled at once.
    await t.db.prisma.workload.updateMany({
      where: { id: { in: racers.map((r) => r.id) } },
      data: { state: "PENDING" },
    });
    for (const r of racers) r.decisionId = (await placeWorkload(ctx, r.id))?.decisionId ?? "";
    expect(racers.every((r) => r.decisionId)).toBe(true);
    const results = await Promise.allSettled(
      racers.map((r) => api.workload.schedule({ id: r.id, decisionId: r.decisionId })),
    );
    const winners = racers.filter((_, i) => results[i]?.status === "fulfilled");
    const losers = racers.filter((_, i) => results[i]?.status === "rejected");
    expect(winners.length).toBeGreaterThan(0);
    expect(losers.length).toBeGreaterThan(0);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT" });

    // The winners finish: their GPUs are free again, and nobody schedules the losers by hand.
    for (const w of winners) await api.workload.transition({ id: w.id, to: "CANCELLED" });
    const report = await runReconcileTick(t.db.prisma, {
      silenceSeconds: 86_400,
      holder: "race-test",
      retryLimit: 100,
    });
    for (const l of losers) expect(report.retried).toContain(l.id);
    const rescheduled = await t.db.prisma.workload.count({
      where: { id: { in: losers.map((l) => l.id) }, state: "SCHEDULED" },
    });
    // At least the GPUs the winners gave back are used again (the losers had lost to the
    // winners on the same nodes, while other nodes stayed free).
    expect(rescheduled).toBeGreaterThanOrEqual(Math.min(losers.length, winners.length));
    // Nothing left PENDING behind a feasible proposal while GPUs it fits on are free.
    const stranded = await t.db.prisma.workload.count({
      where: {
        id: { in: losers.map((l) => l.id) },
        state: "PENDING",
        decisions: { some: { status: "PROPOSED", feasible: true } },
      },
    });
    expect(stranded).toBe(0);
  });
});
