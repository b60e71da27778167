#!/usr/bin/env node
// npm run check:image — the production image checked without a Docker engine (none runs here).
//
//   1. Dockerfile: linted by dockerfile-utils; its stages read with dockerfile-ast (deps copies
//      every workspace's package.json, build runs `node scripts/image.mjs build --out /out`,
//      runtime copies /out only, runs as a non-root user, has a HEALTHCHECK with a start period
//      on /api/health). docker-compose.yml: validated against the compose-spec JSON schema
//      (ajv) and passes every variable of the README's Configuration table. .dockerignore keeps
//      node_modules, builds, local data and secrets out of the build context.
//   2. The build stage's command, here: the standalone console and the bundled set-up laid out
//      in dist/image as the runtime's /app.
//   3. No dev dependency in that layout (package-lock.json's `dev` flags), nor in the bundle.
//   4. The layout started as `nobody` (root-owned files, only the data directory and a temporary
//      directory writable) on a new PGlite directory, again on the same one, and on a new
//      PostgreSQL database: migrations applied, /api/health healthy, a signed-in page renders,
//      nothing written inside the layout. PostgreSQL again with SWITCHYARD_WORKERS=2: two worker
//      processes, /api/metrics summing both whichever answers, a killed worker replaced, all of
//      them stopped by SIGTERM; SWITCHYARD_WORKERS=2 on PGlite refused at start.
// What it cannot prove: that Docker builds the image (base image, npm ci in the deps stage,
// COPY semantics), nor the container's read-only mounts and tmpfs. See the README.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { assembleImage } from "./image.mjs";
import { BUILD_COMMAND, staticImageChecks } from "./image-checks.mjs";
import { buildConsole, CONSOLE_HEAP_FLAGS, generatePrismaClient, log, ROOT } from "./lib.mjs";

const OUT = join(ROOT, "dist/image");
const LOGS = join(ROOT, "dist/image-check");
const started = Date.now();
const problems = [];
let passes = 0;
const problem = (message) => {
  problems.push(message);
  console.log(`  ✗ ${message}`);
};
const passed = (message) => {
  passes += 1;
  console.log(`  ✓ ${message}`);
};
const expect = (condition, message) => (condition ? passed(message) : problem(message));
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// ── 1. Dockerfile, compose file, .dockerignore ─────────────────────────────────────────────
log("check:image 1/4: Dockerfile, docker-compose.yml, .dockerignore");
for (const { ok, message } of await staticImageChecks(ROOT, (path) => readFileSync(join(ROOT, path), "utf8")))
  expect(ok, message);
// ── 2. The build stage, here ──────────────────────────────────────────────────────────────
log(`check:image 2/4: the build stage's \`${BUILD_COMMAND}\`, into dist/image (${seconds()})`);
generatePrismaClient();
buildConsole();
const { metafile } = assembleImage(OUT);
passed(`dist/image laid out (${seconds()})`);

// ── 3. No dev dependencies ─────────────────────────────────────────────────────────────────
log("check:image 3/4: no dev dependencies in the runtime");
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages;
/** name@version → true when every copy of it in the lockfile is dev-only. */
const devOnly = new Map();
for (const [path, entry] of Object.entries(lock)) {
  if (!path.includes("node_modules/") || entry.link) continue;
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const key = `${name}@${entry.version}`;
  devOnly.set(key, (devOnly.get(key) ?? true) && entry.dev === true);
}
const found = new Map();
function walkPackages(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const target = realpathSync(path);
      if (!target.startsWith(OUT + sep))
        problem(`${relative(OUT, path)} links outside the image (${target})`);
      continue;
    }
    if (!entry.isDirectory()) continue;
    if (entry.name.startsWith("@")) {
      walkPackages(path);
      continue;
    }
    const manifest = join(path, "package.json");
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, "utf8"));
      if (name && version) found.set(`${name}@${version}`, relative(OUT, path));
    }
    walkPackages(join(path, "node_modules"));
  }
}
walkPackages(join(OUT, "node_modules"));
walkPackages(join(OUT, "apps/web/node_modules"));
walkPackages(join(OUT, "apps/web/.next/node_modules"));
for (const input of Object.keys(metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!match) continue;
  const { version } = JSON.parse(
    readFileSync(join(ROOT, input.slice(0, match.index + match[0].length), "package.json"), "utf8"),
  );
  found.set(`${match[1]}@${version}`, `bin/setup.mjs (bundled ${match[1]})`);
}
const unknownOrDev = [...found].filter(([key]) => devOnly.get(key) !== false);
for (const [key, where] of unknownOrDev)
  problem(`${key} in ${where} is ${devOnly.has(key) ? "a dev dependency" : "not in package-lock.json"}`);
