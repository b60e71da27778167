/**
 * npm run bench:api — the product at 500 sites / 50,000 GPU nodes / 100,000 workloads (history
 * included) on PostgreSQL, through REST on the production build (`next start`), as a pipeline
 * would call it with an API token (issue 16):
 *   recommend               POST /api/v1/placement/recommend (dry run), autocannon: the compact
 *                           answer (top 10 candidates, rejections counted by reason)
 *   recommend-all           the same with candidates: "all" (every candidate and rejected site, the
 *                           answer every recommendation gave before it was compact)
 *   submit-place-schedule   POST /api/v1/workloads with `schedule: true` (saved, placed and
 *                           scheduled in one call and one transaction, as the CLI submits), 60 s,
 *                           spread over three console processes; one that lost its GPUs to another
 *                           process (answered PENDING) is placed and scheduled again
 *   submit-then-schedule    the same work in two calls, POST /api/v1/workloads then
 *                           POST /api/v1/workloads/{id}/schedule (409: placed and scheduled
 *                           again), as clients did before `schedule`: the ratio of the two, in one run
 *   submit-batch            POST /api/v1/workloads/batch with `schedule: true`, batches of 50 from 4
 *                           pipelines (BENCH_BATCH_SIZE, BENCH_BATCH_CONNECTIONS), 60 s: saved, placed
 *                           together and scheduled in one round; workloads scheduled per second
 *   workloads-list          GET /api/v1/workloads?limit=50, autocannon
 *   nodes-list              GET /api/v1/nodes?limit=50, autocannon
 * recommend and the lists run twice in one run: on one console process (`workers: 1`), then on
 * one console served from BENCH_WORKERS processes (default 2, one per core here) on one port, as
 * SWITCHYARD_WORKERS serves it.
 * then over-allocations by SQL, the three processes' answers compared, three reconcile ticks
 * with 50 pending workloads each (the median and the first reported), the cold start of a console process to its first placement, and (before
 * and after the in-memory estate, in one run) what a decision pays to get the estate.
 *
 * The estate lives in its own database (api-estate.ts), built only when missing. Writes
 * bench/results/api.json (api-<scale>.json for BENCH_SCALE=small|medium) with the machine's
 * load average: compare ratios within one run, absolute times only on a quiet machine.
 * BENCH_CONNECTIONS (default 16), BENCH_DURATION (seconds per autocannon run, default 20, after
 * BENCH_WARMUP seconds of the same load, default 10, not measured),
 * BENCH_SUBMIT_DURATION (default 60), BENCH_SUBMIT_MODES (default one-call,two-calls,batch); BENCH_ESTATE_ONLY=1 only builds the estate. BENCH_ONLY=a,b
 * runs only those sections (cold, recommend, submit, lists, tick, refresh: one console process
 * unless submit is among them) and writes api-<scale>-only.json instead; with BENCH_MERGE=1 their
 * figures also replace those sections' in api.json, the others' kept. Not part of npm test.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { appRouter, createCallerFactory, createInnerContext } from "@switchyard/api";
import { estateCache } from "@switchyard/api/estate";
import { runReconcileTick } from "@switchyard/api/loops";
import type { PrismaClient } from "@switchyard/db";
import autocannon from "autocannon";
import { prepareApiEstate } from "./api-estate.ts";
import { PLATFORM, ROOT, SCALE, startConsoleServer, type TConsoleServer } from "./estate.ts";
import { measureEstateRefresh } from "./estate-refresh.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3398);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
/**
 * Seconds of the same load before each autocannon run, not measured: V8 compiles the hot paths
 * over the first tens of seconds (a run straight after the start measured 25-35 % more CPU per
 * recommendation than the same process a minute later). The cold start is measured on its own.
 */
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 10);
const SUBMIT_DURATION_S = Number(process.env.BENCH_SUBMIT_DURATION ?? 60);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 50);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 4);
/** The worker processes of the second console recommend and the lists run on (SWITCHYARD_WORKERS). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
/** The submit section's runs: BENCH_SUBMIT_MODES=batch (say) measures only that one. */
const SUBMIT_MODES = (process.env.BENCH_SUBMIT_MODES?.split(",") ?? ["one-call", "two-calls", "batch"]).map(
  (mode) => {
    if (!["one-call", "two-calls", "batch"].includes(mode))
      throw new Error(`BENCH_SUBMIT_MODES: ${mode} is not one of one-call, two-calls, batch`);
    return mode as "one-call" | "two-calls" | "batch";
  },
);
const TICK_PENDING = 50;
const TICKS = 3;
const SECTIONS = ["cold", "recommend", "submit", "lists", "tick", "refresh"] as const;
const ONLY = process.env.BENCH_ONLY?.split(",").map((s) => s.trim()) ?? null;
for (const section of ONLY ?? [])
  if (!(SECTIONS as readonly string[]).includes(section))
    throw new Error(`BENCH_ONLY: ${section} is not one of ${SECTIONS.join(", ")}`);
