/**
 * npm run bench:telemetry — can the agent API take 1,000 agents of 8 GPUs reporting every 15 s
 * (issue 17)? On PostgreSQL, in a bench database of its own (demo estate, dropped at the end):
 * 1. agent tokens as an operator issues them (one per NODES_PER_TOKEN nodes of a site, the REST
 *    rate limit of 600 requests/min per token left ON), and 1,000 nodes registered through
 *    POST /api/v1/agent/register;
 * 2. paced: one report (8 samples, new timestamps) and one heartbeat per node per 15 s, i.e.
 *    ~67 reports/s + ~67 heartbeats/s, for 60 s: achieved rate, p50/p99, errors;
 * 3. ceiling: reports only, 16 connections, no pacing, 30 s: reports/s and samples/s;
 * 4. stored GpuSample rows == successful reports x 8, by SQL; one rollup tick (runTelemetryTick)
 *    over that data, timed.
 * Writes bench/results/telemetry.json (with --next: telemetry-next.json). Not part of npm test.
 *
 * The server: by default the REST handler alone in its own node process
 * (packages/api/test/support/rest-replica.ts, what the cross-process tests run); with --next
 * (`npm run bench:telemetry -- --next`) the production build (`next start`, built first).
 * BENCH_PACED_S (60), BENCH_CEILING_S (30), BENCH_CONNECTIONS (16) tune the runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { appRouter, createCallerFactory, createInnerContext } from "@switchyard/api";
import { runTelemetryTick } from "@switchyard/api/loops";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, isPostgresAvailable, type TTestDb } from "@switchyard/db/testing";
import autocannon from "autocannon";
import { PLATFORM, ROOT, startConsoleServer } from "./estate.ts";

const AGENTS = 1_000;
const GPUS_PER_NODE = 8;
const INTERVAL_S = 15;
const NODES_PER_TOKEN = 50;
const SITES = 10;
const PACED_S = Number(process.env.BENCH_PACED_S ?? 60);
const CEILING_S = Number(process.env.BENCH_CEILING_S ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SERVER = process.argv.includes("--next") ? "next" : "replica";
const PORT = Number(process.env.BENCH_PORT ?? 3399);
const RATE = AGENTS / INTERVAL_S;
/**
 * Report n of a node is stamped ORIGIN + n x 15 s: 6 hours back, so even the unpaced run
 * (hundreds of reports per node) stays within raw retention (24 h) and behind the server's
 * clock, and no two reports share a node, GPU and time (the samples' key).
 */
const ORIGIN = Date.now() - 6 * 3600_000;

