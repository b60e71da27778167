#!/usr/bin/env node
// Serves the console from SWITCHYARD_WORKERS processes on one port (node:cluster), so that one
// machine's cores all serve requests: a Node.js process runs its JavaScript on one core.
//
//   node console-workers.mjs <server.js>     (npm start; the image's entrypoint calls serveConsole)
//
// One worker (the default) runs the server in this process, exactly as before. With more, this
// process is the primary: it forks the workers (each runs <server.js> with this process's Node.js
// flags and environment), starts another when one dies, stops them all on SIGINT/SIGTERM, and
// relays the metrics request of the worker a scraper reached to all of them, so that
// /api/metrics counts every worker's requests whichever one answers. It runs no console code.
//
// Plain Node.js, no dependencies: the production image copies this file beside its entrypoint.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";

export const MAX_WORKERS = 64;
/** A worker that dies sooner than this after it started counts towards a crash loop. */
const EARLY_EXIT_MS = 30_000;
/** So many early deaths in a row stop the console: the cause is in the log, not in retrying. */
const CRASH_LOOP = 5;
/** How long the primary waits for the workers' metrics before answering with those it has. */
const METRICS_TIMEOUT_MS = 2_000;

/**
 * SWITCHYARD_WORKERS: a whole number from 1 to MAX_WORKERS, or "auto" (one per core); unset, 1.
 * More than one needs PostgreSQL: the embedded database opens in one process only. Throws an
 * Error whose message names the variable and says what to set instead.
 */
export function workersFromEnv(env = process.env, cores = availableParallelism()) {
  const raw = env.SWITCHYARD_WORKERS?.trim() ?? "";
  let count = 1;
  if (raw === "auto") count = Math.min(cores, MAX_WORKERS);
  else if (raw !== "") {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_WORKERS)
      throw new Error(
        `SWITCHYARD_WORKERS must be a whole number from 1 to ${MAX_WORKERS}, or "auto" (one per core); it is "${raw}".`,
      );
    count = Number(raw);
  }
  const url = env.DATABASE_URL?.trim() ?? "";
  if (count > 1 && !/^postgres(ql)?:\/\//.test(url))
    throw new Error(
      `SWITCHYARD_WORKERS=${raw} needs PostgreSQL (DATABASE_URL): the embedded database opens in one process only. Unset SWITCHYARD_WORKERS or set DATABASE_URL.`,
    );
  return count;
}

/**
 * Runs Next.js's standalone server (`serverPath`) on `count` processes. Resolves once the server
 * runs here (one worker) or the workers are forked (the primary keeps the process alive).
 */
export async function serveConsole(serverPath, count = workersFromEnv()) {
  if (count <= 1) {
    await import(pathToFileURL(serverPath).href);
    return;
  }
  const say = (line) => console.log(`switchyard: ${line}`);
  cluster.setupPrimary({ exec: serverPath });
  const startedAt = new Map();
  let earlyExits = 0;
  /** Once stopping: the exit status the console ends with when the last worker is gone. */
  let stopping = null;

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    worker.on("message", (message) => relayMetrics(worker, message));
  };

  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping !== null) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(stopping);
      return;
    }
    earlyExits = lived < EARLY_EXIT_MS ? earlyExits + 1 : 0;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (earlyExits >= CRASH_LOOP) {
      console.error(
        `switchyard: error: ${CRASH_LOOP} console workers in a row exited within ${EARLY_EXIT_MS / 1000} s of starting (the last with ${how}); stopping (see the log above)`,
      );
      stopAll("SIGTERM", 1);
      return;
    }
    say(`console worker ${worker.process.pid} exited (${how}); starting another`);
    fork();
  });

  function stopAll(signal, exitCode) {
    if (stopping !== null) return;
    stopping = exitCode;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker.process.kill(signal);
    // A worker that ignores the signal must not keep the console half up.
    setTimeout(() => process.exit(exitCode || 1), 30_000).unref();
  }
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(signal, 0));

  // Metrics: a worker asks for every worker's (its own included); the primary gathers the answers.
  const pending = new Map();
  function relayMetrics(from, message) {
    if (message?.switchyard === "metrics-request") {
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w.isConnected());
      const gathering = { from, id: message.id, metrics: [], waiting: workers.length, timer: null };
      pending.set(message.id, gathering);
      gathering.timer = setTimeout(() => answer(message.id), METRICS_TIMEOUT_MS);
      for (const worker of workers) worker.send({ switchyard: "metrics-collect", id: message.id });
    } else if (message?.switchyard === "metrics-reply") {
      const gathering = pending.get(message.id);
      if (!gathering) return; // answered already (timed out)
      gathering.metrics.push(message.metrics);
      if (--gathering.waiting === 0) answer(message.id);
    }
  }
  function answer(id) {
    const gathering = pending.get(id);
    if (!gathering) return;
    pending.delete(id);
    clearTimeout(gathering.timer);
    if (gathering.from.isConnected())
      gathering.from.send({ switchyard: "metrics-gathered", id, metrics: gathering.metrics });
  }

  say(`serving the console from ${count} worker processes`);
  for (let i = 0; i < count; i++) fork();
}

// Run as a script: node console-workers.mjs <server.js>
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const serverPath = process.argv[2];
  if (!serverPath) {
    console.error("usage: node console-workers.mjs <server.js>");
    process.exit(2);
  }
  let count;
  try {
    count = workersFromEnv();
  } catch (error) {
    console.error(`switchyard: error: ${error.message}`);
    process.exit(1);
  }
  await serveConsole(serverPath, count);
}