const runs = (section: (typeof SECTIONS)[number]) => ONLY === null || ONLY.includes(section);

/** A single 8 x H100 training job: every site is filtered and scored for it. */
const RECOMMEND_SPEC = {
  name: "bench-recommend",
  kind: "TRAINING",
  teamId: "team-foundation-models",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 24,
};

/**
 * The submit section's team: one with room for a whole run (6,000 GPUs at 100/s for 60 s). The
 * demo teams' quotas hold a few dozen GPUs, so their submits would measure a full quota.
 */
const SUBMIT_TEAM = "team-bench-pipeline";
/** What the pipeline submits: one GPU of batch inference, no approval needed. */
const SUBMIT_SPEC = {
  kind: "BATCH_INFERENCE",
  teamId: SUBMIT_TEAM,
  gpu: { count: 1 },
  gpuModels: ["L40S", "A100-80GB", "H100"],
  estimatedHours: 1,
};

/** A process and its descendants (a console process's `next start` runs a child). */
function processTree(pid: number): number[] {
  const pids = [pid];
  const parents = processStats();
  for (let i = 0; i < pids.length; i++)
    for (const stat of parents) if (stat.ppid === pids[i]) pids.push(stat.pid);
  return pids;
}

/** Every process's id, parent, name and CPU time so far (user + system, clock ticks), from /proc. */
function processStats(): { pid: number; ppid: number; comm: string; cpuTicks: number }[] {
  const stats = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      // Fields after the name: state ppid ... utime (12th) stime (13th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        comm,
        cpuTicks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

/** Resident memory of a process and its descendants (or only its own), in MiB: now, and the peak of each. */
function rssMiB(pid: number, own = false): { rssMiB: number; peakRssMiB: number } {
  let rss = 0;
  let peak = 0;
  for (const p of own ? [pid] : processTree(pid)) {
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

/**
 * CPU used from now until the returned function is called, in ms: by the console processes
 * (with their children), by PostgreSQL's processes on this machine (null when none runs here)
 * and by this bench process (the load's client). On a machine the load saturates, throughput
 * says how busy it was; CPU per request says what each request costs, whatever the machine.
 */
function cpuMeter(servers: TConsoleServer[]) {
  const ticksPerSecond = 100; // USER_HZ: Linux reports /proc times in 1/100 s
  const consolePids = new Set(servers.flatMap((s) => processTree(s.process.pid as number)));
  const sample = () => {
    const stats = processStats();
    const sum = (keep: (stat: (typeof stats)[number]) => boolean) =>
      stats.filter(keep).reduce((total, stat) => total + stat.cpuTicks, 0);
    const postgres = stats.filter((stat) => stat.comm === "postgres");
    return {
      console: sum((stat) => consolePids.has(stat.pid)),
      // Per process: a backend that exits meanwhile takes its time with it.
      database: new Map(postgres.map((stat) => [stat.pid, stat.cpuTicks])),
      client: process.cpuUsage(),
    };
  };
  const before = sample();
  return () => {
    const after = sample();
    let database = 0;
    for (const [pid, ticks] of after.database) database += ticks - (before.database.get(pid) ?? 0);
    const client = process.cpuUsage(before.client);
    return {
      consoleMs: ((after.console - before.console) * 1000) / ticksPerSecond,
      databaseMs: after.database.size > 0 ? (database * 1000) / ticksPerSecond : null,
      clientMs: Math.round((client.user + client.system) / 1000),
    };
  };
}

type TCpuUsed = ReturnType<ReturnType<typeof cpuMeter>>;

/** CPU per request (or workload), in ms, where it was spent; null where nothing was measured. */
function cpuPer(used: TCpuUsed, count: number) {
  const per = (ms: number | null) => (ms === null || count === 0 ? null : round1(ms / count));
  return { console: per(used.consoleMs), database: per(used.databaseMs), client: per(used.clientMs) };
}

function cpuLine(label: string, cpu: ReturnType<typeof cpuPer>): string {
  return `  ${"".padEnd(24)} CPU per ${label}: console ${cpu.console} ms, database ${cpu.database ?? "not local"} ms, client ${cpu.client} ms`;
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const round1 = (x: number) => Math.round(x * 10) / 10;

type TRun = {
  name:
    | "recommend"
    | "recommend-all"
    | "submit-place-schedule"
    | "submit-then-schedule"
    | "submit-batch"
    | "workloads-list"
    | "nodes-list";
  connections: number;
  /** The console's worker processes behind the one port (SWITCHYARD_WORKERS); absent: one. */
  workers?: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
};

function report(row: TRun & Record<string, unknown>) {
  const label = row.workers && row.workers > 1 ? `${row.name} (${row.workers} workers)` : row.name;
  console.log(
    `  ${label.padEnd(24)} ${String(row.rps).padStart(8)}/s   p50 ${String(row.p50Ms).padStart(6)} ms   p99 ${String(row.p99Ms).padStart(6)} ms   errors ${row.errors}   load ${load().join(" ")}`,
  );
}

/**
 * One endpoint under autocannon, after it answered 200 a few times (compiled routes, warm caches)
 * and BENCH_WARMUP seconds of the same load (JIT-compiled hot paths).
 */
async function cannon(
  name: TRun["name"],
  server: TConsoleServer,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  workers = 1,
): Promise<TRun> {
  const method = body === undefined ? "GET" : "POST";
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let responseBytes = 0;
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${server.base}${path}`, { method, headers, body: payload });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status} ${text.slice(0, 300)}`);
    responseBytes = Buffer.byteLength(text);
  }
  if (WARMUP_S > 0)
    await autocannon({
      url: `${server.base}${path}`,
      method,
      headers,
      body: payload,
      connections: CONNECTIONS,
      duration: WARMUP_S,
    });
  const cpu = cpuMeter([server]);
  const result = await autocannon({
    url: `${server.base}${path}`,
    method,
    headers,
    body: payload,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  const row: TRun & { responseBytes: number; cpuMsPerRequest: ReturnType<typeof cpuPer> } = {
    name,
    connections: CONNECTIONS,
    workers,
    durationS: DURATION_S,
    rps: round1(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    responseBytes,
    // What one request costs in CPU, and where: on a saturated machine a steadier figure than rps.
    cpuMsPerRequest: cpuPer(cpu(), result.requests.total),
  };
  report(row);
  console.log(`  ${"".padEnd(24)} answer ${Math.round(responseBytes / 1024)} KB`);
  console.log(cpuLine("request", row.cpuMsPerRequest));
  return row;
}

/**
 * CONNECTIONS pipelines for SUBMIT_DURATION_S, each submitting, placing and scheduling one
 * workload after another, round-robin over the console processes: in one call (`schedule: true`)
 * or, `twoCalls`, submitting (saved and placed) then scheduling. One that lost its GPUs to
 * another process (answered PENDING, or 409 from the schedule call) is placed and scheduled
 * again, up to 3 times; anything else that is not 2xx counts as an error.
 */
async function submitPlaceSchedule(
  servers: TConsoleServer[],
  headers: Record<string, string>,
  twoCalls = false,
) {
  const run = Date.now().toString(36);
  const cpu = cpuMeter(servers);
  const deadline = performance.now() + SUBMIT_DURATION_S * 1_000;
  const times: number[] = [];
  let next = 0;
  let errors = 0;
  let non2xx = 0;
  let retries = 0;
  const pipeline = async () => {
    while (performance.now() < deadline) {
      const i = next++;
      const base = (servers[i % servers.length] as TConsoleServer).base;
      const started = performance.now();
      try {
        const name = `bench-${run}-${i}`;
        const submitted = await post(headers, base, "/api/v1/workloads", {
          spec: { ...SUBMIT_SPEC, name },
          clientKey: name,
          ...(twoCalls ? {} : { schedule: true }),
        });
        if (submitted.status !== 200)
          throw Object.assign(new Error(JSON.stringify(submitted.json)), { http: true });
        const id = String(submitted.json?.id);
        const standing = (submitted.json?.schedule as { state?: string } | undefined)?.state;
        // One call: the answer says whether it was scheduled; PENDING here is a lost race,
        // retried below as a 409 from the schedule call is.
        let scheduled: { status: number; json: unknown } = twoCalls
          ? await post(headers, base, `/api/v1/workloads/${id}/schedule`, {})
          : {
              status: standing === "SCHEDULED" ? 200 : standing === "PENDING" ? 409 : 500,
              json: submitted.json,
            };
        if (scheduled.status === 409) {
          const again = await scheduleAgain(headers, base, id);
          retries += again.attempts;
          scheduled = again;
        }
        if (scheduled.status !== 200)
          throw Object.assign(new Error(JSON.stringify(scheduled.json)), { http: true });
        times.push(performance.now() - started);
      } catch (error) {
        errors++;
        if ((error as { http?: boolean }).http) non2xx++;
        if (errors <= 3)
          console.log(
            `  ${twoCalls ? "submit-then-schedule" : "submit-place-schedule"} error: ${(error as Error).message.slice(0, 300)}`,
          );
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, pipeline));
  const seconds = (performance.now() - started) / 1_000;
  const used = cpu();
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
  const row = {
    name: twoCalls ? ("submit-then-schedule" as const) : ("submit-place-schedule" as const),
    connections: CONNECTIONS,
    durationS: SUBMIT_DURATION_S,
    rps: round1(times.length / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    non2xx,
    workloads: times.length,
    conflictRetries: retries,
    // What one workload (submit, place, schedule) costs in CPU, and where.
    cpuMsPerWorkload: cpuPer(used, times.length),
  };
  report(row);
  console.log(cpuLine("workload", row.cpuMsPerWorkload));
  return row;
}

/**
 * BATCH_CONNECTIONS pipelines for SUBMIT_DURATION_S, each posting batches of BATCH_SIZE
 * workloads to POST /api/v1/workloads/batch with `schedule: true` (saved together, placed
 * together by the batch engine, scheduled in one round), round-robin over the console
 * processes. A workload answered PENDING lost its GPUs to another process's placement and is
 * placed and scheduled again on its own, up to 3 times, as in the runs above. `rps` counts
 * workloads scheduled per second; p50/p99 are those of a batch call.
 */
async function submitBatches(servers: TConsoleServer[], headers: Record<string, string>) {
  const run = Date.now().toString(36);
  const cpu = cpuMeter(servers);
  const deadline = performance.now() + SUBMIT_DURATION_S * 1_000;
  const times: number[] = [];
  let batches = 0;
  let workloads = 0;
  let errors = 0;
  let non2xx = 0;
  let retries = 0;
  const pipeline = async () => {
    while (performance.now() < deadline) {
      const b = batches++;
      const base = (servers[b % servers.length] as TConsoleServer).base;
      const started = performance.now();
      try {
        const names = Array.from({ length: BATCH_SIZE }, (_, i) => `bench-${run}-${b}-${i}`);
        const submitted = await post(headers, base, "/api/v1/workloads/batch", {
          workloads: names.map((name) => ({ spec: { ...SUBMIT_SPEC, name }, clientKey: name })),
          schedule: true,
        });
        if (submitted.status !== 200)
          throw Object.assign(new Error(JSON.stringify(submitted.json)), { http: true });
        times.push(performance.now() - started);
        const answers = (submitted.json?.workloads ?? []) as { id: string; schedule?: { state?: string } }[];
        for (const answer of answers) {
          let status = answer.schedule?.state === "SCHEDULED" ? 200 : 0;
          if (answer.schedule?.state === "PENDING") {
            const again = await scheduleAgain(headers, base, answer.id);
            retries += again.attempts;
            status = again.status;
          }
          if (status === 200) workloads++;
          else {
            errors++;
            if (errors <= 3)
              console.log(`  submit-batch: ${answer.id} ended ${answer.schedule?.state}, then ${status}`);
          }
        }
      } catch (error) {
        errors++;
        if ((error as { http?: boolean }).http) non2xx++;
        if (errors <= 3) console.log(`  submit-batch error: ${(error as Error).message.slice(0, 300)}`);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: BATCH_CONNECTIONS }, pipeline));
  const seconds = (performance.now() - started) / 1_000;
  const used = cpu();
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
  const row = {
    name: "submit-batch" as const,
    connections: BATCH_CONNECTIONS,
    durationS: SUBMIT_DURATION_S,
    rps: round1(workloads / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    non2xx,
    workloads,
    batchSize: BATCH_SIZE,
    batches: times.length,
    conflictRetries: retries,
    cpuMsPerWorkload: cpuPer(used, workloads),
  };
  report(row);
  console.log(cpuLine("workload", row.cpuMsPerWorkload));
  return row;
}

/**
 * A workload that lost its GPUs to another process's placement: placed and scheduled again,
 * up to 3 times while the schedule answers 409. The last schedule's answer, and the attempts.
 */
async function scheduleAgain(headers: Record<string, string>, base: string, id: string) {
  let answer = { status: 409, json: undefined as unknown };
  let attempts = 0;
  while (answer.status === 409 && attempts < 3) {
    attempts++;
    await post(headers, base, `/api/v1/workloads/${id}/place`, {});
    answer = await post(headers, base, `/api/v1/workloads/${id}/schedule`, {});
  }
  return { ...answer, attempts };
}

/** A POST with the bench token, its status and JSON answer. */
async function post(headers: Record<string, string>, base: string, path: string, body: unknown) {
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  return { status: response.status, json };
}

/** The submit team, created once in the kept estate, with room for any run. */
async function ensureSubmitTeam(prisma: PrismaClient) {
  await prisma.team.upsert({
    where: { id: SUBMIT_TEAM },
    update: {},
    create: {
      id: SUBMIT_TEAM,
      slug: "bench-pipeline",
      name: "Bench pipeline",
      description: "bench:api's submit section: a pipeline submitting one-GPU jobs",
      quotas: { create: { gpuModel: "*", guaranteedGpus: 0, limitGpus: 1_000_000 } },
    },
  });
}

/**
 * Cancels what submit runs left queued or holding GPUs (their GPUs given back), so that the tick
 * finds only its own 50 pending and the next run starts from the same estate.
 */
async function cancelSubmitWorkloads(prisma: PrismaClient) {
  const api = createCallerFactory(appRouter)(createInnerContext({ prisma, user: PLATFORM }));
  const left = await prisma.workload.findMany({
    // Every run's, whichever team it submitted for (runs before this team used the demo's).
    where: {
      name: { startsWith: "bench-" },
      state: { in: ["PENDING", "SCHEDULED", "AWAITING_APPROVAL", "DRAFT"] },
    },
    select: { id: true },
  });
  // A batch run leaves thousands: four at a time.
  let next = 0;
  const worker = async () => {
    while (next < left.length) {
      const { id } = left[next++] as { id: string };
      await api.workload.transition({ id, to: "CANCELLED" });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return left.length;
}

/** GPUs held beyond a node's count, or a count that disagrees with its active allocations. */
async function overAllocations(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (
      SELECT n."id" FROM "GpuNode" n
        LEFT JOIN "Allocation" a ON a."nodeId" = n."id" AND a."status" = 'ACTIVE'
       GROUP BY n."id"
      HAVING COALESCE(SUM(a."gpus"), 0) > n."gpuCount" OR COALESCE(SUM(a."gpus"), 0) <> n."gpuAllocated") bad`;
  return Number(row?.n ?? 0);
}

/** Each process's recommendation for the same spec, once the load is over: they must agree. */
async function replicasAgree(servers: TConsoleServer[], headers: Record<string, string>) {
  const answers: string[] = [];
  for (const server of servers) {
    const response = await fetch(`${server.base}/api/v1/placement/recommend`, {
      method: "POST",
      headers,
      body: JSON.stringify(RECOMMEND_SPEC),
    });
    const json = (await response.json()) as { candidates?: { siteId: string; totalScore?: number }[] };
    answers.push(JSON.stringify((json.candidates ?? []).map((c) => [c.siteId, c.totalScore])));
  }
  return answers.every((a) => a === answers[0]);
}

/**
 * What the tick places: one GPU each for a team with room under its quotas, which the submit
 * section (team-applied-ml, 64 GPUs across models) fills; the tick's workloads of earlier
 * runs are cancelled before and after, so that every run finds the same room.
 */
const TICK_SPEC = { ...SUBMIT_SPEC, teamId: "team-foundation-models", gpuModels: ["H100", "A100-80GB"] };

/** Cancels what earlier tick runs left holding GPUs or pending (their GPUs are given back). */
async function cancelTickWorkloads(prisma: PrismaClient) {
  const api = createCallerFactory(appRouter)(createInnerContext({ prisma, user: PLATFORM }));
  const left = await prisma.workload.findMany({
    where: {
      name: { startsWith: "bench-tick-" },
      state: { in: ["PENDING", "SCHEDULED", "AWAITING_APPROVAL"] },
    },
    select: { id: true },
  });
  for (const { id } of left) await api.workload.transition({ id, to: "CANCELLED" });
}

/**
 * TICKS reconcile ticks, each finding TICK_PENDING pending workloads on this process's warm
 * estate. The first tick of a process also pays for compiling the engine's and Prisma's code
 * paths; a console process runs one every few seconds for as long as it lives, so the median is
 * the figure, and every tick is reported.
 */
async function reconcileTicks(prisma: PrismaClient) {
  const ticks = [];
  for (let i = 0; i < TICKS; i++) ticks.push(await reconcileTickMs(prisma));
  const sorted = ticks.map((t) => t.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  console.log(`  reconcile ticks: ${ticks.map((t) => t.ms).join(", ")} ms; median ${median} ms`);
  return {
    ...(ticks[0] as (typeof ticks)[number]),
    // The fewest any tick scheduled: each should schedule all of them.
    scheduled: Math.min(...ticks.map((t) => t.scheduled)),
    ms: median,
    firstMs: ticks[0]?.ms,
    runsMs: ticks.map((t) => t.ms),
  };
}

/** A reconcile tick that finds TICK_PENDING pending workloads, on this process's warm estate. */
async function reconcileTickMs(prisma: PrismaClient) {
  const api = createCallerFactory(appRouter)(createInnerContext({ prisma, user: PLATFORM }));
  await cancelTickWorkloads(prisma);
  const run = Date.now().toString(36);
  const ids: string[] = [];
  for (let i = 0; i < TICK_PENDING; i++) {
    const { id } = await api.workload.submit({
      spec: { ...TICK_SPEC, name: `bench-tick-${run}-${i}` } as never,
      asDraft: true,
    });
    ids.push(id);
  }
  await prisma.workload.updateMany({ where: { id: { in: ids } }, data: { state: "PENDING" } });
  await estateCache(prisma).current(); // a running console process holds its estate already
  // Every pending workload: the estate's own (the demo's) would otherwise take some of the 50 places.
  const retryLimit = await prisma.workload.count({ where: { state: "PENDING" } });
  const started = performance.now();
  const tick = await runReconcileTick(prisma, {
    silenceSeconds: 86_400,
    holder: "bench-api",
    retryLimit,
  });
  const ms = Math.round(performance.now() - started);
  const scheduled = tick.scheduled.filter((id) => ids.includes(id)).length;
  // What became of the bench's workloads the tick did not schedule, by their reason.
  const left = await prisma.workload.groupBy({
    by: ["state", "stateReason"],
    where: { id: { in: ids.filter((id) => !tick.scheduled.includes(id)) } },
    _count: { _all: true },
  });
  const notScheduled = Object.fromEntries(
    left.map((g) => [`${g.state}: ${g.stateReason ?? ""}`.slice(0, 200), g._count._all]),
  );
  const retried = tick.retried.filter((id) => ids.includes(id)).length;
  console.log(
    `  reconcile tick with ${TICK_PENDING} pending: ${ms} ms, ${scheduled} scheduled, ${retried} taken up by the tick`,
  );
  for (const [reason, n] of Object.entries(notScheduled)) console.log(`    not scheduled (${n}): ${reason}`);
  await cancelTickWorkloads(prisma);
  return { pending: TICK_PENDING, scheduled, ms, retried, notScheduled };
}

/** From spawning a console process to its first answered recommendation (the estate read included). */
async function coldStart(url: string, port: number, headers: Record<string, string>) {
  const started = performance.now();
  const server = await startConsoleServer({ kind: "postgres", url }, port, SERVER_ENV);
  for (;;) {
    const response = await fetch(`${server.base}/api/v1/placement/recommend`, {
      method: "POST",
      headers,
      body: JSON.stringify(RECOMMEND_SPEC),
    });
    await response.text();
    if (response.status === 200) break;
    if (performance.now() - started > 300_000) throw new Error(`cold start: HTTP ${response.status}`);
  }
  const ms = Math.round(performance.now() - started);
  console.log(`  cold start to first placement: ${ms} ms`);
  return { server, ms };
}

/** Rate limits would measure the limiter; the loops would place the tick's work first. */
const SERVER_ENV = { SWITCHYARD_API_RATE_LIMIT: "0", SWITCHYARD_LOOPS: "off" };

async function main() {
  const loadStart = load();
  console.log(`bench:api on postgres, ${SCALE} estate, load ${loadStart.join(" ")}`);
  const { db, url, estate, buildMs } = await prepareApiEstate();
  const servers: TConsoleServer[] = [];
  let workersServer: TConsoleServer | null = null;
  try {
    console.log(`  estate: ${JSON.stringify(estate)}${buildMs === null ? "" : `, built in ${buildMs} ms`}`);
    if (process.env.BENCH_ESTATE_ONLY === "1") return; // build (or check) the estate, measure nothing
    const api = createCallerFactory(appRouter)(createInnerContext({ prisma: db.prisma, user: PLATFORM }));
    const { secret } = await api.token.create({ name: `bench-api-${Date.now()}`, scopes: ["read", "write"] });
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };

    const first =
      runs("cold") || runs("recommend") || runs("submit") || runs("lists")
        ? await coldStart(url, PORT, headers)
        : null;
    if (first) servers.push(first.server);
    if (first && runs("submit"))
      for (const offset of [1, 2])
        servers.push(await startConsoleServer({ kind: "postgres", url }, PORT + offset, SERVER_ENV));
    const main = servers[0] as TConsoleServer;
    const results: (TRun & Record<string, unknown>)[] = [];
    // The same console served from several processes on one port (SWITCHYARD_WORKERS).
    if (WORKERS > 1 && (runs("recommend") || runs("lists")))
      workersServer = await startConsoleServer({ kind: "postgres", url }, PORT + 3, {
        ...SERVER_ENV,
        SWITCHYARD_WORKERS: String(WORKERS),
      });
    const onWorkers = async (run: (server: TConsoleServer, workers: number) => Promise<TRun>) => {
      results.push(await run(main, 1));
      if (workersServer) results.push(await run(workersServer, WORKERS));
    };

    if (runs("recommend")) {
      await onWorkers((server, workers) =>
        cannon("recommend", server, "/api/v1/placement/recommend", headers, RECOMMEND_SPEC, workers),
      );
      // The whole answer, as every recommendation was before answers were compact (issue 16).
      results.push(
        await cannon("recommend-all", main, "/api/v1/placement/recommend", headers, {
          ...RECOMMEND_SPEC,
          candidates: "all",
        }),
      );
    }
    let over: number | null = null;
    let consistent: boolean | null = null;
    if (runs("submit")) {
      await ensureSubmitTeam(db.prisma);
      await cancelSubmitWorkloads(db.prisma);
      // Checked after each run, before cancelling gives the GPUs back.
      over = 0;
      consistent = true;
      for (const mode of SUBMIT_MODES) {
        results.push(
          mode === "batch"
            ? await submitBatches(servers, headers)
            : await submitPlaceSchedule(servers, headers, mode === "two-calls"),
        );
        const runOver = await overAllocations(db.prisma);
        const agree = await replicasAgree(servers, headers);
        console.log(`  over-allocations: ${runOver}; the three processes agree: ${agree}`);
        console.log(`  cancelled the run's ${await cancelSubmitWorkloads(db.prisma)} workloads`);
        over += runOver;
        consistent &&= agree;
      }
    }
    if (runs("lists")) {
      await onWorkers((server, workers) =>
        cannon("workloads-list", server, "/api/v1/workloads?limit=50", headers, undefined, workers),
      );
      await onWorkers((server, workers) =>
        cannon("nodes-list", server, "/api/v1/nodes?limit=50", headers, undefined, workers),
      );
    }
    const rss =
      servers.length > 0 ? Math.max(...servers.map((s) => rssMiB(s.process.pid as number).peakRssMiB)) : null;
    // Each worker holds its own estate: the largest worker's peak (the primary is a few MiB).
    const workersRss = workersServer
      ? Math.max(
          ...processTree(workersServer.process.pid as number).map((pid) => rssMiB(pid, true).peakRssMiB),
        )
      : null;
    const tick = runs("tick") ? await reconcileTicks(db.prisma) : null;
    let estateRefresh: Awaited<ReturnType<typeof measureEstateRefresh>> | null = null;
    if (runs("refresh")) {
      console.log("the estate a decision reads, in process (before and after issue 16):");
      estateRefresh = await measureEstateRefresh(db.prisma, {
        fullReads: Number(process.env.BENCH_FULL_READS ?? 8),
      });
    }

    const name = `${SCALE === "large" ? "api" : `api-${SCALE}`}${ONLY ? "-only" : ""}`;
    const out = join(ROOT, `bench/results/${name}.json`);
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    const result = {
      estate,
      ...(ONLY ? { only: ONLY } : {}),
      runs: results,
      rssMiB: rss,
      ...(workersRss === null ? {} : { workersPeakRssMiB: workersRss }),
      overAllocations: over,
      replicasConsistent: consistent,
      reconcileTick: tick,
      coldStartMs: first?.ms ?? null,
      estateRefresh,
      machine: { cpus: cpus().length, node: process.version, loadAverage: { start: loadStart, end: load() } },
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${out}`);
    if (ONLY && process.env.BENCH_MERGE === "1")
      mergeSections(join(ROOT, `bench/results/${name.replace(/-only$/, "")}.json`), ONLY, result);
  } finally {
    for (const server of servers) server.stop();
    workersServer?.stop();
    await db.close();
  }
}

/** The keys of api.json each section writes. */
const SECTION_KEYS: Record<(typeof SECTIONS)[number], string[]> = {
  cold: ["coldStartMs"],
  recommend: ["workersPeakRssMiB"],
  submit: ["overAllocations", "replicasConsistent"],
  lists: ["workersPeakRssMiB"],
  tick: ["reconcileTick"],
  refresh: ["estateRefresh"],
};
const SECTION_RUNS: Record<(typeof SECTIONS)[number], string[]> = {
  cold: [],
  recommend: ["recommend", "recommend-all"],
  submit: ["submit-place-schedule", "submit-then-schedule", "submit-batch"],
  lists: ["workloads-list", "nodes-list"],
  tick: [],
  refresh: [],
};

/**
 * BENCH_MERGE=1 with BENCH_ONLY: the sections measured replace theirs in the full run's file
 * (api.json), the other sections' figures stay as they were; `merged` records, per section,
 * when it was measured and the load average then (the full run's `machine` is the rest's).
 */
function mergeSections(file: string, only: string[], result: Record<string, unknown>) {
  const base = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & {
    runs: { name: string }[];
    merged?: Record<string, unknown>;
  };
  const sections = only as (typeof SECTIONS)[number][];
  for (const section of sections) {
    for (const key of SECTION_KEYS[section]) base[key] = result[key];
    const names = SECTION_RUNS[section];
    if (names.length > 0)
      base.runs = [
        ...base.runs.filter((r) => !names.includes(r.name)),
        ...(result.runs as { name: string }[]).filter((r) => names.includes(r.name)),
      ];
    base.merged = {
      ...base.merged,
      [section]: { at: new Date().toISOString(), machine: result.machine },
    };
  }
  writeFileSync(file, `${JSON.stringify(base, null, 2)}\n`);
  console.log(`merged ${sections.join(", ")} into ${file}`);
}

main().catch((error: unknown) => {
  console.error(`bench:api failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
