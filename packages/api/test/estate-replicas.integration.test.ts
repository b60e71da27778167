/**
 * Three console processes on one PostgreSQL, each with its own in-memory estate (issue 16):
 * their decisions may be stale, their schedules never over-allocate. Each "process" is its own
 * PrismaClient, so its own connection pool and its own estate cache.
 */
import { createDb, type Db } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeOnPostgres } from "@switchyard/db/testing/suites";
import { indexSnapshot } from "@switchyard/placement";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AppError } from "../src/errors.ts";
import { estateCache } from "../src/estate/cache.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { placeOnEstate, scheduleWorkload } from "../src/workloads/service.ts";
import { loadSnapshot } from "../src/workloads/snapshot.ts";
import { overAllocations, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

const SPEC = {
  kind: "TRAINING",
  teamId: "team-applied-ml",
  gpuModels: ["A100-80GB"],
  estimatedHours: 2,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: ["ON_PREM"],
  priority: 55,
  preemptible: false,
  dependsOn: [],
} satisfies Omit<TWorkloadSpec, "name" | "gpu" | "deadline">;

const isCapacityConflict = (error: unknown) => {
  const cause = error instanceof AppError ? error : (error as { cause?: unknown }).cause;
  return cause instanceof AppError && (cause.code === "CAPACITY_EXCEEDED" || cause.code === "CONFLICT");
};

/** The team's quota (or the estate) is full: the decision found no site, a normal outcome. */
const isInfeasible = (error: unknown) => {
  const cause = error instanceof AppError ? error : (error as { cause?: unknown }).cause;
  return (
    cause instanceof AppError &&
    cause.code === "NO_FEASIBLE_PLACEMENT" &&
    cause.message === "no feasible candidate"
  );
};

describeOnPostgres("three console processes, three estates in memory", () => {
  let t: TTestDb;
  const processes: Db[] = [];
  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
    for (let i = 0; i < 3; i++) processes.push(await createDb({ kind: "postgres", url: t.url ?? "" }));
  });
  afterAll(async () => {
    for (const db of processes) await db.close();
    await t.cleanup();
  });

  it("a decision on a stale estate ends in a conflict, never an over-allocation", async () => {
    const [a, b] = processes as [Db, Db];
    const stale = await estateCache(a.prisma).current();
    const apiA = createCaller(createInnerContext({ prisma: a.prisma, user: USERS.platform }));
    const apiB = createCaller(createInnerContext({ prisma: b.prisma, user: USERS.platform }));
    const late = await apiA.workload.submit({
      spec: { ...SPEC, name: "late", gpu: { count: 8 } },
      asDraft: true,
    });
    await a.prisma.workload.update({ where: { id: late.id }, data: { state: "PENDING" } });

    // Process B takes every A100-80GB GPU on premises while A's estate stays as it was.
    let taken = 0;
    for (let i = 0; i < 40; i++) {
      const { id } = await apiB.workload.submit({
        spec: { ...SPEC, name: `hog-${i}`, gpu: { count: 8 } },
        asDraft: false,
      });
      // Refused once no site has 8 free GPUs left (no feasible candidate), or lost to a race.
      const scheduled = await apiB.workload.schedule({ id }).catch(() => null);
      if (!scheduled) break;
      taken++;
    }
    expect(taken).toBeGreaterThan(0);

    // A decides on its stale estate: a site with free GPUs, by its count. Scheduling refuses.
    const ctx = { prisma: a.prisma, user: USERS.platform, requestId: "stale" };
    const { placed } = await placeOnEstate(ctx, late.id, stale);
    expect(placed?.feasible).toBe(true);
    await expect(
      scheduleWorkload(ctx, { id: late.id, decisionId: placed?.decisionId }),
    ).rejects.toMatchObject({
      code: "CAPACITY_EXCEEDED",
    });
    expect(await overAllocations(t.db)).toEqual([]);
    // Placed again on the current estate, it finds no capacity: no feasible decision.
    const again = await placeOnEstate(ctx, late.id);
    expect(again.placed?.feasible).toBe(false);
  });

  it("interleaved schedules, releases and node changes from three processes never over-allocate", async () => {
    const apis = processes.map((db) =>
      createCaller(createInnerContext({ prisma: db.prisma, user: USERS.platform })),
    );
    const outcomes = { scheduled: 0, conflicts: 0 };
    // Free the estate first: every workload holding GPUs is cancelled.
    const holding = await t.db.prisma.workload.findMany({
      where: { state: { in: ["SCHEDULED", "RUNNING"] } },
    });
    for (const w of holding) await apis[0]?.workload.cancel({ id: w.id, reason: "start afresh" });

    const scheduler = async (index: number) => {
      const api = apis[index];
      if (!api) return;
      for (let n = 0; n < 12; n++) {
        try {
          const { id } = await api.workload.submit({
            spec: { ...SPEC, name: `p${index}-${n}`, gpu: { count: 1 + ((n + index) % 8) } },
            asDraft: false,
          });
          const scheduled = await api.workload.schedule({ id });
          if (scheduled.state !== "SCHEDULED") continue;
          outcomes.scheduled++;
          if (n % 3 === 0) await api.workload.cancel({ id, reason: "released" });
        } catch (error) {
          // Schedules that fall back to the next candidate (instead of a conflict) fill the
          // team's A100-80GB quota sooner: later submissions then find no site at all.
          if (isInfeasible(error)) continue;
          if (!isCapacityConflict(error)) throw error;
          outcomes.conflicts++;
        }
      }
    };
    // Meanwhile the third process cordons and uncordons A100-80GB nodes.
    const nodeChanger = async () => {
      const nodes = await t.db.prisma.gpuNode.findMany({
        where: { gpuModel: "A100-80GB" },
        select: { id: true },
      });
      for (let n = 0; n < 24; n++) {
        const node = nodes[n % nodes.length];
        if (!node) return;
        await processes[2]?.prisma.gpuNode.update({
          where: { id: node.id },
          data: { status: n % 2 === 0 ? "CORDONED" : "READY" },
        });
      }
    };
    await Promise.all([scheduler(0), scheduler(1), scheduler(2), nodeChanger()]);

    expect(outcomes.scheduled).toBeGreaterThan(0);
    expect(await overAllocations(t.db)).toEqual([]);
    // And every process's estate, brought up to date, is the database's.
    const truth = indexSnapshot(await loadSnapshot(t.db.prisma));
    for (const db of processes) {
      const estate = await estateCache(db.prisma).current();
      expect(estate.capacity).toEqual(truth.capacity);
      expect(estate.allocations).toEqual(truth.allocations);
      expect(estate.quotas).toEqual(truth.quotas);
      expect(estate.pools).toEqual(truth.pools);
    }
  });
});
