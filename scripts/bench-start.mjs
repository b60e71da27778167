#!/usr/bin/env node
// npm run bench:start — `npm start` on a new database, then again with nothing changed (the
// issue's target: a healthy console in ≤ 10 s), on PGlite and on PostgreSQL. For each: seconds to each step and to a
// healthy /api/health, CPU seconds of the whole process tree, and the load average, since this
// machine is shared. Writes bench/results/start.json. `-- --rebuild` rebuilds the console in
// the first start (otherwise an up-to-date build is reused). `-- <script>` times another start
// script (e.g. an older scripts/start.mjs, for a before/after comparison).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { log, ROOT, requireInstall, WEB } from "./lib.mjs";

requireInstall();
const args = process.argv.slice(2);
const START_SCRIPT = join(ROOT, args.find((a) => !a.startsWith("--")) ?? "scripts/start.mjs");
const TICKS = 100; // USER_HZ on Linux
const STEPS = [
  ["prisma client", /Prisma client (is up to date|generated)/],
  ["console build", /console build is up to date|building the console/],
  ["database set-up", /database set-up skipped|schema is up to date|applied \d{14}_/],
  ["server started", /starting the console/],
  ["healthy", /console ready at/],
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CPU seconds of a live process and its live descendants, including children they reaped. */
function treeCpuSeconds(pid) {
  let total = 0;
  const visit = (id) => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime, stime, cutime, cstime: fields 14-17 of /proc/<pid>/stat (index 11-14 here)
      total += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / TICKS;
      for (const task of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${task}/children`, "utf8").trim();
        for (const child of children ? children.split(" ") : []) visit(child);
      }
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return total;
}

/** Signals the start script's process group (it and the server); nothing when it has ended. */
function signal(child, name) {
  try {
    process.kill(-child.pid, name);
  } catch {
    // already gone
  }
}

async function startOnce(name, env) {
  const load = loadavg();
  const started = performance.now();
  const child = spawn(process.execPath, [START_SCRIPT], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const steps = {};
  const lines = [];
  const healthy = new Promise((resolve) => {
    const onData = (data) => {
      for (const line of data.toString().split("\n")) {
        if (!line.trim()) continue;
        const at = (performance.now() - started) / 1000;
        lines.push(`${at.toFixed(2).padStart(7)} ${line}`);
        for (const [step, pattern] of STEPS)
          if (!(step in steps) && pattern.test(line)) steps[step] = Math.round(at * 100) / 100;
        if (/console ready at/.test(line)) resolve(true);
        if (/did not report healthy|error:/.test(line)) resolve(false);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", () => resolve(false));
  });
  const timer = setTimeout(() => signal(child, "SIGTERM"), 600_000);
  const ok = await healthy;
  const secondsToHealthy = (performance.now() - started) / 1000;
  const cpuSeconds = treeCpuSeconds(child.pid);
  const result = {
    name,
    healthy: ok,
    secondsToHealthy: Math.round(secondsToHealthy * 100) / 100,
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    loadAverageAtStart: load.map((l) => Math.round(l * 100) / 100),
    loadAverageAtHealthy: loadavg().map((l) => Math.round(l * 100) / 100),
    stepsSeconds: steps,
  };
  clearTimeout(timer);
  const exited = new Promise((resolve) => child.on("exit", resolve));
  signal(child, "SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) signal(child, "SIGKILL");
  console.log(lines.join("\n"));
  log(
    `${name}: healthy ${ok ? "" : "NOT "}after ${result.secondsToHealthy} s, ${result.cpuSeconds} CPU s, load ${result.loadAverageAtStart.join(" ")}`,
  );
  return result;
}

/** A first and a second start on one database; `databaseUrl` null: the embedded PGlite. */
async function pair(label, databaseUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), "switchyard-bench-start-"));
  try {
    const port = await freePort();
    const env = { ...process.env, SWITCHYARD_DATA_DIR: dataDir, PORT: String(port) };
    delete env.DATABASE_URL;
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    return [
      await startOnce(`${label}: first start, new database`, env),
      await startOnce(`${label}: second start, nothing changed`, env),
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (args.includes("--rebuild")) rmSync(join(WEB, ".next/switchyard-build-stamp"), { force: true });
const runs = await pair("PGlite", null);
// The same on a new PostgreSQL database (TEST_DATABASE_URL's server, or the local one).
const { default: pg } = await import("pg");
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const database = `switchyard_bench_start_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
let postgres = "measured";
try {
  await admin.connect();
} catch (error) {
  postgres = `not measured: PostgreSQL at ${adminUrl} does not answer (${error.message})`;
  log(postgres);
}
if (postgres === "measured") {
  await admin.query(`CREATE DATABASE "${database}"`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    runs.push(...(await pair("PostgreSQL", url.toString())));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}
const out = join(ROOT, "bench/results/start.json");
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version },
  seed: "demo",
  target: "second start healthy in <= 10 s (issue 20)",
  script: START_SCRIPT.slice(ROOT.length + 1),
  postgres,
  runs,
};
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${out}`);
for (const run of runs)
  log(
    `${run.name}: ${run.secondsToHealthy} s to healthy, ${run.cpuSeconds} CPU s, load ${run.loadAverageAtStart[0]}`,
  );
if (!runs.every((r) => r.healthy)) process.exitCode = 1;