expect(unknownOrDev.length === 0, `${found.size} packages in the runtime, none of them a dev dependency`);

// ── 4. Start it as an unprivileged user ────────────────────────────────────────────────────
log(`check:image 4/4: the runtime as an unprivileged user (${seconds()})`);
const isRoot = process.getuid?.() === 0;
if (!isRoot) problem("starting the runtime as `nobody` needs root (to drop to its uid); CI runs as root");
rmSync(LOGS, { recursive: true, force: true });
mkdirSync(LOGS, { recursive: true });
const NOBODY = 65534;
const migrationCount = readdirSync(join(ROOT, "prisma/migrations"), { withFileTypes: true }).filter(
  (e) => e.isDirectory() && existsSync(join(ROOT, "prisma/migrations", e.name, "migration.sql")),
).length;

function writableDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

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

/** Files under dist/image modified after `since` (the server must write none). */
function writtenInside(since) {
  const changed = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (lstatSync(path).mtimeMs > since) changed.push(relative(OUT, path));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(OUT);
  return changed;
}

async function startRuntime(name, env) {
  const port = await freePort();
  const logFile = join(LOGS, `${name}.log`);
  const fd = openSync(logFile, "w");
  // Started as `nobody` by Node itself (setgid, setuid, no supplementary groups), not through
  // runuser: runuser answers SIGTERM by killing its child two seconds later, which would cut a
  // graceful shutdown (and the PGlite lock's release) short and make this check a coin toss.
  const child = spawn(process.execPath, [join(OUT, "entrypoint.mjs")], {
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    cwd: OUT,
    detached: true,
    stdio: ["ignore", fd, fd],
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: "/nonexistent",
      NODE_ENV: "production",
      // As the Dockerfile sets it (its static check holds the two equal).
      NODE_OPTIONS: CONSOLE_HEAP_FLAGS.join(" "),
      PORT: String(port),
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      SWITCHYARD_REQUIRE_AUTH_SECRET: "1",
      SWITCHYARD_DATA_DIR: "/data",
      ...env,
    },
  });
  closeSync(fd);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  return { port, logFile, child, exited, log: () => readFileSync(logFile, "utf8") };
}

/** SIGTERM (what `docker stop` sends); true when its process group ended by itself within 15 s. */
async function stopRuntime(run) {
  if (run.child.exitCode !== null) return false;
  let killed = false;
  try {
    process.kill(-run.child.pid, "SIGTERM");
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    killed = true;
    try {
      process.kill(-run.child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }, 15_000);
  await run.exited;
  // Wait for the whole process group too, so "stopped" means everything the server started is
  // gone (and its lock released).
  while (!killed && groupAlive(run.child.pid)) await new Promise((resolve) => setTimeout(resolve, 100));
  clearTimeout(timer);
  return !killed;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

async function waitHealthy(run, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null) return { ok: false, last: `the process exited (${run.child.exitCode})` };
    try {
      const response = await fetch(`http://127.0.0.1:${run.port}/api/health`);
      const body = await response.json();
      last = `HTTP ${response.status} ${JSON.stringify(body)}`;
      if (response.ok) return { ok: true, body, ms: timeoutMs - (deadline - Date.now()) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ok: false, last };
}

/** Signs in as the demo admin through next-auth's credentials flow; returns the session cookie. */
async function signIn(base) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const { csrfToken } = await csrf.json();
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: cookies.join("; "),
      origin: base,
    },
    body: new URLSearchParams({
      csrfToken,
      email: "admin@switchyard.demo",
      password: "switchyard",
      json: "true",
    }),
  });
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("next-auth.session-token="));
}

/** The processes whose parent is `pid` (a console primary's workers). */
function childPids(pid) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** GET on a connection of its own (no keep-alive): the primary hands each new one to the next worker. */
function freshGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode, body }));
    }).on("error", reject);
  });
}

const METRICS_TOKEN = randomBytes(24).toString("hex");

/** The health checks /api/metrics has counted (every status). */
async function healthChecksCounted(base) {
  const { status, body } = await freshGet(`${base}/api/metrics`, {
    authorization: `Bearer ${METRICS_TOKEN}`,
  });
  if (status !== 200) return null;
  let total = 0;
  for (const match of body.matchAll(/^switchyard_http_requests_total\{([^}]*)\} (\d+)$/gm))
    if (match[1].includes('route="/api/health"')) total += Number(match[2]);
  return total;
}

