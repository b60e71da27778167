import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { TRegionCoverage, TServiceReplica } from "@switchyard/placement";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { seedDemoActivity } from "../src/demo/activity.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { loadSnapshot } from "../src/workloads/snapshot.ts";
import { restOptions } from "./authorization/rest.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const MUNICH = "site-edge-munich-factory";
const GCP = "site-gcp-europe-west4";

/**
 * The demo's inference service, defect-detector-eu (3 replicas on Munich's edge Jetsons for
 * eu-central within 8 ms, 2 on GCP europe-west4's L4s for eu-west within 10 ms), replayed by the
 * what-if planner's covering mode.
 */
describeEachDb("what-if: inference services", (kind) => {
  let t: TTestDb;
  let serviceId: string;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));
  const rowOf = <S extends { name: string }>(result: { services: S[] }) =>
    result.services.find((s) => s.name === "defect-detector-eu");

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    expect(await seedDemoActivity(t.db.prisma)).toEqual({ ran: true });
    serviceId = (await t.db.prisma.service.findFirstOrThrow({ where: { name: "defect-detector-eu" } })).id;
  });
  afterAll(() => t?.cleanup());

  it("replays an unchanged service exactly as its plan in force: no region lost, no move, no cost delta", async () => {
    const plan = await t.db.prisma.servicePlan.findFirstOrThrow({ where: { serviceId, status: "APPLIED" } });
    // A change the service cannot feel: Singapore's H100 price.
    const result = await as(USERS.platform).whatIf.preview({
      changes: [{ kind: "price", siteId: "site-dc-singapore", gpuModel: "H100", usdPerGpuHour: 1 }],
    });
    const row = rowOf(result);
    expect(row).toMatchObject({
      serviceId,
      teamName: "Vision at the Edge",
      lostRegions: [],
      replicasMoved: 0,
      moves: [],
      feasibleBefore: true,
      feasibleAfter: true,
      costDeltaUsdPerHour: 0,
      error: null,
    });
    expect(row?.summaryBefore).toBe(plan.summary);
    expect(row?.costBeforeUsdPerHour).toBe(Number(plan.costUsdPerHour));
    expect(row?.replicasBefore).toBe((plan.replicas as unknown as TServiceReplica[]).length);
    const byRegion = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(row?.regions.map((r) => [r.region, r.before.status, r.before.latencyMs]).sort(byRegion)).toEqual(
      (plan.regions as unknown as TRegionCoverage[])
        .map((r) => [r.region, r.status, r.latencyMs])
        .sort(byRegion),
    );
    // The replicas are the service's, not batch work: the workloads table leaves them out.
    const replicas = await t.db.prisma.workload.findMany({ where: { serviceId }, select: { name: true } });
    expect(replicas.length).toBeGreaterThan(0);
    expect(result.workloads.map((w) => w.name)).not.toContain(replicas[0]?.name);
  });

  it("draining the Munich site moves its replicas to GCP within the SLO, at a higher cost", async () => {
    const estate = await loadSnapshot(t.db.prisma);
    const result = await as(USERS.platform).whatIf.preview({
      changes: [{ kind: "drain", nodes: { siteId: MUNICH } }],
    });
    // Nothing in the estate changed.
    expect(await loadSnapshot(t.db.prisma)).toEqual(estate);
    const row = rowOf(result);
    // What the engine says: GCP europe-west4 is within eu-central's 8 ms too (at 8 ms), so the
    // three edge replicas move there and both regions stay within SLO, for more per hour.
    expect(row?.lostRegions).toEqual([]);
    expect(row?.moves).toEqual([
      {
        from: { siteId: MUNICH, siteName: expect.any(String) },
        to: { siteId: GCP, siteName: expect.any(String) },
        replicas: 3,
      },
    ]);
    expect(row?.replicasMoved).toBe(3);
    expect(row?.costDeltaUsdPerHour).toBeGreaterThan(0);
    const central = row?.regions.find((r) => r.region === "eu-central");
    expect(central?.before).toMatchObject({ status: "covered", latencyMs: 7 });
    expect(central?.after).toMatchObject({ status: "covered", latencyMs: 8 });
  });

  it("losing Munich and tightening eu-central's SLO below every site's latency loses the region, with the engine's reason", async () => {
    const result = await as(USERS.platform).whatIf.preview({
      changes: [
        { kind: "lose", nodes: { siteId: MUNICH } },
        // No site is within 1 ms of eu-central (the nearest are 2 ms away).
        { kind: "service-demand", serviceId, region: "eu-central", maxLatencyMs: 1 },
      ],
    });
    const row = rowOf(result);
    expect(row?.lostRegions.map((r) => r.region)).toEqual(["eu-central"]);
    const lost = row?.lostRegions[0];
    expect(lost?.after).toMatchObject({ status: "uncovered", servedRps: 0, maxLatencyMs: 1 });
    expect(lost?.reason).toMatch(/SLO|ms/);
    expect(row?.feasibleAfter).toBe(false);
    expect(row?.moves).toEqual([
      { from: { siteId: MUNICH, siteName: expect.any(String) }, to: null, replicas: 3 },
    ]);
  });

  it("raising demand past what maxReplicas serves loses a region's SLO", async () => {
    const result = await as(USERS.platform).whatIf.preview({
      changes: [{ kind: "service-demand", serviceId, region: "eu-central", demandRps: 720 }],
    });
    const row = rowOf(result);
    // 720 + 120 + 60 req/s need 15 replicas of 60 req/s; the service allows 12.
    // The engine spends the 12 on eu-central's 720 req/s; both smaller regions go unserved.
    expect(row?.lostRegions.map((r) => r.region).sort()).toEqual(["eu-north", "eu-west"]);
    for (const lost of row?.lostRegions ?? []) {
      expect(lost.after.status).not.toBe("covered");
      expect(lost.reason).toMatch(/maxReplicas \(12\) reached/);
    }
    expect(row?.replicasAfter).toBe(12);
    // The twelve run where they are cheapest for eu-central, so the hour may even cost less.
    expect(row?.costDeltaUsdPerHour).toBeCloseTo(
      (row?.costAfterUsdPerHour ?? 0) - (row?.costBeforeUsdPerHour ?? 0),
      2,
    );
  });

  it("refuses service changes naming the change and field, never with a 5xx", async () => {
    const unknown = await errorOf(
      as(USERS.platform).whatIf.preview({
        changes: [{ kind: "service-demand", serviceId: "svc-nowhere", region: "eu-west", demandRps: 10 }],
      }),
    );
    expect(unknown).toMatchObject({ code: "BAD_REQUEST", fields: ["changes.0.serviceId"] });
    expect(unknown.message).toMatch(
      /change 1 \(serviceId\): no active inference service with id 'svc-nowhere'/,
    );
    const region = await errorOf(
      as(USERS.platform).whatIf.preview({
        changes: [{ kind: "service-demand", serviceId, region: "ap-southeast", demandRps: 10 }],
      }),
    );
    expect(region).toMatchObject({ code: "BAD_REQUEST", fields: ["changes.0.region"] });
    expect(region.message).toMatch(
      /serves no region 'ap-southeast' \(it serves eu-central, eu-north, eu-west\)/,
    );
    const neither = await errorOf(
      as(USERS.platform).whatIf.preview({
        changes: [{ kind: "service-demand", serviceId, region: "eu-west" }],
      }),
    );
    expect(neither).toMatchObject({ code: "BAD_REQUEST", fields: ["changes.0.demandRps"] });

    const rest = await handleRestRequest(
      new Request("http://localhost/api/v1/what-if/preview", {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-session": USERS.platform.id },
        body: JSON.stringify({
          changes: [{ kind: "service-demand", serviceId, region: "eu-west", demandRps: -5 }],
        }),
      }),
      restOptions(t.db.prisma),
    );
    expect(rest.status).toBe(400);
    const body = (await rest.json()) as { error: { fieldErrors: Record<string, string[]> } };
    expect(body.error.fieldErrors).toEqual({ "changes.0.demandRps": ["Demand cannot be negative"] });
  });

  it("saves and re-runs a scenario with a service change; scenarios saved before services still run; scope applies", async () => {
    const saved = await as(USERS.platform).whatIf.save({
      name: "EU demand peak",
      changes: [{ kind: "service-demand", serviceId, region: "eu-west", demandRps: 300 }],
    });
    const run = await as(USERS.viewer).whatIf.run({ id: saved.id });
    expect(run.scenario.changes).toEqual([
      { kind: "service-demand", serviceId, region: "eu-west", demandRps: 300 },
    ]);
    const row = rowOf(run.result);
    expect(row?.regions.find((r) => r.region === "eu-west")?.after.demandRps).toBe(300);
    expect(row?.replicasAfter).toBeGreaterThan(row?.replicasBefore ?? 0);

    // A scenario row as saved before services existed: the changes JSON has none.
    const old = await t.db.prisma.scenario.create({
      data: {
        name: "old drain",
        changes: [{ kind: "drain", nodes: { siteId: MUNICH } }],
        createdById: USERS.admin.id,
      },
    });
    const oldRun = await as(USERS.platform).whatIf.run({ id: old.id });
    expect(rowOf(oldRun.result)?.replicasMoved).toBe(3);

    // The ML engineer is not in Vision at the Edge: the service is not in their answer.
    const mine = await as(USERS.engineer).whatIf.run({ id: old.id });
    expect(rowOf(mine.result)).toBeUndefined();

    // Over REST, the same section.
    const rest = await handleRestRequest(
      new Request(`http://localhost/api/v1/what-if/${old.id}/run`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-session": USERS.platform.id },
        body: "{}",
      }),
      restOptions(t.db.prisma),
    );
    expect(rest.status).toBe(200);
    const body = (await rest.json()) as { result: { services: { name: string; replicasMoved: number }[] } };
    expect(body.result.services.find((s) => s.name === "defect-detector-eu")?.replicasMoved).toBe(3);
  });
});
