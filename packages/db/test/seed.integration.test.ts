import { afterEach, expect, it } from "vitest";
import { GPU_MODELS } from "../src/catalog/gpu-models.ts";
import { verifyPassword } from "../src/password.ts";
import { DEMO_USERS, seedDemo } from "../src/seed/index.ts";
import { createTestDb, type TTestDb } from "../src/testing.ts";
import { describeEachDb } from "../src/testing-suites.ts";

describeEachDb("demo seed", (kind) => {
  let t: TTestDb;
  afterEach(() => t?.cleanup());

  it("builds the demo estate once, and a second run changes nothing", async () => {
    t = await createTestDb(kind);
    const first = await seedDemo(t.db);
    expect(first).toMatchObject({ seeded: true });
    const { prisma } = t.db;
    const counts = async () => ({
      sites: await prisma.site.groupBy({ by: ["kind"], _count: { _all: true }, orderBy: { kind: "asc" } }),
      nodes: await prisma.gpuNode.count(),
      users: await prisma.user.count(),
      workloads: await prisma.workload.count(),
      audit: await prisma.auditEvent.count(),
    });
    const before = await counts();
    expect(before.sites.map((s) => [s.kind, s._count._all])).toEqual([
      ["ON_PREM", 4],
      ["CLOUD", 10],
      ["EDGE", 4],
    ]);
    expect(before.nodes).toBeGreaterThan(300);
    expect(await seedDemo(t.db)).toEqual({ seeded: false, reason: "the database already has users" });
    expect(await counts()).toEqual(before);
  });

  it("seeds every classification, a user per role, quotas, and workloads in many states", async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const { prisma } = t.db;
    const classifications = await prisma.dataset.groupBy({ by: ["classification"], _count: { _all: true } });
    expect(classifications.map((c) => c.classification).sort()).toEqual([
      "CONFIDENTIAL",
      "INTERNAL",
      "PUBLIC",
      "REGULATED",
    ]);
    const roles = await prisma.user.groupBy({ by: ["role"], _count: { _all: true } });
    expect(roles.map((r) => r.role).sort()).toEqual([
      "ADMIN",
      "DATA_STEWARD",
      "ML_ENGINEER",
      "PLATFORM_ENGINEER",
      "VIEWER",
    ]);
    expect(await prisma.team.count()).toBeGreaterThanOrEqual(4);
    expect(await prisma.quota.count()).toBeGreaterThan(0);
    const states = await prisma.workload.groupBy({ by: ["state"], _count: { _all: true } });
    expect(states.length).toBeGreaterThanOrEqual(6);

    const admin = await prisma.user.findUniqueOrThrow({ where: { email: "admin@switchyard.demo" } });
    expect(await verifyPassword("switchyard", admin.passwordHash ?? "")).toBe(true);
    expect(DEMO_USERS.map((u) => u.email)).toContain("viewer@switchyard.demo");
  });

  it("keeps allocations and node counters consistent", async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const { prisma } = t.db;
    const held = await prisma.allocation.groupBy({
      by: ["nodeId"],
      where: { status: "ACTIVE" },
      _sum: { gpus: true },
    });
    expect(held.length).toBeGreaterThan(0);
    const nodes = await prisma.gpuNode.findMany({
      where: { gpuAllocated: { gt: 0 } },
      select: { id: true, gpuAllocated: true, gpuCount: true },
    });
    expect(new Map(nodes.map((n) => [n.id, n.gpuAllocated]))).toEqual(
      new Map(held.map((h) => [h.nodeId, h._sum.gpus])),
    );
    for (const node of nodes) expect(node.gpuAllocated).toBeLessThanOrEqual(node.gpuCount);
    // Cloud prices come from the real catalog: AWS us-east-1 sells H100 by the p5.48xlarge.
    const price = await prisma.sitePrice.findUniqueOrThrow({
      where: { siteId_gpuModel: { siteId: "site-aws-us-east-1", gpuModel: "H100" } },
    });
    expect(price.source).toContain("p5");
    const memories = await prisma.gpuNode.findMany({
      distinct: ["gpuModel"],
      select: { gpuModel: true, gpuMemoryGib: true },
    });
    for (const m of memories)
      expect(m.gpuMemoryGib).toBe(GPU_MODELS[m.gpuModel as keyof typeof GPU_MODELS].memoryGib);
  });

  it("writes nothing when it fails half-way", async () => {
    t = await createTestDb(kind);
    // A site that takes the slug the seed wants: its site insert fails after teams and
    // nodes would have been written, and the whole seed must roll back.
    await t.db.prisma.site.create({
      data: {
        slug: "dc-frankfurt",
        name: "Squatter",
        kind: "ON_PREM",
        provider: "x",
        region: "x",
        country: "DE",
        jurisdiction: "EU",
        certifications: [],
        wanGbps: 1,
        egressUsdPerGb: 0,
        carbonGPerKwh: 0,
        latitude: 0,
        longitude: 0,
      },
    });
    await expect(seedDemo(t.db)).rejects.toThrow();
    expect(await t.db.prisma.site.count()).toBe(1);
    expect(await t.db.prisma.gpuNode.count()).toBe(0);
    expect(await t.db.prisma.user.count()).toBe(0);
    expect(await t.db.prisma.auditEvent.count()).toBe(0);
  });
});
