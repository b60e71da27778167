/**
 * npm run bench:api — REST throughput of the production build (`next start`) on PostgreSQL
 * with the large estate (500 sites, 50,000 GPU nodes; BENCH_SCALE=medium: 100 sites, 5,000
 * nodes; small: 50 sites, 1,000 nodes), measured with autocannon and an API token, as a
 * pipeline would call it:
 *   GET  /api/v1/workloads?limit=50
 *   POST /api/v1/placement/recommend   (dry run: snapshot + engine, nothing saved)
 *   GET  /api/v1/sites/{id}
 * First, in process, what a decision pays to get the estate, before (a full read) and after
 * the in-memory estate (see estate-refresh.ts). Writes those timings, rps, p50, p99, errors and
 * the server's RSS into bench/results/api.json (api-<scale>.json for the smaller scales).
 * Not part of npm test.
 *
 * BENCH_CONNECTIONS (default 10) and BENCH_DURATION (seconds, default 10) tune the load.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { appRouter, createCallerFactory, createInnerContext } from "@switchyard/api";
import autocannon from "autocannon";
import { PLATFORM, prepareBenchEstate, ROOT, SCALE, startConsoleServer } from "./estate.ts";
import { measureEstateRefresh } from "./estate-refresh.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3398);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const SITE_ID = "site-dc-ashburn";

/** A single 8 x H100 training job: every site is filtered and scored for it. */
const RECOMMEND_SPEC = {
  name: "bench-recommend",
  kind: "TRAINING",
  teamId: "team-foundation-models",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 24,
};

type TEndpoint = { name: string; method: "GET" | "POST"; path: string; body?: unknown };

const ENDPOINTS: TEndpoint[] = [
  { name: "GET /api/v1/workloads?limit=50", method: "GET", path: "/api/v1/workloads?limit=50" },
  {
    name: "POST /api/v1/placement/recommend",
    method: "POST",
    path: "/api/v1/placement/recommend",
    body: RECOMMEND_SPEC,
  },
  { name: `GET /api/v1/sites/${SITE_ID}`, method: "GET", path: `/api/v1/sites/${SITE_ID}` },
];

/** Resident memory of a process and its descendants, in MiB (now, and the peak of each). */
function rssMiB(pid: number): { rssMiB: number; peakRssMiB: number } {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === pids[i]) pids.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
  }
  let rss = 0;
  let peak = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return { rssMiB: Math.round(rss / 1024), peakRssMiB: Math.round(peak / 1024) };
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function main() {
  const { t, kind, estate } = await prepareBenchEstate("bench:api");
  try {
    if (kind !== "postgres")
      throw new Error("bench:api needs PostgreSQL (a console server with PGlite is one process)");
    const api = createCallerFactory(appRouter)(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
    const { secret } = await api.token.create({ name: "bench-api", scopes: ["read", "write"] });
    console.log("the estate a decision reads, in process:");
    const estateRefresh = await measureEstateRefresh(t.db.prisma);
    // Rate limits (SWITCHYARD_API_RATE_LIMIT) would measure the limiter, not the API.
    const server = await startConsoleServer(t, PORT, { SWITCHYARD_API_RATE_LIMIT: "0" });
    const pid = server.process.pid as number;
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const results = [];
    try {
      const idle = rssMiB(pid);
      for (const endpoint of ENDPOINTS) {
        // Each endpoint answers, and is warm (compiled routes, plans, snapshot cache), first.
        for (let i = 0; i < 20; i++) {
          const response = await fetch(`${server.base}${endpoint.path}`, {
            method: endpoint.method,
            headers,
            body: endpoint.body === undefined ? undefined : JSON.stringify(endpoint.body),
          });
          const text = await response.text();
          if (response.status !== 200)
            throw new Error(`${endpoint.name}: HTTP ${response.status} ${text.slice(0, 300)}`);
        }
        const loadBefore = load();
        const result = await autocannon({
          url: `${server.base}${endpoint.path}`,
          method: endpoint.method,
          headers,
          body: endpoint.body === undefined ? undefined : JSON.stringify(endpoint.body),
          connections: CONNECTIONS,
          duration: DURATION_S,
        });
        const memory = rssMiB(pid);
        const row = {
          name: endpoint.name,
          requests: result.requests.total,
          rps: Math.round(result.requests.average * 10) / 10,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          maxMs: result.latency.max,
          errors: result.errors + result.timeouts + result.non2xx,
          non2xx: result.non2xx,
          ...memory,
          loadAverage: { before: loadBefore, after: load() },
        };
        console.log(
          `  ${row.name.padEnd(40)} ${String(row.rps).padStart(8)} rps   p50 ${String(row.p50Ms).padStart(5)} ms   p99 ${String(row.p99Ms).padStart(5)} ms   errors ${row.errors}   RSS ${row.rssMiB} MiB   load ${row.loadAverage.after.join(" ")}`,
        );
        results.push(row);
      }
      const out = join(ROOT, `bench/results/${SCALE === "large" ? "api" : `api-${SCALE}`}.json`);
      mkdirSync(join(ROOT, "bench/results"), { recursive: true });
      writeFileSync(
        out,
        `${JSON.stringify(
          {
            database: kind,
            scale: SCALE,
            estate,
            machine: { cpus: cpus().length, node: process.version },
            load: { connections: CONNECTIONS, durationS: DURATION_S, rateLimit: "off" },
            serverIdleRssMiB: idle.rssMiB,
            estateRefresh,
            endpoints: results,
          },
          null,
          2,
        )}\n`,
      );
      console.log(`wrote ${out}`);
    } finally {
      server.stop();
    }
  } finally {
    await t.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:api failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
