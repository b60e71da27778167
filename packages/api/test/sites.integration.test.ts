import { readFileSync } from "node:fs";
import { join } from "node:path";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { exportCsv } from "../src/exports.ts";
import { appRouter } from "../src/root.ts";
import type { TSiteInput } from "../src/router/site/site.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";

const createCaller = createCallerFactory(appRouter);
const user = (key: string, role: TSessionUser["role"]): TSessionUser => ({
  id: `user-${key}`,
  email: `${key}@switchyard.demo`,
  name: key,
  role,
});
const PLATFORM = user("platform", "PLATFORM_ENGINEER");
const ADMIN = user("admin", "ADMIN");
const VIEWER = user("viewer", "VIEWER");
const ENGINEER = user("engineer", "ML_ENGINEER");
const STEWARD = user("steward", "DATA_STEWARD");
const CATALOG = readFileSync(join(import.meta.dirname, "../../db/data/cloud-gpu-prices.csv"), "utf8");

const PARIS: TSiteInput = {
  slug: "dc-paris",
  name: "Paris DC",
  kind: "ON_PREM",
  provider: "onprem",
  region: "eu-west",
  country: "FR",
  jurisdiction: "EU",
  certifications: ["ISO27001", "GDPR"],
  wanGbps: 40,
  egressUsdPerGb: 0.01,
  carbonGPerKwh: 55,
  latitude: 48.86,
  longitude: 2.35,
  prices: [{ gpuModel: "H100", usdPerGpuHour: 1.9 }],
  latencies: [{ userRegion: "eu-west", latencyMs: 6 }],
};

