/**
 * What the console benchmarks share: the large (or small) estate in a fresh database, and the
 * production build served against it as `npm start` serves it (the standalone server, from
 * SWITCHYARD_WORKERS processes).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import type { TSessionUser } from "@switchyard/api/session";
import { growEstate, SCALES, seedDemo } from "@switchyard/db/seed";
import { createTestDb, isPostgresAvailable, type TTestDb } from "@switchyard/db/testing";
import { consoleNodeFlags, STANDALONE_SERVER } from "../../../scripts/lib.mjs";

export const ROOT = resolve(import.meta.dirname, "../../..");
/** BENCH_SCALE: large (500 sites, 50,000 GPU nodes, 5,000 datasets) or small (50 sites, 1,000 nodes). */
export const SCALE = process.env.BENCH_SCALE ?? "large";

export const PLATFORM: TSessionUser = {
  id: "user-platform",
  email: "platform@switchyard.demo",
  name: "Pat Platform",
  role: "PLATFORM_ENGINEER",
};

export type TBenchEstate = {
  t: TTestDb;
  kind: TTestDb["kind"];
  estate: { sites: number; nodes: number; datasets: number; seedMs: number; growMs: number };
};

/** A fresh database (PostgreSQL, or PGlite when no server answers) with the demo grown to SCALE. */
export async function prepareBenchEstate(what: string): Promise<TBenchEstate> {
  const kind = (await isPostgresAvailable()) ? "postgres" : "pglite";
  console.log(`${what} on ${kind}: building the ${SCALE} estate…`);
  const scale = SCALES[SCALE];
  if (!scale) throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(", ")}`);
  const t = await createTestDb(kind);
  try {
    const seeded = performance.now();
    await seedDemo(t.db);
    const grown = await growEstate(t.db, scale);
    const { prisma } = t.db;
    const estate = {
      sites: await prisma.site.count(),
      nodes: await prisma.gpuNode.count(),
      datasets: await prisma.dataset.count(),
      seedMs: Math.round(performance.now() - seeded),
      growMs: grown.ms,
    };
    console.log(`  estate: ${JSON.stringify(estate)}`);
    return { t, kind, estate };
  } catch (error) {
    await t.cleanup();
    throw error;
  }
}

export async function waitForUrl(url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export type TConsoleServer = { base: string; process: ChildProcess; stop: () => void };

/**
 * The production build on PORT, started as `npm start` starts it: Next.js's standalone server
 * through scripts/console-workers.mjs, on `env.SWITCHYARD_WORKERS` processes (default 1, then
 * in the launcher's own process, so its pid is the server's; else the workers are its children).
 */
export async function startConsoleServer(
  t: Pick<TTestDb, "kind" | "url">,
  port: number,
  env: Record<string, string> = {},
): Promise<TConsoleServer> {
  if (t.kind === "pglite") throw new Error("a console server needs PostgreSQL (PGlite allows one process)");
  const server = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=<folder>: each console process writes a V8 CPU profile there when it stops.
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // The heap settings every console process runs with (npm start, the image).
      ...consoleNodeFlags(),
      join(ROOT, "scripts/console-workers.mjs"),
      STANDALONE_SERVER,
    ],
    {
      cwd: join(ROOT, "apps/web"),
      env: {
        ...process.env,
        DATABASE_URL: t.url ?? "",
        PORT: String(port),
        HOSTNAME: "0.0.0.0",
        NEXTAUTH_URL: `http://localhost:${port}`,
        NEXTAUTH_SECRET: "bench-secret",
        ...env,
      },
      stdio: "ignore",
    },
  );
  const base = `http://localhost:${port}`;
  try {
    await waitForUrl(`${base}/api/health`);
  } catch (error) {
    server.kill();
    throw error;
  }
  return { base, process: server, stop: () => server.kill() };
}
