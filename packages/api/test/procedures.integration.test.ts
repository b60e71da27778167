import { readMigrationFiles } from "@switchyard/db/migrate";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { inferProcedureInput } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { type AppRouter, appRouter } from "../src/root.ts";
import { checkHealth } from "../src/services/health.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";

const createCaller = createCallerFactory(appRouter);
const VIEWER: TSessionUser = {
  id: "user-viewer",
  email: "viewer@switchyard.demo",
  name: "Val Viewer",
  role: "VIEWER",
};

describeEachDb("tRPC procedures", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("refuses every procedure without a session", async () => {
    await expect(as(null).overview.get()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(as(null).site.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(as(null).me.get()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("overview totals add up to the nodes in the database", async () => {
    const overview = await as(VIEWER).overview.get();
    const nodes = await t.db.prisma.gpuNode.aggregate({
      _sum: { gpuCount: true, gpuAllocated: true },
      _count: { _all: true },
    });
    const sum = (pick: (e: (typeof overview.gpusByEnvironment)[number]) => number) =>
      overview.gpusByEnvironment.reduce((a, e) => a + pick(e), 0);
    expect(overview.gpusByEnvironment.map((e) => e.kind)).toEqual(["ON_PREM", "CLOUD", "EDGE"]);
    expect(sum((e) => e.total)).toBe(nodes._sum.gpuCount);
    expect(sum((e) => e.allocated)).toBe(nodes._sum.gpuAllocated);
    expect(sum((e) => e.nodes)).toBe(nodes._count._all);
    for (const env of overview.gpusByEnvironment) {
      expect(env.allocated + env.free + env.unavailable).toBe(env.total);
      expect(env.free).toBeGreaterThan(0);
    }
    expect(overview.counts).toEqual({
      sites: await t.db.prisma.site.count(),
      nodes: nodes._count._all,
      datasets: await t.db.prisma.dataset.count(),
      workloads: await t.db.prisma.workload.count(),
    });
    expect(overview.workloadsByState.reduce((a, s) => a + s.count, 0)).toBe(overview.counts.workloads);
  });

  it("lists sites a page at a time, sorted and filtered on the server", async () => {
    const api = as(VIEWER);
    const first = await api.site.list({ pageSize: 5, sort: "name" });
    expect(first.total).toBe(18);
    expect(first.pages).toBe(4);
    expect(first.rows).toHaveLength(5);
    const names = first.rows.map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const last = await api.site.list({ pageSize: 5, page: 4 });
    expect(last.rows).toHaveLength(3);

    const edge = await api.site.list({ kind: "EDGE" });
    expect(edge.total).toBe(4);
    expect(edge.rows.every((r) => r.kind === "EDGE")).toBe(true);

    const frankfurt = await api.site.list({ search: "frankfurt" });
    expect(frankfurt.rows.map((r) => r.slug).sort()).toEqual(["aws-eu-central-1", "dc-frankfurt"]);
    const ashburn = (await api.site.list({ search: "dc-ashburn" })).rows[0];
    const held = await t.db.prisma.gpuNode.aggregate({
      where: { siteId: "site-dc-ashburn" },
      _sum: { gpuCount: true, gpuAllocated: true },
    });
    expect(ashburn).toMatchObject({ gpusTotal: held._sum.gpuCount, gpusAllocated: held._sum.gpuAllocated });
    expect(ashburn?.gpuModels).toEqual(["A100-80GB", "H100", "L40S"]);
  });

  it("names the field of a bad input", async () => {
    const input = { pageSize: 1000, sort: "price" } as unknown as inferProcedureInput<
      AppRouter["site"]["list"]
    >;
    const error = await as(VIEWER)
      .site.list(input)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const issues = (error as { cause: { issues: { path: string[] }[] } }).cause.issues.map((i) =>
      i.path.join("."),
    );
    expect(issues.sort()).toEqual(["pageSize", "sort"]);
  });

  it("tells who is signed in, with their teams", async () => {
    const me = await as({
      id: "user-engineer",
      email: "engineer@switchyard.demo",
      name: "Eli Engineer",
      role: "ML_ENGINEER",
    }).me.get();
    expect(me.teams.map((team) => team.slug)).toEqual(["applied-ml", "health-ai"]);
  });

  it("reports health: ok when migrated, degraded when a migration is pending", async () => {
    const ok = await checkHealth(async () => t.db);
    expect(ok).toMatchObject({
      status: "ok",
      database: { kind, reachable: true },
      migrations: { current: true, pending: [] },
    });
    await t.db.withSession((s) => s.exec(`UPDATE "_prisma_migrations" SET rolled_back_at = now()`));
    const pending = await checkHealth(async () => t.db);
    expect(pending).toMatchObject({
      status: "degraded",
      migrations: { current: false, pending: readMigrationFiles().map((m) => m.name) },
    });
    await t.db.withSession((s) => s.exec(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL`));
    const down = await checkHealth(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5999");
    });
    expect(down).toMatchObject({
      status: "degraded",
      database: { reachable: false, error: "connect ECONNREFUSED 127.0.0.1:5999" },
    });
  });
});