/** SWITCHYARD_WORKERS=2: both workers run, metrics add up across them, a dead one is replaced. */
async function workersChecks(name, run, base) {
  expect(
    /serving the console from 2 worker processes/.test(run.log()),
    `${name}: the log says 2 worker processes`,
  );
  const workers = childPids(run.child.pid);
  expect(workers.length === 2, `${name}: the primary runs 2 worker processes (${workers.length})`);
  // Whichever worker answers the scrape, it counts the health checks every worker answered.
  for (let round = 1; round <= 2; round++) {
    const before = await healthChecksCounted(base);
    for (let i = 0; i < 20; i++) await freshGet(`${base}/api/health`);
    const after = await healthChecksCounted(base);
    expect(
      before !== null && after !== null && after - before === 20,
      `${name}: /api/metrics counts all 20 health checks spread over the workers (round ${round}: ${before} then ${after})`,
    );
  }
  // A worker that dies is replaced; the console answers meanwhile from the other.
  process.kill(workers[0], "SIGKILL");
  const deadline = Date.now() + 60_000;
  let now = [];
  while (Date.now() < deadline) {
    now = childPids(run.child.pid);
    if (now.length === 2 && !now.includes(workers[0]) && (await waitHealthy(run, 5_000)).ok) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(
    now.length === 2 && !now.includes(workers[0]),
    `${name}: a killed worker is replaced by a new one (${now.length} running)`,
  );
  run.workers = () => [...childPids(run.child.pid), ...now];
}

async function exercise(name, env, expectations) {
  const since = Date.now();
  const run = await startRuntime(name, env);
  try {
    const health = await waitHealthy(run);
    const base = `http://127.0.0.1:${run.port}`;
    expect(
      health.ok,
      `${name}: /api/health healthy after ${((health.ms ?? 0) / 1000).toFixed(1)} s (${health.ok ? "ok" : health.last})`,
    );
    if (!health.ok) return run;
    const migrations = health.body.migrations;
    expect(
      migrations?.current === true && migrations.applied === migrationCount,
      `${name}: ${migrations?.applied}/${migrationCount} migrations applied, none pending`,
    );
    expect(expectations.log.test(run.log()), `${name}: the set-up said ${expectations.log}`);
    const anonymous = await fetch(`${base}/sites`, { redirect: "manual" });
    expect(
      anonymous.status >= 300 && anonymous.status < 400,
      `${name}: /sites without a session redirects to sign-in (${anonymous.status})`,
    );
    const session = await signIn(base);
    expect(Boolean(session), `${name}: admin@switchyard.demo signs in`);
    if (session) {
      const page = await fetch(`${base}/sites`, { headers: { cookie: session } });
      const html = await page.text();
      expect(
        page.status === 200 && html.includes("Import catalog"),
        `${name}: /sites renders for the signed-in admin (${page.status})`,
      );
      const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
      const assetResponse = asset ? await fetch(`${base}${asset}`) : null;
      expect(
        assetResponse?.status === 200,
        `${name}: its static assets are served (${asset ?? "none found"})`,
      );
    }
    if (env.SWITCHYARD_WORKERS) await workersChecks(name, run, base);
    return run;
  } finally {
    const workers = run.workers?.() ?? [];
    const stopped = await stopRuntime(run);
    expect(stopped, `${name}: stops on SIGTERM`);
    if (workers.length > 0)
      expect(
        workers.every((pid) => !existsSync(`/proc/${pid}`)),
        `${name}: its worker processes are gone too`,
      );
    if (!env.DATABASE_URL)
      expect(
        !existsSync(join(env.SWITCHYARD_DATA_DIR, "pglite.lock")),
        `${name}: the PGlite lock is released`,
      );
    const written = writtenInside(since);
    expect(
      written.length === 0,
      `${name}: nothing written inside the image layout${written.length ? ` (${written.slice(0, 5).join(", ")})` : ""}`,
    );
  }
}

if (isRoot) {
  const writable = spawnSync("find", [OUT, "-writable", "-print", "-quit"], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: "utf8",
  });
  expect(writable.status === 0 && writable.stdout.trim() === "", "`nobody` can write nothing in dist/image");
}

const tmp = writableDir("switchyard-image-tmp-");

/** How a start that must fail ended: its exit status, or a sentence when it ran on (then stopped). */
async function exitWithin(run, ms = 60_000) {
  let timer;
  const outcome = await Promise.race([
    run.exited,
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(`still running after ${ms / 1000} s`), ms);
    }),
  ]);
  clearTimeout(timer);
  await stopRuntime(run);
  return outcome;
}

