import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { exportCsv } from "../src/exports.ts";
import { gpuHoursByBucket } from "../src/services/spend.ts";
import { teamSpend } from "../src/services/team-spend.ts";
import { USERS } from "./helpers.ts";
import { NOW, seedSpendEstate } from "./support/spend-estate.ts";

const figures = (gpuHours: number, gpuCostUsd: number, unpricedGpuHours = 0, egressUsd = 0) => ({
  gpuHours,
  gpuCostUsd,
  unpricedGpuHours,
  egressUsd,
  totalUsd: gpuCostUsd + egressUsd,
});
const none = figures(0, 0);

describeEachDb("spend from the allocation history", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedSpendEstate(t.db.prisma);
  });
  afterAll(() => t.cleanup());

  it("splits allocations over the days they overlap, priced at the site", async () => {
    const spend = await teamSpend(
      t.db.prisma,
      { teamId: "team-alpha", from: "2026-12-01", to: "2026-12-10" },
      NOW,
    );
    expect(spend.days).toHaveLength(10);
    expect(spend.days[0]).toEqual({ day: "2026-12-01", ...figures(8, 16) });
    expect(spend.days[1]).toEqual({ day: "2026-12-02", ...figures(16, 32, 0, 5.5) });
    expect(
      spend.days.slice(2, 9).every(({ day: _, ...f }) => JSON.stringify(f) === JSON.stringify(none)),
    ).toBe(true);
    // Still held: counted up to now, not to the end of the day.
    expect(spend.days[9]).toEqual({ day: "2026-12-10", ...figures(12, 48) });
    expect(spend.months).toEqual([{ month: "2026-12", ...figures(36, 96, 0, 5.5) }]);
    expect(spend.totals).toEqual(figures(36, 96, 0, 5.5));
    expect(spend.lines).toEqual([
      {
        siteId: "cloud",
        siteName: "Site cloud",
        siteKind: "CLOUD",
        gpuModel: "A100-80GB",
        ...figures(12, 48),
      },
      { siteId: "dc", siteName: "Site dc", siteKind: "ON_PREM", gpuModel: "H100", ...figures(24, 48) },
      {
        siteId: "cloud",
        siteName: "Site cloud",
        siteKind: "CLOUD",
        gpuModel: null,
        ...figures(0, 0, 0, 5.5),
      },
    ]);
  });

  it("reports GPU-hours without a price as unpriced, across months", async () => {
    const spend = await teamSpend(
      t.db.prisma,
      { teamId: "team-beta", from: "2026-11-30", to: "2026-12-10" },
      NOW,
    );
    expect(spend.months).toEqual([
      { month: "2026-11", ...figures(1, 0, 1) },
      { month: "2026-12", ...figures(25, 48, 1) },
    ]);
    expect(spend.lines.find((l) => l.siteId === "cloud")).toMatchObject({
      gpuModel: "H100",
      unpricedGpuHours: 2,
    });
  });

  it("counts an active allocation only up to now, and nothing in the future", async () => {
    const early = new Date("2026-12-10T08:30:00.000Z");
    const spend = await teamSpend(
      t.db.prisma,
      { teamId: "team-alpha", from: "2026-12-10", to: "2026-12-12" },
      early,
    );
    expect(spend.days.map((d) => d.gpuHours)).toEqual([5, 0, 0]);
  });

  it("buckets by the hour", async () => {
    const rows = await gpuHoursByBucket(t.db.prisma, {
      from: new Date("2026-12-01T21:00:00Z"),
      to: new Date("2026-12-02T00:00:00Z"),
      bucket: "hour",
      now: NOW,
    });
    expect(rows.map((r) => [r.bucket, r.teamId, r.gpuHours])).toEqual([
      ["2026-12-01T22:00:00.000Z", "team-alpha", 4],
      ["2026-12-01T23:00:00.000Z", "team-alpha", 4],
    ]);
  });

  it("exports showback per team and month as CSV, every page", async () => {
    const csv = await exportCsv(
      t.db.prisma,
      "showback",
      new URLSearchParams("team=team-alpha&month=2026-12"),
      USERS.viewer,
      {
        pageSize: 2,
        now: NOW,
      },
    );
    expect(parse(csv)).toEqual([
      [
        "team",
        "month",
        "site",
        "gpu_model",
        "gpu_hours",
        "gpu_cost_usd",
        "egress_cost_usd",
        "total_usd",
        "unpriced_gpu_hours",
      ],
      ["alpha", "2026-12", "Site cloud", "A100-80GB", "12", "48", "0", "48", "0"],
      ["alpha", "2026-12", "Site dc", "H100", "24", "48", "0", "48", "0"],
      ["alpha", "2026-12", "Site cloud", "", "0", "0", "5.5", "5.5", "0"],
    ]);
    const november = await exportCsv(
      t.db.prisma,
      "showback",
      new URLSearchParams("team=team-beta&month=2026-11"),
      USERS.viewer,
      {
        now: NOW,
      },
    );
    expect(parse(november).slice(1)).toEqual([
      ["beta", "2026-11", "Site cloud", "H100", "1", "0", "0", "0", "1"],
    ]);
  });

  it.each([
    ["month=2026-12", "team"],
    ["team=team-alpha&month=2026-13", "month"],
    ["team=team-alpha&month=December", "month"],
  ])("refuses a showback export with %s, naming %s", async (query, field) => {
    const error = await exportCsv(t.db.prisma, "showback", new URLSearchParams(query), USERS.viewer).catch(
      (e) => e,
    );
    expect([...new Set(error.issues?.map((i: { path: string[] }) => i.path.join(".")))]).toEqual([field]);
  });

  it("refuses an unknown team", async () => {
    await expect(
      teamSpend(t.db.prisma, { teamId: "nope", from: "2026-12-01", to: "2026-12-02" }, NOW),
    ).rejects.toThrow(/not found/);
  });
});
