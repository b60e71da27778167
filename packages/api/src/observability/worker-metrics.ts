import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import {
  AggregatorRegistry,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from "prom-client";
import { processMetrics } from "./metrics.ts";

/**
 * The console's own metrics when SWITCHYARD_WORKERS runs it on several processes behind one port
 * (scripts/console-workers.mjs): a scraper reaches one worker at a time, so the worker it reaches
 * asks the primary for every worker's metrics and answers their sum. Every process metric is a
 * counter or a histogram, which add up. Outside such a cluster, this process's own.
 */

type TWorkerMessage = { switchyard?: string; id?: string; metrics?: TMetricsJson[] };
type TMetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** How long a worker waits for the primary to gather the workers' metrics. */
const GATHER_TIMEOUT_MS = 5_000;

/** In a worker: answer the primary's requests for this process's metrics (at start, once). */
export function answerMetricsRequests(): void {
  if (!cluster.isWorker) return;
  process.on("message", (message: TWorkerMessage) => {
    if (message?.switchyard !== "metrics-collect") return;
    void processMetrics()
      .registry.getMetricsAsJSON()
      .then((metrics) => process.send?.({ switchyard: "metrics-reply", id: message.id, metrics }));
  });
}

/**
 * Every worker's process metrics summed (in a worker), else this process's own. A primary that
 * does not answer in time leaves this worker's own: a scrape is never refused for it.
 */
export async function workersProcessMetrics(): Promise<Registry> {
  const own = processMetrics().registry;
  const send = process.send?.bind(process);
  if (!cluster.isWorker || !send) return own;
  const id = randomUUID();
  const gathered = await new Promise<TMetricsJson[] | null>((resolve) => {
    const done = (metrics: TMetricsJson[] | null) => {
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(metrics);
    };
    const onMessage = (message: TWorkerMessage) => {
      if (message?.switchyard === "metrics-gathered" && message.id === id) done(message.metrics ?? null);
    };
    const timer = setTimeout(() => done(null), GATHER_TIMEOUT_MS);
    process.on("message", onMessage);
    send({ switchyard: "metrics-request", id });
  });
  return gathered && gathered.length > 0 ? AggregatorRegistry.aggregate(gathered) : own;
}