/** A new PGlite directory, then a second start on it. */
async function pgliteRuns() {
  const pgliteData = writableDir("switchyard-image-data-");
  try {
    const env = { SWITCHYARD_DATA_DIR: pgliteData, TMPDIR: tmp };
    await exercise("PGlite, new database", env, { log: /applied \d{14}_/ });
    await exercise("PGlite, second start", env, { log: /schema is up to date/ });
    // A setting the API reads that is not valid stops the start and names the variable.
    const bad = await startRuntime("PGlite, bad setting", { ...env, SWITCHYARD_API_RATE_LIMIT: "lots" });
    const outcome = await exitWithin(bad);
    expect(
      outcome === 1 && /SWITCHYARD_API_RATE_LIMIT must be a whole number/.test(bad.log()),
      `PGlite: SWITCHYARD_API_RATE_LIMIT=lots stops the start and names the variable (${outcome})`,
    );
    // Several processes cannot share the embedded database: refused before the set-up runs.
    const workers = await startRuntime("PGlite, two workers", { ...env, SWITCHYARD_WORKERS: "2" });
    const refused = await exitWithin(workers);
    expect(
      refused === 1 && /SWITCHYARD_WORKERS=2 needs PostgreSQL \(DATABASE_URL\)/.test(workers.log()),
      `PGlite: SWITCHYARD_WORKERS=2 stops the start and says it needs PostgreSQL (${refused})`,
    );
  } finally {
    rmSync(pgliteData, { recursive: true, force: true });
  }
}

/** A new PostgreSQL database (TEST_DATABASE_URL's server, or the local one), dropped after. */
async function postgresRuns() {
  if (process.env.SWITCHYARD_TEST_PG === "off") {
    console.log("  - PostgreSQL left out on purpose (SWITCHYARD_TEST_PG=off)");
    return;
  }
  const { default: pg } = await import("pg");
  const adminUrl =
    process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgresql://postgres@127.0.0.1:5432/postgres";
  const database = `switchyard_image_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    problem(
      `PostgreSQL at ${adminUrl.replace(/:[^:@/]*@/, ":***@")} does not answer (${error.message}); set TEST_DATABASE_URL or SWITCHYARD_TEST_PG=off`,
    );
    return;
  }
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dataDir = writableDir("switchyard-image-pgdata-");
  try {
    await exercise(
      "PostgreSQL, new database",
      { DATABASE_URL: url.toString(), SWITCHYARD_DATA_DIR: dataDir, TMPDIR: tmp },
      { log: /applied \d{14}_/ },
    );
    const direct = new pg.Client({ connectionString: url.toString() });
    await direct.connect();
    const { rows } = await direct.query(
      'SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    await direct.end();
    expect(
      rows[0].n === migrationCount,
      `PostgreSQL: _prisma_migrations records ${rows[0].n}/${migrationCount} migrations`,
    );
    // The same database served from two worker processes on one port.
    await exercise(
      "PostgreSQL, two workers",
      {
        DATABASE_URL: url.toString(),
        SWITCHYARD_DATA_DIR: dataDir,
        TMPDIR: tmp,
        SWITCHYARD_WORKERS: "2",
        SWITCHYARD_METRICS_TOKEN: METRICS_TOKEN,
      },
      { log: /schema is up to date/ },
    );
    // Workers that cannot start (a bad setting) stop the console instead of restarting forever.
    const crashing = await startRuntime("PostgreSQL, two workers, bad setting", {
      DATABASE_URL: url.toString(),
      SWITCHYARD_DATA_DIR: dataDir,
      TMPDIR: tmp,
      SWITCHYARD_WORKERS: "2",
      SWITCHYARD_API_RATE_LIMIT: "lots",
    });
    const crashed = await exitWithin(crashing, 120_000);
    expect(
      crashed === 1 && /5 console workers in a row exited within 30 s of starting/.test(crashing.log()),
      `PostgreSQL: two workers that exit at start (SWITCHYARD_API_RATE_LIMIT=lots) stop the console (${crashed})`,
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// The two databases side by side: each run has its own port, data directory and log.
for (const outcome of await Promise.allSettled([pgliteRuns(), postgresRuns()]))
  if (outcome.status === "rejected")
    problem(`the check itself failed: ${outcome.reason?.stack ?? outcome.reason}`);
rmSync(tmp, { recursive: true, force: true });

console.log("");
// `npm test` counts each check as a test (scripts/test.mjs).
const reportAt = process.argv.indexOf("--report");
if (reportAt > 0 && process.argv[reportAt + 1])
  writeFileSync(process.argv[reportAt + 1], JSON.stringify({ passed: passes, failed: problems.length }));
if (problems.length > 0) {
  for (const file of readdirSync(LOGS)) {
    console.log(`── ${file} (last lines) ──`);
    console.log(readFileSync(join(LOGS, file), "utf8").split("\n").slice(-20).join("\n"));
  }
  log(`check:image failed: ${problems.length} problem(s) (${seconds()}); server logs in dist/image-check/`);
  process.exit(1);
}
log(`check:image passed (${seconds()}). No Docker engine ran: see the README for what this proves.`);
