import { DeliveryStatus, type PrismaClient, WorkloadState } from "@switchyard/db";
import { Gauge, Registry } from "prom-client";
import { metricsRefusal, metricsTokenFromEnv } from "../auth/metrics-token.ts";

import { consistentRead } from "../lib/consistent-read.ts";
import { logger } from "../observability/logger.ts";
import { answerMetricsRequests, workersProcessMetrics } from "../observability/worker-metrics.ts";

/** Read at start (apps/web's instrumentation) so a bad token stops the console there. */
export { metricsTokenFromEnv } from "../auth/metrics-token.ts";
/** Installed at start in each worker of a console run with SWITCHYARD_WORKERS > 1. */
export { answerMetricsRequests };

/** The estate as the gauges report it: a few GROUP BY queries, read as of one moment. */
export type TEstateReading = {
  gpus: { site: string; kind: string; model: string; total: number; allocated: number }[];
  workloads: TCount[];
  approvalsPending: number;
  deliveries: TCount[];
  agentsLastSeen: { site: string; seconds: number }[];
};

type TCount = { value: string; count: number };

/** A count for every value of an enum, zero included: a series that vanishes reads as "no data". */
function countEvery<R extends { _count: { _all: number } }>(
  values: readonly string[],
  rows: R[],
  keyOf: (row: R) => string,
): TCount[] {
  return values.map((value) => ({
    value,
    count: rows.find((row) => keyOf(row) === value)?._count._all ?? 0,
  }));
}

export async function readEstate(prisma: PrismaClient): Promise<TEstateReading> {
  return consistentRead(prisma, async (tx) => {
    const gpus = await tx.$queryRaw<TEstateReading["gpus"]>`
      SELECT s."slug" AS "site", s."kind"::text AS "kind", n."gpuModel" AS "model",
             SUM(n."gpuCount")::int AS "total", SUM(n."gpuAllocated")::int AS "allocated"
        FROM "GpuNode" n JOIN "Site" s ON s."id" = n."siteId"
       GROUP BY s."slug", s."kind", n."gpuModel"`;
    const workloads = await tx.workload.groupBy({ by: ["state"], _count: { _all: true } });
    const approvalsPending = await tx.approvalRequest.count({ where: { status: "PENDING" } });
    const deliveries = await tx.webhookDelivery.groupBy({ by: ["status"], _count: { _all: true } });
    // Seconds on the database's clock, the one heartbeats are compared with (reconcile.ts).
    const agentsLastSeen = await tx.$queryRaw<TEstateReading["agentsLastSeen"]>`
      SELECT s."slug" AS "site", EXTRACT(EPOCH FROM now() - MAX(n."lastHeartbeatAt"))::float8 AS "seconds"
        FROM "GpuNode" n JOIN "Site" s ON s."id" = n."siteId"
       WHERE n."lastHeartbeatAt" IS NOT NULL
       GROUP BY s."slug"`;
    return {
      gpus,
      workloads: countEvery(Object.values(WorkloadState), workloads, (row) => row.state),
      approvalsPending,
      deliveries: countEvery(Object.values(DeliveryStatus), deliveries, (row) => row.status),
      agentsLastSeen,
    };
  });
}

/**
 * The estate's gauges for one scrape, in a registry of their own: each gauge's collect()
 * awaits one shared reading of the database, started by the first of them, so a scrape runs
 * the queries once and a gauge never shows a number from an earlier scrape. A database that
 * cannot be read leaves the gauges out and sets switchyard_estate_read_success to 0; the
 * process's own metrics are still served.
 */
function estateRegistry(prisma: () => Promise<PrismaClient>): Registry {
  const registry = new Registry();
  let reading: Promise<TEstateReading | null> | null = null;
  const read = () => {
    reading ??= (async () => readEstate(await prisma()))().catch((error: unknown) => {
      logger().warn({ err: error }, "metrics: the estate could not be read from the database");
      return null;
    });
    return reading;
  };
  const registers = [registry];
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, estate: TEstateReading) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const estate = await read();
        if (estate) fill(this, estate);
      },
    });

  const GPU_GAUGES = [
    { name: "switchyard_gpus_total", help: "GPUs of the nodes of each site, by GPU model.", field: "total" },
    {
      name: "switchyard_gpus_allocated",
      help: "GPUs held by workloads, by site and GPU model.",
      field: "allocated",
    },
  ] as const;
  for (const { name, help, field } of GPU_GAUGES) {
    gauge(name, help, ["site", "kind", "model"], (g, e) => {
      for (const row of e.gpus) g.set({ site: row.site, kind: row.kind, model: row.model }, row[field]);
    });
  }
  gauge("switchyard_workloads", "Workloads by state.", ["state"], (g, e) => {
    for (const row of e.workloads) g.set({ state: row.value }, row.count);
  });
  gauge("switchyard_approvals_pending", "Approval requests waiting for a decision.", [], (g, e) => {
    g.set(e.approvalsPending);
  });
  gauge("switchyard_webhook_deliveries", "Webhook deliveries by status.", ["status"], (g, e) => {
    for (const row of e.deliveries) g.set({ status: row.value }, row.count);
  });
  gauge(
    "switchyard_agent_last_seen_seconds",
    "Seconds since the most recent heartbeat of any node of the site (sites with heartbeats only).",
    ["site"],
    (g, e) => {
      for (const row of e.agentsLastSeen) g.set({ site: row.site }, row.seconds);
    },
  );
  new Gauge({
    name: "switchyard_estate_read_success",
    help: "1 when this scrape read the estate from the database, 0 when it could not.",
    registers,
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  return registry;
}

/**
 * The metrics in Prometheus's text format: the console's own (every worker's summed, when it
 * runs on several), then the estate's.
 */
export async function renderMetrics(
  prisma: () => Promise<PrismaClient>,
): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([await workersProcessMetrics(), estateRegistry(prisma)]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

/**
 * GET /api/metrics: the metrics for a scraper with the metrics token, else 401 with a plain
 * sentence. Never a 5xx: a database that cannot be opened is reported in the metrics.
 */
export async function serveMetrics(
  request: Request,
  prisma: () => Promise<PrismaClient>,
  configuredToken: string | null = metricsTokenFromEnv(),
): Promise<Response> {
  const refusal = metricsRefusal(request.headers.get("authorization"), configuredToken);
  if (refusal) {
    return new Response(`${refusal}\n`, {
      status: 401,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "WWW-Authenticate": 'Bearer realm="switchyard-metrics"',
        "Cache-Control": "no-store",
      },
    });
  }
  const { contentType, body } = await renderMetrics(prisma);
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
