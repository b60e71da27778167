import { Counter, Histogram, Registry } from "prom-client";
import { processSingleton } from "./process-singleton.ts";

/**
 * What this process measures as it works (prom-client), kept once per process: HTTP
 * requests, placement engine runs, placement decisions and background loop ticks. The
 * estate's numbers (GPUs, workloads, approvals, webhook deliveries, agents) are read from
 * the database at scrape time instead: see services/metrics.ts.
 */
export type TProcessMetrics = ReturnType<typeof createProcessMetrics>;

/** The engine answers in milliseconds on small estates and seconds on the largest batches. */
const PLACEMENT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A tick is a few queries when nothing changed; a scheduler call or a big batch takes seconds. */
const TICK_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export type TPlacementOperation = "recommend" | "place" | "batch";
export type TLoopName = "reconcile" | "slurm" | "k8s" | "webhooks" | "telemetry";
/** The parts of a reconcile tick, in the order it runs them (loops/reconcile.ts). */
export type TReconcilePhase =
  | "nodes-down"
  | "replace"
  | "reclaims"
  | "fair-round"
  | "round"
  | "shares"
  | "services"
  | "prune"
  | "approvals"
  | "executors";

function createProcessMetrics() {
  // Node's default process metrics are left out: their event-loop gauges print `Nan` between
  // samples, which Prometheus reads but stricter parsers refuse.
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "switchyard_http_requests_total",
      help: "HTTP requests answered, by method, route (template, not the raw path) and status.",
      labelNames: ["method", "route", "status"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: "switchyard_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by method and route.",
      labelNames: ["method", "route"] as const,
      registers,
    }),
    procedureCalls: new Counter({
      name: "switchyard_procedure_calls_total",
      help: "API procedure calls (tRPC and REST alike: REST calls the same procedures), by procedure, type and result (ok or the error code).",
      labelNames: ["procedure", "type", "result"] as const,
      registers,
    }),
    procedureDuration: new Histogram({
      name: "switchyard_procedure_duration_seconds",
      help: "Time an API procedure took, by procedure (one tRPC batch is several calls; the HTTP metrics see one request).",
      labelNames: ["procedure"] as const,
      registers,
    }),
    placementDuration: new Histogram({
      name: "switchyard_placement_duration_seconds",
      help: "Time the placement engine took: recommend (preview, no write), place (one workload) or batch.",
      labelNames: ["operation"] as const,
      buckets: PLACEMENT_BUCKETS,
      registers,
    }),
    placementDecisions: new Counter({
      name: "switchyard_placement_decisions_total",
      help: "Placement decisions stored, by outcome: feasible (a site fits) or infeasible (the workload waits).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    loopTickDuration: new Histogram({
      name: "switchyard_loop_tick_duration_seconds",
      help: "Duration of background loop ticks: reconcile, webhooks, and each Slurm or Kubernetes site's pass (slurm, k8s).",
      labelNames: ["loop"] as const,
      buckets: TICK_BUCKETS,
      registers,
    }),
    reconcilePhaseDuration: new Histogram({
      name: "switchyard_reconcile_phase_duration_seconds",
      help: "Duration of each part of a reconcile tick: nodes-down, replace (only when nodes went down), reclaims, fair-round, round, shares, services, prune, approvals, executors. A part behind a lease another process holds is not run, and not observed.",
      labelNames: ["phase"] as const,
      buckets: TICK_BUCKETS,
      registers,
    }),
    loopTickFailures: new Counter({
      name: "switchyard_loop_tick_failures_total",
      help: "Background loop ticks that failed (logged with the tick id).",
      labelNames: ["loop"] as const,
      registers,
    }),
  };
}

/** This process's metrics (one set per process, however often Next.js loads this module). */
export function processMetrics(): TProcessMetrics {
  return processSingleton("metrics", createProcessMetrics);
}

/** Runs the engine (synchronous, pure) and records how long it took. */
export function timePlacement<T>(operation: TPlacementOperation, run: () => T): T {
  const end = processMetrics().placementDuration.startTimer({ operation });
  try {
    return run();
  } finally {
    end();
  }
}
