import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { inferProcedureInput } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { type AppRouter, appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
type TCreate = inferProcedureInput<AppRouter["service"]["create"]>;

/** The demo's defect detector served to two European regions (its model is in the demo seed). */
const DETECTOR: TCreate = {
  name: "detector-map",
  teamId: "team-vision-edge",
  modelId: "dataset-defect-detector-v1",
  gpu: { count: 1 },
  gpuModels: ["L4", "L40S", "A100-80GB"],
  replicaCapacityRps: 80,
  regions: [
    { region: "eu-west", demandRps: 120, maxLatencyMs: 40 },
    { region: "eu-central", demandRps: 60, maxLatencyMs: 40 },
  ],
  minReplicas: 1,
  maxReplicas: 6,
};

describeEachDb("user regions", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  /** GET through the real REST handler, signed in as `user` (the console's session stands in for a token). */
  async function get(path: string, user: TSessionUser | null) {
    const response = await handleRestRequest(new Request(`http://localhost:3000/api/v1${path}`), {
      prisma: t.db.prisma,
      baseUrl: "http://localhost:3000",
      resolveUser: async () => user,
      rateLimit: { limit: 0, windowSeconds: 60 },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("lists the demo estate's eight user regions with coordinates, to every role, over tRPC and REST", async () => {
    const page = await as(USERS.viewer).userRegion.list({ pageSize: 200 });
    expect(page.total).toBe(8);
    expect(page.rows.map((r) => r.name)).toEqual([
      "ap-northeast",
      "ap-southeast",
      "eu-central",
      "eu-north",
      "eu-west",
      "sa-east",
      "us-east",
      "us-west",
    ]);
    const sites = await t.db.prisma.site.count();
    expect(page.rows.find((r) => r.name === "eu-west")).toMatchObject({
      label: "Europe West (London)",
      latitude: 51.51,
      longitude: -0.13,
      sitesWithLatency: sites,
    });

    const rest = await get("/user-regions?limit=3", USERS.engineer);
    expect(rest.status).toBe(200);
    expect(rest.body.total).toBe(8);
    expect((rest.body.rows as { name: string }[]).map((r) => r.name)).toEqual([
      "ap-northeast",
      "ap-southeast",
      "eu-central",
    ]);
    expect(rest.body.nextCursor).toEqual(expect.any(String));
    const next = await get(`/user-regions?limit=3&cursor=${rest.body.nextCursor}`, USERS.engineer);
    expect((next.body.rows as { name: string }[]).map((r) => r.name)).toEqual([
      "eu-north",
      "eu-west",
      "sa-east",
    ]);
    expect((await get("/user-regions", null)).status).toBe(401);
  });

  it("refuses a service region that is not a known user region, naming the field, even with latency data to it", async () => {
    // Sites have latencies to me-central, but nobody has said where it is: not a user region.
    await t.db.prisma.siteLatency.create({
      data: { siteId: "site-dc-frankfurt", userRegion: "me-central", latencyMs: 35 },
    });
    const refused = await errorOf(
      as(USERS.platform).service.create({
        ...DETECTOR,
        name: "detector-me",
        regions: [...DETECTOR.regions, { region: "me-central", demandRps: 10, maxLatencyMs: 40 }],
      }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", fields: ["regions.2.region"] });
    expect(refused.message).toContain("me-central");
    expect(await t.db.prisma.service.count({ where: { name: "detector-me" } })).toBe(0);

    // Once it is a user region, the same request is accepted.
    await t.db.prisma.userRegion.create({
      data: { name: "me-central", label: "Middle East (Dubai)", latitude: 25.2, longitude: 55.27 },
    });
    const created = await as(USERS.platform).service.create({
      ...DETECTOR,
      name: "detector-me",
      regions: [...DETECTOR.regions, { region: "me-central", demandRps: 10, maxLatencyMs: 40 }],
    });
    expect(created.id).toEqual(expect.any(String));
  });

  it("gives a service's page where its regions and replica sites are, naming regions without coordinates", async () => {
    const created = await as(USERS.platform).service.create(DETECTOR);
    // A region stored before user regions were data (no row): it is named, not dropped.
    await t.db.prisma.serviceRegion.create({
      data: { serviceId: created.id, region: "legacy-north", demandRps: 5, maxLatencyMs: 50 },
    });
    const service = await as(USERS.platform).service.byId({ id: created.id });
    expect(service.geo.regions.map((r) => [r.name, r.latitude, r.longitude])).toEqual([
      ["eu-central", 50.11, 8.68],
      ["eu-west", 51.51, -0.13],
    ]);
    expect(service.geo.regionsWithoutCoordinates).toEqual(["legacy-north"]);
    const planSites = [...new Set(service.proposal?.replicas.map((r) => r.siteId))].sort();
    expect(planSites.length).toBeGreaterThan(0);
    expect(service.geo.sites.map((s) => s.id).sort()).toEqual(planSites);
    const stored = await t.db.prisma.site.findMany({ where: { id: { in: planSites } } });
    for (const site of service.geo.sites)
      expect(site).toMatchObject({
        latitude: stored.find((s) => s.id === site.id)?.latitude,
        longitude: stored.find((s) => s.id === site.id)?.longitude,
      });
  });
});
