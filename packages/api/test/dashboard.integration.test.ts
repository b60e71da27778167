import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
import { dashboardWindow, getDashboard } from "../src/services/dashboard.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";
import { NOW, seedSpendEstate } from "./support/spend-estate.ts";

const createCaller = createCallerFactory(appRouter);
const WEEK = { from: new Date("2026-12-04T00:00:00Z"), to: new Date("2026-12-11T00:00:00Z") };

describeEachDb("overview dashboards", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedSpendEstate(t.db.prisma);
  });
  afterAll(() => t.cleanup());

  it("draws a week by the day and a day by the hour", () => {
    expect(dashboardWindow(WEEK, NOW)).toMatchObject({ bucket: "day", buckets: expect.any(Array) });
    expect(dashboardWindow(WEEK, NOW).buckets).toHaveLength(7);
    const day = dashboardWindow({ from: new Date("2026-12-09T12:30:00Z"), to: NOW }, NOW);
    expect(day.bucket).toBe("hour");
    expect(day.buckets[0]).toBe("2026-12-09T12:00:00.000Z");
    expect(day.buckets).toHaveLength(24);
  });

  it("GPUs allocated and free per environment over time, from the allocation history", async () => {
    const { gpus } = await getDashboard(t.db.prisma, WEEK, NOW);
    // Seven days, three environments; nothing after now.
    expect(gpus).toHaveLength(21);
    const at = (day: string, env: string) => gpus.find((p) => p.bucket.startsWith(day) && p.kind === env);
    // Beta held 2 on-prem H100 for 12 of Dec 9's 24 hours: 1 on average.
    expect(at("2026-12-09", "ON_PREM")).toMatchObject({ allocated: 1, free: 7, total: 8 });
    // Alpha holds 2 cloud A100 since 06:00 on Dec 10: 12 GPU-hours over the 12 hours gone.
    expect(at("2026-12-10", "CLOUD")).toMatchObject({ allocated: 1, free: 11, total: 12 });
    expect(at("2026-12-05", "CLOUD")).toMatchObject({ allocated: 0, free: 12, total: 12 });
    expect(at("2026-12-05", "EDGE")).toMatchObject({ allocated: 0, free: 0, total: 0 });
    const hourly = await getDashboard(t.db.prisma, { from: new Date("2026-12-09T12:00:00Z"), to: NOW }, NOW);
    const cloud = hourly.gpus.filter((p) => p.kind === "CLOUD").map((p) => p.allocated);
    expect(cloud).toEqual([...Array(18).fill(0), ...Array(6).fill(2)]);
  });

  it("spend by team, placements by environment, rejection reasons, approvals and site shares", async () => {
    const dashboard = await getDashboard(t.db.prisma, WEEK, NOW);
    expect(dashboard.spend).toEqual({
      teams: [
        { id: "team-alpha", name: "Alpha", totalUsd: 48 },
        { id: "team-beta", name: "Beta", totalUsd: 48 },
      ],
      points: [
        { bucket: "2026-12-09T00:00:00.000Z", teamId: "team-beta", totalUsd: 48 },
        { bucket: "2026-12-10T00:00:00.000Z", teamId: "team-alpha", totalUsd: 48 },
      ],
    });
    expect(dashboard.placements).toEqual([
      { bucket: "2026-12-09T00:00:00.000Z", kind: "ON_PREM", placements: 1 },
      { bucket: "2026-12-10T00:00:00.000Z", kind: "CLOUD", placements: 1 },
    ]);
    expect(dashboard.rejections).toEqual([
      { plugin: "gpu-model", message: "no H100 nodes", sites: 2, decisions: 2 },
      { plugin: "gpu-capacity", message: "no free A100-80GB x2", sites: 1, decisions: 1 },
    ]);
    expect(dashboard.approvals.count).toBe(3);
    expect(dashboard.approvals.oldest.map((a) => a.id)).toEqual(["ap-expired", "ap-older", "ap-waiting"]);
    // 6.5 days (156 h) up to now: dc offered 8 × 156 GPU-hours and 24 were held; cloud 12 × 156 and 12.
    expect(dashboard.sites).toEqual([
      {
        siteId: "dc",
        siteName: "Site dc",
        kind: "ON_PREM",
        share: 0.0192,
        gpuHours: 24,
        capacityGpuHours: 1248,
      },
      {
        siteId: "cloud",
        siteName: "Site cloud",
        kind: "CLOUD",
        share: 0.0064,
        gpuHours: 12,
        capacityGpuHours: 1872,
      },
    ]);
  });

  it("answers an empty range with empty series", async () => {
    const empty = await getDashboard(
      t.db.prisma,
      { from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-08T00:00:00Z") },
      NOW,
    );
    expect(empty.spend.points).toEqual([]);
    expect(empty.placements).toEqual([]);
    expect(empty.rejections).toEqual([]);
    // The nodes came on Nov 1: no capacity yet.
    expect(empty.gpus.every((p) => p.total === 0)).toBe(true);
    expect(empty.sites).toEqual([]);
  });

  it("refuses a backwards or too long range, naming the field", async () => {
    const as = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.viewer }));
    expect(await errorOf(as.overview.dashboard({ from: "2026-12-10", to: "2026-12-01" }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["to"],
    });
    expect(await errorOf(as.overview.dashboard({ from: "2020-01-01", to: "2026-12-01" }))).toMatchObject({
      fields: ["to"],
    });
    expect(await errorOf(as.overview.dashboard({ from: "yesterday", to: "2026-12-01" }))).toMatchObject({
      fields: ["from"],
    });
    // Text too long to be a date, at either end (the range check once called getTime on it).
    const long = "🙂".repeat(30);
    for (const [range, field] of [
      [{ from: long, to: "2026-12-01" }, "from"],
      [{ from: "2026-12-01", to: "x".repeat(1_000_000) }, "to"],
    ] as const)
      expect(await errorOf(as.overview.dashboard(range))).toMatchObject({
        code: "BAD_REQUEST",
        fields: [field],
        message: expect.stringContaining(`${field === "from" ? "From" : "To"} must be a date`),
      });
  });
});