describeEachDb("sites and the price catalog", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  const auditOf = (objectId: string) =>
    t.db.prisma.auditEvent.findMany({ where: { objectId }, orderBy: { seq: "asc" } });

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("filters by provider, country and status, and names a bad filter", async () => {
    const gcp = await as(VIEWER).site.list({ provider: "GCP" });
    expect(gcp.rows.map((r) => r.slug).sort()).toEqual([
      "gcp-asia-northeast1",
      "gcp-europe-west4",
      "gcp-us-central1",
    ]);
    const german = await as(VIEWER).site.list({ country: "de", sort: "kind" });
    expect(german.rows.map((r) => r.kind)).toEqual(["ON_PREM", "CLOUD", "CLOUD", "EDGE"]);
    await expect(as(VIEWER).site.list({ country: "Germany" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("two-letter"),
    });
  });

  it("shows a site with its pools, prices, latencies, workloads and replicas", async () => {
    const site = await as(VIEWER).site.byId({ id: "site-dc-ashburn" });
    expect(site.pools.find((p) => p.gpuModel === "H100" && p.status === "READY")?.nodes).toBeGreaterThan(40);
    expect(site.prices.map((p) => p.gpuModel)).toEqual(["A100-80GB", "H100", "L40S"]);
    expect(site.latencies[0]).toMatchObject({ userRegion: "us-east" });
    expect(site.activeWorkloads.map((w) => w.name)).toContain("pretrain-70b-r3");
    expect(site.replicas.map((r) => r.slug)).toContain("claims-2025");
    expect(site.capacity.gpusAllocated).toBeGreaterThan(0);
    await expect(as(VIEWER).site.byId({ id: "site-nowhere" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lets admins and platform engineers create a site, audited, and refuses everyone else", async () => {
    for (const u of [VIEWER, ENGINEER, STEWARD]) {
      await expect(as(u).site.create(PARIS)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(as(null).site.create(PARIS)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const created = await as(PLATFORM).site.create(PARIS);
    const site = await as(VIEWER).site.byId({ id: created.id });
    expect(site).toMatchObject({
      slug: "dc-paris",
      country: "FR",
      prices: [{ gpuModel: "H100", usdPerGpuHour: 1.9 }],
    });
    const [event] = await auditOf(created.id);
    expect(event).toMatchObject({ action: "site.create", actorId: "user-platform", objectType: "Site" });
    expect(event?.after).toMatchObject({
      slug: "dc-paris",
      prices: [{ gpuModel: "H100", usdPerGpuHour: 1.9 }],
    });
    await expect(as(ADMIN).site.create(PARIS)).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'A site with the slug "dc-paris" already exists.',
    });
  });

  it("names every bad field and writes nothing", async () => {
    const before = await t.db.prisma.site.count();
    const bad = {
      ...PARIS,
      slug: "Bad Slug",
      country: "France",
      prices: [{ gpuModel: "H900", usdPerGpuHour: -1 }],
    } as unknown as TSiteInput;
    type TZodFailure = { code: string; cause: { issues: { path: (string | number)[] }[] } };
    const error = (await as(ADMIN)
      .site.create(bad)
      .then(
        () => null,
        (e: unknown) => e,
      )) as TZodFailure | null;
    expect(error?.code).toBe("BAD_REQUEST");
    expect(error?.cause.issues.map((i) => i.path.join(".")).sort()).toEqual([
      "country",
      "prices.0.gpuModel",
      "prices.0.usdPerGpuHour",
      "slug",
    ]);
    expect(await t.db.prisma.site.count()).toBe(before);
  });

  it("updates prices with the before and after in the audit trail", async () => {
    const { id } = await t.db.prisma.site.findUniqueOrThrow({ where: { slug: "dc-paris" } });
    await as(ADMIN).site.update({
      id,
      data: {
        ...PARIS,
        prices: [
          { gpuModel: "H100", usdPerGpuHour: 1.75 },
          { gpuModel: "L40S", usdPerGpuHour: 0.7 },
        ],
      },
      status: "MAINTENANCE",
    });
    const site = await as(VIEWER).site.byId({ id });
    expect(site.status).toBe("MAINTENANCE");
    expect(site.prices.map((p) => [p.gpuModel, p.usdPerGpuHour])).toEqual([
      ["H100", 1.75],
      ["L40S", 0.7],
    ]);
    const events = await auditOf(id);
    const update = events.at(-1);
    expect(update?.action).toBe("site.update");
    expect(update?.before).toMatchObject({
      status: "ACTIVE",
      prices: [{ gpuModel: "H100", usdPerGpuHour: 1.9 }],
    });
    expect(update?.after).toMatchObject({
      status: "MAINTENANCE",
      prices: [
        { gpuModel: "H100", usdPerGpuHour: 1.75 },
        { gpuModel: "L40S", usdPerGpuHour: 0.7 },
      ],
    });
  });

  it("refuses to decommission a site that still runs work, naming the workloads", async () => {
    await expect(as(ADMIN).site.decommission({ id: "site-dc-ashburn" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(
        /^Ashburn DC \(on-prem\) still runs \d+ workloads \(.*pretrain-70b-r3.*\); move or finish them/,
      ),
    });
    expect((await t.db.prisma.site.findUniqueOrThrow({ where: { id: "site-dc-ashburn" } })).status).toBe(
      "ACTIVE",
    );
  });

  it("decommissions an idle site, cordons its nodes, and then refuses edits", async () => {
    const id = "site-aws-eu-west-1";
    await as(PLATFORM).site.decommission({ id });
    expect((await t.db.prisma.site.findUniqueOrThrow({ where: { id } })).status).toBe("DECOMMISSIONED");
    expect(await t.db.prisma.gpuNode.count({ where: { siteId: id, status: "READY" } })).toBe(0);
    expect((await auditOf(id)).at(-1)).toMatchObject({ action: "site.decommission" });
    const site = await as(VIEWER).site.byId({ id });
    await expect(as(ADMIN).site.update({ id, data: { ...PARIS, slug: site.slug } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("previews a catalog import without writing, imports it, and a second import changes nothing", async () => {
    await expect(as(VIEWER).catalog.preview({ csv: CATALOG })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const sitesBefore = await t.db.prisma.site.count();
    const plan = await as(PLATFORM).catalog.preview({ csv: CATALOG });
    expect(plan.errors).toEqual([]);
    expect(plan.rows).toBe(1394);
    expect(plan.summary.sitesToCreate).toBe(71 - 10);
    expect(plan.summary.pricesUnchanged).toBeGreaterThan(0);
    // The seeded AWS us-east-1 H100 price came from this catalog: unchanged.
    const awsUsEast = plan.sites.find((s) => s.slug === "aws-us-east-1");
    expect(awsUsEast?.prices.find((p) => p.gpuModel === "H100")?.action).toBe("unchanged");
    expect(await t.db.prisma.site.count()).toBe(sitesBefore);

    const applied = await as(PLATFORM).catalog.import({ csv: CATALOG, fileName: "cloud-gpu-prices.csv" });
    expect(applied.summary).toEqual(plan.summary);
    expect(await t.db.prisma.site.count()).toBe(sitesBefore + plan.summary.sitesToCreate);
    const tokyo = await t.db.prisma.site.findUniqueOrThrow({
      where: { slug: "aws-ap-northeast-1" },
      include: { prices: true },
    });
    expect(tokyo).toMatchObject({ kind: "CLOUD", country: "JP", jurisdiction: "JP" });
    expect(tokyo.prices.length).toBeGreaterThan(0);
    const milan = await t.db.prisma.site.findUniqueOrThrow({ where: { slug: "aws-eu-south-1" } });
    expect(milan.jurisdiction).toBe("EU");
    expect((await t.db.prisma.auditEvent.findFirst({ where: { action: "catalog.import" } }))?.actorId).toBe(
      "user-platform",
    );

    const again = await as(PLATFORM).catalog.import({ csv: CATALOG });
    expect(again.summary).toMatchObject({ sitesToCreate: 0, pricesToCreate: 0, pricesToUpdate: 0 });
  });

  it("updates a changed price, and refuses a file with a bad row whole, naming its line", async () => {
    const header = CATALOG.split("\n")[0];
    const h100 = CATALOG.split("\n").find(
      (line) => line.startsWith("aws,p5.48xlarge,H100,8,") && line.includes(",us-east-1,"),
    );
    const cheaper = h100?.replace(/,(\d+(\.\d+)?),(\d*(\.\d+)?),us-east-1,/, ",80.00,$3,us-east-1,");
    const plan = await as(ADMIN).catalog.import({ csv: `${header}\n${cheaper}\n` });
    expect(plan.summary).toMatchObject({ pricesToUpdate: 1, sitesToCreate: 0 });
    const price = await t.db.prisma.sitePrice.findUniqueOrThrow({
      where: { siteId_gpuModel: { siteId: "site-aws-us-east-1", gpuModel: "H100" } },
    });
    expect(Number(price.usdPerGpuHour)).toBe(10);

    const pricesBefore = await t.db.prisma.sitePrice.count();
    const bad = `${header}\n${h100?.replace("us-east-1", "mars-north-1")}\n${h100?.replace(",H100,8,", ",H100,eight,")}\n`;
    await expect(as(ADMIN).catalog.import({ csv: bad })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message:
        'Nothing was imported: 2 bad rows (line 2: region "mars-north-1" of aws is not in the region directory; line 3: accelerator_count must be a number).',
    });
    expect(await t.db.prisma.sitePrice.count()).toBe(pricesBefore);
    await expect(as(ADMIN).catalog.preview({ csv: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("The file is empty"),
    });
  });

  it("exports the filtered table as CSV, every page", async () => {
    const csv = await exportCsv(
      t.db.prisma,
      "sites",
      new URLSearchParams("kind=EDGE&sort=name&dir=desc"),
      VIEWER,
    );
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(
      "slug,name,kind,provider,region,country,jurisdiction,status,certifications,nodes,gpus_total,gpus_allocated,gpu_models,cheapest_usd_per_gpu_hour",
    );
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([
      "edge-tokyo-stores",
      "edge-sao-paulo",
      "edge-munich-factory",
      "edge-chicago-retail",
    ]);
    const all = await exportCsv(t.db.prisma, "sites", new URLSearchParams(), VIEWER);
    expect(all.trim().split("\n").length - 1).toBe(await t.db.prisma.site.count());
    await expect(exportCsv(t.db.prisma, "sites", new URLSearchParams("kind=MOON"), VIEWER)).rejects.toThrow();
  });
});
