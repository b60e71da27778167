import type { PrismaClient } from "@switchyard/db";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { readFairShareInputs } from "../src/fairshare/estate.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

/**
 * Two sites of one node each: 8 H100s ($2/GPU-hour) and 8 L4s ($0.50). Team A runs on 4 of the
 * H100s, team B on all 8 L4s. Counted per model (DRF), B's share is 1 and A's 0.5; counted in
 * classes where an H100 is 4 units and an L4 0.25, A holds 16 of 34 units and B 2.
 */
async function seedEstate(prisma: PrismaClient) {
  await prisma.user.createMany({
    data: [USERS.platform, USERS.engineer, USERS.viewer].map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
    })),
  });
  for (const [id, model] of [
    ["team-a", "H100"],
    ["team-b", "L4"],
  ] as const) {
    await prisma.team.create({
      data: {
        id,
        slug: id,
        name: id === "team-a" ? "Team A" : "Team B",
        quotas: { create: { gpuModel: model, guaranteedGpus: 0, limitGpus: 16 } },
      },
    });
  }
  for (const [id, model, price, memory] of [
    ["site-h100", "H100", 2, 80],
    ["site-l4", "L4", 0.5, 24],
  ] as const) {
    await prisma.site.create({
      data: {
        id,
        slug: id,
        name: id,
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
        prices: { create: { gpuModel: model, usdPerGpuHour: price, source: "test" } },
        nodes: {
          create: {
            id: `${id}-node`,
            hostname: `${id}-node`,
            gpuModel: model,
            gpuCount: 8,
            gpuMemoryGib: memory,
            fabric: "f1",
            interconnect: "PCIe",
            status: "READY",
          },
        },
      },
    });
  }
}

const spec = (name: string, teamId: string, model: string, count: number): TWorkloadSpec =>
  ({
    name,
    kind: "FINE_TUNING",
    teamId,
    gpu: { count },
    gpuModels: [model],
    estimatedHours: 2,
    datasetIds: [],
    requiredCertifications: [],
    allowedKinds: [],
    priority: 10,
    preemptible: false,
    dependsOn: [],
  }) as unknown as TWorkloadSpec;

describeEachDb("GPU classes", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  const submit = async (s: TWorkloadSpec) => {
    const { id } = await as(USERS.platform).workload.submit({ spec: s, asDraft: true });
    await t.db.prisma.workload.update({ where: { id }, data: { state: "PENDING" } });
    return id;
  };
  /** Queue positions of the given workloads, in the order given. */
  const positions = async (...ids: string[]) => {
    const queue = await as(USERS.viewer).fairShare.queue({});
    return ids.map((id) => queue.rows.find((r) => r.workloadId === id)?.position);
  };
  const shareOf = async (teamId: string) =>
    (await as(USERS.viewer).fairShare.queue({})).teams.find((x) => x.teamId === teamId)?.dominantShare;

  let fromA = "";
  let fromB = "";

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedEstate(t.db.prisma);
    const running = [
      await submit(spec("a-running", "team-a", "H100", 4)),
      await submit(spec("b-running", "team-b", "L4", 8)),
    ];
    const report = await runReconcileTick(t.db.prisma, {
      holder: `classes-${kind}`,
      silenceSeconds: 86_400,
      retryAfterSeconds: 0,
      now: new Date(),
    });
    expect(report.scheduled.sort()).toEqual(running.sort());
    // Both wait for capacity: A's 8 H100s do not fit beside its 4, B's L4 node is full.
    fromA = await submit(spec("a-waiting", "team-a", "H100", 8));
    fromB = await submit(spec("b-waiting", "team-b", "L4", 8));
  });
  afterAll(() => t.cleanup());

  it("counts shares per GPU model (DRF) while no class is set", async () => {
    const listed = await as(USERS.viewer).fairShare.gpuClasses();
    expect(listed).toMatchObject({ inEffect: false, classes: [], reference: "H100" });
    expect(listed.models).toEqual([
      { gpuModel: "H100", gpus: 8, medianUsdPerGpuHour: 2, suggestedUnits: 1 },
      { gpuModel: "L4", gpus: 8, medianUsdPerGpuHour: 0.5, suggestedUnits: 0.25 },
    ]);
    expect(await shareOf("team-a")).toBeCloseTo(0.5, 6);
    expect(await shareOf("team-b")).toBeCloseTo(1, 6);
    const [a, b] = await positions(fromA, fromB);
    expect(a).toBeLessThan(b ?? 0);
  });

  it("refuses bad classes naming the field, and lets only estate editors set them", async () => {
    const editor = as(USERS.platform);
    expect(
      await errorOf(editor.fairShare.setGpuClasses({ classes: [{ gpuModel: "H100", units: 0 }] })),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["classes.0.units"] });
    expect(
      await errorOf(
        editor.fairShare.setGpuClasses({
          classes: [
            { gpuModel: "H100", units: 1 },
            { gpuModel: "H100", units: 2 },
          ],
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["classes.1.gpuModel"] });
    const unknown = await errorOf(
      editor.fairShare.setGpuClasses({
        classes: [
          { gpuModel: "H100", units: 1 },
          { gpuModel: "H200", units: 1.4 },
        ],
      }),
    );
    expect(unknown).toMatchObject({ code: "NOT_FOUND", fields: ["classes.1.gpuModel"] });
    expect(unknown.message).toContain("H200");
    expect(await errorOf(editor.fairShare.setGpuClasses({ classes: "H100=1" } as never))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["classes"],
    });
    expect(
      await errorOf(
        as(USERS.engineer).fairShare.setGpuClasses({ classes: [{ gpuModel: "H100", units: 1 }] }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    // Nothing was written by a refused call.
    expect(await t.db.prisma.gpuClassUnit.count()).toBe(0);
    expect(await auditCount(t.db, "gpu-classes", "fair-share.gpu-classes.update")).toBe(0);
  });

  it("pools every model in class units once set: the fair order follows them", async () => {
    const saved = await as(USERS.platform).fairShare.setGpuClasses({
      classes: [
        { gpuModel: "L4", units: 0.25 },
        { gpuModel: "H100", units: 4 },
      ],
    });
    expect(saved.inEffect).toBe(true);
    expect(saved.classes.map((c) => [c.gpuModel, c.units])).toEqual([
      ["H100", 4],
      ["L4", 0.25],
    ]);
    expect((await readFairShareInputs(t.db.prisma)).tree.classUnits).toEqual({ H100: 4, L4: 0.25 });
    expect(await shareOf("team-a")).toBeCloseTo(16 / 34, 6);
    expect(await shareOf("team-b")).toBeCloseTo(2 / 34, 6);
    const [a, b] = await positions(fromA, fromB);
    expect(b).toBeLessThan(a ?? 0);
    expect(await auditCount(t.db, "gpu-classes", "fair-share.gpu-classes.update")).toBe(1);
  });

  it("turns classes off with an empty list", async () => {
    const cleared = await as(USERS.platform).fairShare.setGpuClasses({ classes: [] });
    expect(cleared).toMatchObject({ inEffect: false, classes: [] });
    expect((await readFairShareInputs(t.db.prisma)).tree.classUnits).toBeUndefined();
    const [a, b] = await positions(fromA, fromB);
    expect(a).toBeLessThan(b ?? 0);
    expect(await auditCount(t.db, "gpu-classes", "fair-share.gpu-classes.update")).toBe(2);
  });
});
