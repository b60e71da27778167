import { Readable } from "node:stream";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { getMetricsFromStream, type PromHistogramData, type PromMetrics } from "prom2javascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS_TOKEN_MIN_LENGTH } from "../src/auth/metrics-token.ts";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { runLoopTick } from "../src/observability/loop-tick.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { serveMetrics } from "../src/services/metrics.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const TOKEN = "m".repeat(METRICS_TOKEN_MIN_LENGTH + 8);

/**
 * The metrics as Prometheus would read them: prom2javascript parses every family (it
 * refuses a line it cannot parse). parse-prometheus-text-format, the older and more
 * downloaded parser, merges the series of a labelled histogram into one and drops their
 * `_sum` and `_count`, so it cannot check the latency histograms.
 */
async function parseMetrics(text: string): Promise<PromMetrics> {
  return getMetricsFromStream(Readable.from([text]));
}

type TSample = { labels: Record<string, string>; value: number };

function samples(metrics: PromMetrics, name: string): TSample[] {
  return (metrics[name]?.data ?? []) as TSample[];
}

/** The value of the one series of `name` whose labels include `labels` (0 when there is none). */
function sampleValue(metrics: PromMetrics, name: string, labels: Record<string, string> = {}): number {
  const matching = samples(metrics, name).filter((s) =>
    Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  expect(matching.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return matching[0]?.value ?? 0;
}

/** How many observations the histogram `name` holds for `labels` (0 when the series does not exist yet). */
function countOf(metrics: PromMetrics, name: string, labels: Record<string, string>): number {
  const series = (metrics[name]?.data ?? []) as PromHistogramData[];
  const found = series.find((s) => Object.entries(labels).every(([key, value]) => s.labels[key] === value));
  return found?.count ?? 0;
}

describeEachDb("GET /api/metrics", (kind) => {
  let t: TTestDb;
  const as = () => createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.engineer }));
  const scrape = async (
    authorization: string | null = `Bearer ${TOKEN}`,
    configured: string | null = TOKEN,
  ) =>
    serveMetrics(
      new Request("http://localhost:3000/api/metrics", {
        headers: authorization ? { authorization } : {},
      }),
      async () => t.db.prisma,
      configured,
    );
  const scrapeParsed = async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await response.text());
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    // Known rows on top of the demo estate: one site, three nodes, a pending approval request,
    // a webhook's deliveries.
    const site = await t.db.prisma.site.create({
      data: {
        slug: "metrics-lab",
        name: "Metrics lab",
        kind: "EDGE",
        provider: "edge",
        region: "eu-north",
        country: "SE",
        jurisdiction: "EU",
        certifications: [],
        wanGbps: 10,
        egressUsdPerGb: 0,
        carbonGPerKwh: 20,
        latitude: 59.3,
        longitude: 18.1,
      },
    });
    const node = (hostname: string, gpuModel: string, gpuCount: number, gpuAllocated: number) => ({
      siteId: site.id,
      hostname,
      gpuModel,
      gpuCount,
      gpuAllocated,
      gpuMemoryGib: 80,
      fabric: "lab",
      interconnect: "PCIe",
    });
    await t.db.prisma.gpuNode.createMany({
      data: [node("lab-1", "H100", 8, 5), node("lab-2", "H100", 4, 0), node("lab-3", "L4", 2, 1)],
    });
    // Heartbeats on the database's clock, as agents' are recorded.
    await t.db.prisma.$executeRaw`
      UPDATE "GpuNode" SET "lastHeartbeatAt" = now() - make_interval(secs => CASE "hostname" WHEN 'lab-1' THEN 90 ELSE 600 END)
       WHERE "siteId" = ${site.id} AND "hostname" IN ('lab-1', 'lab-2')`;
    await t.db.prisma.approvalRequest.create({
      data: {
        kind: "WORKLOAD_PLACEMENT",
        requestedById: USERS.engineer.id,
        summary: "metrics: a request nobody decided yet",
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const webhook = await t.db.prisma.webhook.create({
      data: { name: "metrics", url: "https://hooks.example.com/x", secret: "s", events: [] },
    });
    await t.db.prisma.webhookDelivery.createMany({
      data: [
        { webhookId: webhook.id, event: "workload.state_changed", payload: {}, status: "FAILED" },
        { webhookId: webhook.id, event: "workload.state_changed", payload: {}, status: "FAILED" },
        { webhookId: webhook.id, event: "approval.requested", payload: {}, status: "SUCCEEDED" },
      ],
    });
  });
  afterAll(() => t.cleanup());

  it("reports GPUs total and allocated by site, kind and model as the nodes table sums them", async () => {
    const metrics = await scrapeParsed();
    expect(metrics.switchyard_gpus_total?.type).toBe("gauge");
    // The known site, by hand.
    expect(
      sampleValue(metrics, "switchyard_gpus_total", { site: "metrics-lab", kind: "EDGE", model: "H100" }),
    ).toBe(12);
    expect(sampleValue(metrics, "switchyard_gpus_allocated", { site: "metrics-lab", model: "H100" })).toBe(5);
    expect(sampleValue(metrics, "switchyard_gpus_total", { site: "metrics-lab", model: "L4" })).toBe(2);
    expect(sampleValue(metrics, "switchyard_gpus_allocated", { site: "metrics-lab", model: "L4" })).toBe(1);
    // Every site and model, against the rows themselves.
    const nodes = await t.db.prisma.gpuNode.findMany({
      select: {
        gpuModel: true,
        gpuCount: true,
        gpuAllocated: true,
        site: { select: { slug: true, kind: true } },
      },
    });
    const expected = new Map<string, { total: number; allocated: number }>();
    for (const n of nodes) {
      const key = `${n.site.slug}|${n.site.kind}|${n.gpuModel}`;
      const sums = expected.get(key) ?? { total: 0, allocated: 0 };
      sums.total += n.gpuCount;
      sums.allocated += n.gpuAllocated;
      expected.set(key, sums);
    }
    const reported = (name: string) =>
      new Map(
        samples(metrics, name).map((s) => [`${s.labels.site}|${s.labels.kind}|${s.labels.model}`, s.value]),
      );
    expect(reported("switchyard_gpus_total")).toEqual(new Map([...expected].map(([k, v]) => [k, v.total])));
    expect(reported("switchyard_gpus_allocated")).toEqual(
      new Map([...expected].map(([k, v]) => [k, v.allocated])),
    );
    expect(expected.size).toBeGreaterThan(5);
  });

  it("reports workloads by state (every state, zero included), approvals pending and deliveries by status", async () => {
    const metrics = await scrapeParsed();
    const byState = await t.db.prisma.workload.groupBy({ by: ["state"], _count: { _all: true } });
    expect(samples(metrics, "switchyard_workloads")).toHaveLength(10);
    for (const s of samples(metrics, "switchyard_workloads")) {
      const row = byState.find((r) => r.state === s.labels.state);
      expect(s.value, s.labels.state).toBe(row?._count._all ?? 0);
    }
    expect(byState.length).toBeGreaterThan(2);
    const pending = await t.db.prisma.approvalRequest.count({ where: { status: "PENDING" } });
    expect(pending).toBeGreaterThan(0);
    expect(sampleValue(metrics, "switchyard_approvals_pending")).toBe(pending);
    expect(sampleValue(metrics, "switchyard_webhook_deliveries", { status: "FAILED" })).toBe(2);
    expect(sampleValue(metrics, "switchyard_webhook_deliveries", { status: "SUCCEEDED" })).toBe(1);
    expect(sampleValue(metrics, "switchyard_webhook_deliveries", { status: "PENDING" })).toBe(0);
    expect(sampleValue(metrics, "switchyard_estate_read_success")).toBe(1);
  });

  it("reports each site's agent last-seen as seconds since its newest heartbeat", async () => {
    const metrics = await scrapeParsed();
    const seconds = sampleValue(metrics, "switchyard_agent_last_seen_seconds", { site: "metrics-lab" });
    // lab-1 beat 90 s before the seeding; the scrape follows within the test's time limit.
    expect(seconds).toBeGreaterThanOrEqual(90);
    expect(seconds).toBeLessThan(90 + 60);
    const withHeartbeats = await t.db.prisma.gpuNode.findMany({
      where: { lastHeartbeatAt: { not: null } },
      distinct: ["siteId"],
      select: { site: { select: { slug: true } } },
    });
    expect(
      samples(metrics, "switchyard_agent_last_seen_seconds")
        .map((s) => s.labels.site)
        .sort(),
    ).toEqual(withHeartbeats.map((n) => n.site.slug).sort());
  });

  it("counts placement runs, decisions, REST requests and loop ticks as they happen", async () => {
    const before = await scrapeParsed();
    const decisionsBefore = await t.db.prisma.placementDecision.findMany({ select: { id: true } });

    const spec = {
      name: `metrics-${kind}`,
      kind: "BATCH_INFERENCE" as const,
      teamId: "team-applied-ml",
      gpu: { count: 1 },
      gpuModels: ["L4" as const],
      estimatedHours: 1,
    };
    await as().workload.preview(spec);
    await as().workload.submit({ spec, asDraft: false });
    const { secret } = await as().token.create({ name: "metrics-rest", scopes: ["read"] });
    const rest = await handleRestRequest(
      new Request("http://localhost:3000/api/v1/sites", { headers: { authorization: `Bearer ${secret}` } }),
      {
        prisma: t.db.prisma,
        resolveUser: async (request) => {
          const token = bearerTokenOf(request.headers.get("authorization"));
          return token ? resolveApiToken(t.db.prisma, token) : null;
        },
        rateLimit: { limit: 0, windowSeconds: 60 },
      },
    );
    expect(rest.status).toBe(200);
    await runLoopTick("reconcile", () =>
      runReconcileTick(t.db.prisma, { holder: `metrics-${kind}`, silenceSeconds: 86_400 }),
    );

    const after = await scrapeParsed();
    const delta = (read: (m: PromMetrics) => number) => read(after) - read(before);
    const placement = (operation: string) => (m: PromMetrics) =>
      countOf(m, "switchyard_placement_duration_seconds", { operation });
    expect(delta(placement("recommend"))).toBe(1);
    expect(delta(placement("place"))).toBeGreaterThanOrEqual(1);

    // Every decision stored since is counted once, under its outcome.
    const newDecisions = await t.db.prisma.placementDecision.findMany({
      where: { id: { notIn: decisionsBefore.map((d) => d.id) } },
      select: { feasible: true },
    });
    const stored = (feasible: boolean) => newDecisions.filter((d) => d.feasible === feasible).length;
    const decisions = (outcome: string) => (m: PromMetrics) =>
      sampleValue(m, "switchyard_placement_decisions_total", { outcome });
    expect(newDecisions.length).toBeGreaterThanOrEqual(1);
    expect(delta(decisions("feasible"))).toBe(stored(true));
    expect(delta(decisions("infeasible"))).toBe(stored(false));
    expect(delta(placement("place"))).toBe(newDecisions.length);

    const sitesRoute = { method: "GET", route: "/api/v1/sites", status: "200" };
    expect(delta((m) => sampleValue(m, "switchyard_http_requests_total", sitesRoute))).toBe(1);
    expect(
      delta((m) =>
        countOf(m, "switchyard_http_request_duration_seconds", { method: "GET", route: "/api/v1/sites" }),
      ),
    ).toBe(1);
    expect(delta((m) => countOf(m, "switchyard_loop_tick_duration_seconds", { loop: "reconcile" }))).toBe(1);
    // Each part of that tick once; replace only runs when nodes went down (none did).
    const phase = (name: string) => (m: PromMetrics) =>
      countOf(m, "switchyard_reconcile_phase_duration_seconds", { phase: name });
    for (const name of [
      "nodes-down",
      "reclaims",
      "fair-round",
      "round",
      "shares",
      "services",
      "prune",
      "approvals",
      "executors",
    ])
      expect(delta(phase(name)), name).toBe(1);
    expect(delta(phase("replace"))).toBe(0);

    // Each procedure is counted under its own name, tRPC and REST alike, with its result.
    const calls = (procedure: string, type: string, result: string) => (m: PromMetrics) =>
      sampleValue(m, "switchyard_procedure_calls_total", { procedure, type, result });
    expect(delta(calls("workload.preview", "mutation", "ok"))).toBe(1);
    expect(delta(calls("workload.submit", "mutation", "ok"))).toBe(1);
    expect(delta(calls("site.list", "query", "ok"))).toBe(1);
    expect(
      delta((m) => countOf(m, "switchyard_procedure_duration_seconds", { procedure: "site.list" })),
    ).toBe(1);
  });

  it("counts a refused procedure call under its error code", async () => {
    const before = await scrapeParsed();
    await expect(as().workload.byId({ id: "no-such-workload" })).rejects.toThrow();
    const after = await scrapeParsed();
    const notFound = { procedure: "workload.byId", type: "query", result: "NOT_FOUND" };
    expect(
      sampleValue(after, "switchyard_procedure_calls_total", notFound) -
        sampleValue(before, "switchyard_procedure_calls_total", notFound),
    ).toBe(1);
  });

  it("still answers 200 when the database cannot be opened, saying so in a gauge", async () => {
    const response = await serveMetrics(
      new Request("http://localhost:3000/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }),
      () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1")),
      TOKEN,
    );
    expect(response.status).toBe(200);
    const metrics = await parseMetrics(await response.text());
    expect(sampleValue(metrics, "switchyard_estate_read_success")).toBe(0);
    expect(samples(metrics, "switchyard_gpus_total")).toEqual([]);
    // The process's own metrics are still there.
    expect(metrics.switchyard_http_requests_total?.type).toBe("counter");
  });
});

describe("GET /api/metrics without a valid token", () => {
  const refused = async (authorization: string | null, configured: string | null = TOKEN) => {
    let opened = false;
    const response = await serveMetrics(
      new Request("http://localhost:3000/api/metrics", { headers: authorization ? { authorization } : {} }),
      async () => {
        opened = true;
        throw new Error("a refused scrape must not open the database");
      },
      configured,
    );
    const body = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="switchyard-metrics"');
    expect(body).not.toContain("switchyard_");
    expect(opened).toBe(false);
    return body.trim();
  };

  it("is 401 with a plain sentence: no header, another scheme, a wrong token, or metrics off", async () => {
    expect(await refused(null)).toBe("Send the metrics token as `Authorization: Bearer <token>`.");
    expect(await refused(`Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`)).toBe(
      "Send the metrics token as `Authorization: Bearer <token>`.",
    );
    expect(await refused(`Bearer ${TOKEN}x`)).toBe("This metrics token is not valid.");
    expect(await refused(`Bearer ${TOKEN.slice(1)}`)).toBe("This metrics token is not valid.");
    expect(await refused(`Bearer ${TOKEN}`, null)).toMatch(
      /^Metrics are off on this server: set SWITCHYARD_METRICS_TOKEN/,
    );
  });
});