type TAgentNode = { hostname: string; secret: string };
/** Reports sent so far, by hostname: the next one's timestamp. */
const reportsSent = new Map<string, number>();

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** The REST handler alone, in its own process on the bench database (rate limit from the env: on). */
async function startReplica(t: TTestDb) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "packages/api/test/support/rest-replica.ts")],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url ?? "" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`rest-replica exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** One agent token per `nodesPerToken` nodes of a site, AGENTS nodes spread over the first SITES sites. */
async function issueTokens(
  t: TTestDb,
  nodesPerToken: number,
): Promise<{ nodes: TAgentNode[]; sites: number }> {
  const api = createCallerFactory(appRouter)(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
  const sites = await t.db.prisma.site.findMany({
    where: { status: { not: "DECOMMISSIONED" } },
    orderBy: { slug: "asc" },
    take: SITES,
    select: { id: true, slug: true },
  });
  const perSite = Math.ceil(AGENTS / sites.length);
  const nodes: TAgentNode[] = [];
  for (const site of sites) {
    for (let first = 0; first < perSite && nodes.length < AGENTS; first += nodesPerToken) {
      const name = `bench-${site.slug}-${first + 1}-of-${nodesPerToken}`;
      const { secret } = await api.token.createAgent({ name, siteId: site.id });
      for (let i = first; i < Math.min(first + nodesPerToken, perSite) && nodes.length < AGENTS; i++) {
        nodes.push({ hostname: `bench-${site.slug}-${String(i + 1).padStart(3, "0")}`, secret });
      }
    }
  }
  return { nodes, sites: sites.length };
}

const headersOf = (node: TAgentNode) => ({
  authorization: `Bearer ${node.secret}`,
  "content-type": "application/json",
});

/** Registers every node through the REST API, a few at a time, as agents starting up would. */
async function registerNodes(base: string, nodes: TAgentNode[]) {
  const gpus = Array.from({ length: GPUS_PER_NODE }, (_, index) => ({
    index,
    uuid: `GPU-bench-${index}`,
    name: "NVIDIA H200",
    memoryTotalMib: 143771,
    migMode: "Disabled",
  }));
  for (let i = 0; i < nodes.length; i += 8) {
    await Promise.all(
      nodes.slice(i, i + 8).map(async (node) => {
        const response = await fetch(`${base}/api/v1/agent/register`, {
          method: "POST",
          headers: headersOf(node),
          body: JSON.stringify({
            hostname: node.hostname,
            gpus: gpus.map((g) => ({ ...g, uuid: `${g.uuid}-${node.hostname}` })),
            driverVersion: "580.159.04",
            cudaVersion: "13.0",
            agentVersion: "0.1.0",
          }),
        });
        if (response.status !== 200)
          throw new Error(`register ${node.hostname}: HTTP ${response.status} ${await response.text()}`);
      }),
    );
  }
}

/** A node's next report: one sample per GPU (plausible H200 figures), 15 s after its previous one. */
function reportBody(node: TAgentNode, index: number) {
  const seq = reportsSent.get(node.hostname) ?? 0;
  reportsSent.set(node.hostname, seq + 1);
  const at = new Date(ORIGIN + seq * INTERVAL_S * 1000).toISOString();
  const samples = Array.from({ length: GPUS_PER_NODE }, (_, gpuIndex) => {
    const wave = Math.sin((seq + gpuIndex + index) / 7);
    return {
      gpuIndex,
      at,
      utilizationPct: Math.round(80 + 20 * wave),
      memoryUsedMib: Math.round(100_000 + 30_000 * wave),
      powerW: Math.round((550 + 140 * wave) * 100) / 100,
      temperatureC: Math.round(62 + 8 * wave),
      eccErrors: 0,
      xidErrors: null,
    };
  });
  return JSON.stringify({ hostname: node.hostname, samples });
}

/** An autocannon run whose every request is the next node's report (or heartbeat). */
async function drive(
  base: string,
  nodes: TAgentNode[],
  kind: "telemetry" | "heartbeat",
  options: { durationS: number; connections: number; ratePerS?: number },
) {
  let built = 0;
  const result = await autocannon({
    url: `${base}/api/v1/agent/${kind}`,
    method: "POST",
    connections: options.connections,
    duration: options.durationS,
    overallRate: options.ratePerS,
    requests: [
      {
        setupRequest: (request) => {
          const index = built++ % nodes.length;
          const node = nodes[index] as TAgentNode;
          const body =
            kind === "telemetry" ? reportBody(node, index) : JSON.stringify({ hostname: node.hostname });
          return { ...request, headers: headersOf(node), body };
        },
      },
    ],
  });
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requests: result.requests.total,
    ok: result["2xx"],
    perS: Math.round((result["2xx"] / seconds) * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    /** Sent but not answered when the run stopped: the server may still have stored them. */
    unanswered: built - result.requests.total,
    status429: result.statusCodeStats?.["429"]?.count ?? 0,
  };
}

function print(name: string, row: Awaited<ReturnType<typeof drive>>) {
  console.log(
    `  ${name.padEnd(22)} ${String(row.perS).padStart(7)}/s   p50 ${String(row.p50Ms).padStart(4)} ms   p99 ${String(row.p99Ms).padStart(5)} ms   errors ${row.errors} (429: ${row.status429})`,
  );
}

async function main() {
  if (!(await isPostgresAvailable())) throw new Error("bench:telemetry needs PostgreSQL at 127.0.0.1:5432");
  const t = await createTestDb("postgres");
  try {
    await seedDemo(t.db);
    const { nodes, sites } = await issueTokens(t, NODES_PER_TOKEN);
    const server = SERVER === "next" ? await startConsoleServer(t, PORT) : await startReplica(t);
    try {
      const loadBefore = load();
      const registered = performance.now();
      await registerNodes(server.base, nodes);
      const registerMs = Math.round(performance.now() - registered);
      const tokens = new Set(nodes.map((n) => n.secret)).size;
      console.log(
        `bench:telemetry (${SERVER}): ${nodes.length} nodes, ${tokens} agent tokens, registered in ${registerMs} ms`,
      );

      console.log(`paced, ${PACED_S} s at ${RATE.toFixed(1)} reports/s + ${RATE.toFixed(1)} heartbeats/s:`);
      // Enough connections that a slow answer never holds the client below the rate.
      const paced = { durationS: PACED_S, connections: CONNECTIONS, ratePerS: RATE };
      const [reports, heartbeats] = await Promise.all([
        drive(server.base, nodes, "telemetry", paced),
        drive(server.base, nodes, "heartbeat", paced),
      ]);
      print("reports", reports);
      print("heartbeats", heartbeats);

      // Per-rack tokens cap a run at 20 x 600 requests/min; the ceiling run gives each node a
      // token of its own (the agent README's other layout), so it measures the server.
      const { nodes: tokenPerNode } = await issueTokens(t, 1);
      console.log(`ceiling, ${CEILING_S} s, ${CONNECTIONS} connections, reports only, a token per node:`);
      const ceiling = await drive(server.base, tokenPerNode, "telemetry", {
        durationS: CEILING_S,
        connections: CONNECTIONS,
      });
      print("reports", ceiling);
      const loadAfter = load();

      const [{ rows }] = await t.db.prisma.$queryRaw<[{ rows: number }]>`
        SELECT count(*)::int AS rows FROM "GpuSample" s JOIN "GpuNode" n ON n.id = s."nodeId"
         WHERE n.hostname LIKE 'bench-%'`;
      // Reports still in flight when a run stopped may be stored too: at most `unanswered` more.
      const expected = (reports.ok + ceiling.ok) * GPUS_PER_NODE;
      const inFlight = (reports.unanswered + ceiling.unanswered) * GPUS_PER_NODE;
      const storedSamples = {
        rows,
        expected,
        inFlightAtStop: inFlight,
        match: rows >= expected && rows <= expected + inFlight,
      };
      console.log(
        `stored samples: ${rows} (successful reports x 8: ${expected}, + up to ${inFlight} in flight at a stop)`,
      );
      const rolled = performance.now();
      const tick = await runTelemetryTick(t.db.prisma, { holder: "bench-telemetry" });
      const rollup = { ms: Math.round(performance.now() - rolled), ...tick };
      console.log(
        `rollup tick: ${rollup.ms} ms (${tick.buckets5m} 5-minute, ${tick.buckets1h} hourly buckets)`,
      );

      const out = join(ROOT, `bench/results/${SERVER === "next" ? "telemetry-next" : "telemetry"}.json`);
      mkdirSync(join(ROOT, "bench/results"), { recursive: true });
      const json = {
        meta: {
          date: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            cpu: cpus()[0]?.model,
            memoryGiB: Math.round(totalmem() / 2 ** 30),
            node: process.version,
          },
          loadavg: { before: loadBefore, after: loadAfter },
          server:
            SERVER === "next"
              ? "next start (production build)"
              : "REST handler in its own node process (packages/api/test/support/rest-replica.ts), not next start",
          database: "PostgreSQL",
        },
        target: {
          agents: AGENTS,
          gpusPerNode: GPUS_PER_NODE,
          intervalS: INTERVAL_S,
          reportsPerS: Math.round(RATE * 10) / 10,
          heartbeatsPerS: Math.round(RATE * 10) / 10,
          samplesPerS: Math.round(RATE * GPUS_PER_NODE),
          sites,
          agentTokens: { paced: tokens, ceiling: tokenPerNode.length },
          rateLimit: "600 requests / 60 s per token (on)",
          registerMs,
        },
        paced: { durationS: PACED_S, reports, heartbeats },
        ceiling: {
          durationS: CEILING_S,
          connections: CONNECTIONS,
          reports: ceiling,
          samplesPerS: Math.round(ceiling.perS * GPUS_PER_NODE),
        },
        rollup,
        storedSamples,
      };
      writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
      console.log(`wrote ${out}`);
      if (!storedSamples.match) throw new Error("stored samples differ from successful reports x 8");
    } finally {
      server.stop();
    }
  } finally {
    await t.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:telemetry failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
