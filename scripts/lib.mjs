// Helpers shared by the start, dev and test scripts. Plain Node; esbuild (a dev dependency)
// bundles the set-up once per console build, and pg asks PostgreSQL whether it is current.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB = join(ROOT, "apps/web");
export const NEXT_BIN = join(ROOT, "node_modules/next/dist/bin/next");
export const TSX_BIN = join(ROOT, "node_modules/tsx/dist/cli.mjs");
/** Next.js's standalone server (output: "standalone"), what `npm start` and the image run. */
export const STANDALONE_SERVER = join(WEB, ".next/standalone/apps/web/server.js");
/**
 * V8's heap settings for a console process (npm start, the e2e server, bench:api; the image sets
 * the same in its NODE_OPTIONS). Its live heap at 500 sites / 50,000 nodes under load is about
 * 160 MiB; left alone, V8 lets garbage grow the old space past 700 MiB before collecting, and
 * the process past 1 GiB. Capped so, bench:api measured 535-563 MiB at the same throughput.
 */
export const CONSOLE_HEAP_FLAGS = ["--max-old-space-size=768", "--max-semi-space-size=32"];

/** CONSOLE_HEAP_FLAGS but those NODE_OPTIONS already sets: an operator's choice wins (a larger estate). */
export function consoleNodeFlags(nodeOptions = process.env.NODE_OPTIONS ?? "") {
  return CONSOLE_HEAP_FLAGS.filter((flag) => !nodeOptions.includes(flag.split("=")[0]));
}
/** The set-up CLI bundled with each console build, so `npm start` runs it without tsx. */
export const SETUP_BUNDLE = join(WEB, ".next/switchyard-setup/setup.mjs");

export function log(message) {
  console.log(`switchyard: ${message}`);
}

export function fail(message, code = 1) {
  console.error(`switchyard: error: ${message}`);
  process.exit(code);
}

/** Runs a command to completion with inherited output; exits the script when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: ROOT, ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    if (options.allowFailure) return result.status ?? 1;
    fail(
      options.failMessage ?? `${[command, ...args].join(" ")} exited with ${result.status}`,
      result.status ?? 1,
    );
  }
  return 0;
}

/**
 * A child that prints "switchyard: <label>… 45 s" every `everyMs` until it is killed or its
 * parent is gone. It runs beside a blocking spawnSync, whose parent cannot tick by itself.
 */
const PROGRESS_TICKER = `
const [label, everyMs, parent] = process.argv.slice(1);
const started = Date.now();
setInterval(() => {
  try { process.kill(Number(parent), 0); } catch { process.exit(0); }
  console.log("switchyard: " + label + "… " + Math.round((Date.now() - started) / 1000) + " s");
}, Number(everyMs));
`;

/** run(), saying every `everyMs` (default 15 s) that it is still at work: a long build is never silent. */
export function runWithProgress(label, command, args, options = {}) {
  const everyMs = Number(process.env.SWITCHYARD_PROGRESS_MS ?? 15_000);
  const ticker = spawn(
    process.execPath,
    ["-e", PROGRESS_TICKER, label, String(everyMs), String(process.pid)],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  try {
    return run(command, args, options);
  } finally {
    ticker.kill();
  }
}

export function requireInstall() {
  if (!existsSync(join(ROOT, "node_modules/next")) || !existsSync(TSX_BIN)) {
    fail("dependencies are missing: run `npm install` first");
  }
}

export function generatePrismaClient() {
  run(process.execPath, [join(ROOT, "scripts/prisma-generate.mjs")]);
}

/**
 * migrate; seed an empty database with the demo and play its approvals; create the first
 * admin (SWITCHYARD_ADMIN_EMAIL). One process (PGlite allows one opener at a time). Returns
 * what it did: { seededDemo, demoPresent, adminCreated }.
 */
export function setupDatabase(env, { bundled = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-setup-"));
  const report = join(dir, "report.json");
  const cli =
    bundled && existsSync(SETUP_BUNDLE)
      ? [SETUP_BUNDLE]
      : [TSX_BIN, join(ROOT, "packages/api/src/auth/cli.ts")];
  try {
    run(process.execPath, [...cli, "setup", "--report", report], {
      env,
      failMessage: "database set-up failed (see the line above)",
    });
    return JSON.parse(readFileSync(report, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the set-up of an embedded database depends on: the migrations, the seed choice and the
 * first admin's email, plus the identity of the PGlite directory (a new or restored directory
 * is another database).
 */
function setupFingerprint(env) {
  if (env.DATABASE_URL) return null;
  const versionFile = join(env.SWITCHYARD_DATA_DIR, "pglite", "PG_VERSION");
  if (!existsSync(versionFile)) return null;
  const { ino, birthtimeMs } = statSync(versionFile);
  const hash = createHash("sha256").update(`${ino}:${birthtimeMs}\n`);
  hash.update(`seed=${env.SWITCHYARD_SEED ?? ""}\nadmin=${env.SWITCHYARD_ADMIN_EMAIL?.trim() ?? ""}\n`);
  for (const { name, checksum } of localMigrations()) hash.update(`${name}=${checksum}\n`);
  return hash.digest("hex");
}

/** Each migration's name and checksum (sha256 of its SQL), as the runner records them. */
function localMigrations() {
  const dir = join(ROOT, "prisma/migrations");
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "migration.sql")))
    .sort()
    .map((name) => ({
      name,
      checksum: createHash("sha256")
        .update(readFileSync(join(dir, name, "migration.sql"), "utf8"))
        .digest("hex"),
    }));
}

/**
 * PostgreSQL: the set-up's report when the set-up would change nothing (every migration of
 * this checkout applied with its checksum, none other, none half-done, and users present, so
 * neither the seed nor the first admin applies); null otherwise, or when in doubt.
 */
async function postgresSetupIsCurrent(env) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows: applied } = await client.query(
      'SELECT migration_name AS name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const local = localMigrations();
    const current =
      applied.length === local.length &&
      applied.every((row) => row.finished_at !== null) &&
      local.every((m) => applied.some((row) => row.name === m.name && row.checksum === m.checksum));
    if (!current) return null;
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM "User")::int AS users,
              EXISTS (SELECT 1 FROM "User" WHERE email = 'admin@switchyard.demo' AND "passwordHash" IS NOT NULL) AS demo`,
    );
    if (rows[0].users === 0) return null;
    return { seededDemo: false, demoPresent: rows[0].demo, adminCreated: null };
  } catch {
    return null; // no table yet, no connection: the set-up says what is wrong
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The set-up, skipped when it would change nothing. On the embedded database: when the
 * migrations, seed choice and first admin have not changed since the last successful set-up
 * of that directory (a stamp in the data directory). On PostgreSQL (which other processes may
 * change): when one query finds every migration applied and users present. Otherwise the
 * set-up runs, bundled (no tsx).
 */
export async function setupDatabaseIfChanged(env) {
  const stampFile = join(env.SWITCHYARD_DATA_DIR, "setup-stamp.json");
  if (env.DATABASE_URL) {
    const report = await postgresSetupIsCurrent(env);
    if (report) {
      log("database set-up skipped: every migration applied and users present");
      return report;
    }
    return setupDatabase(env, { bundled: true });
  }
  const before = setupFingerprint(env);
  if (before && existsSync(stampFile)) {
    try {
      const stamp = JSON.parse(readFileSync(stampFile, "utf8"));
      if (stamp.fingerprint === before) {
        log("database set-up skipped: migrations, seed and admin unchanged since the last start");
        return { ...stamp.report, seededDemo: false, adminCreated: null };
      }
    } catch {
      // an unreadable stamp: set up again
    }
  }
  rmSync(stampFile, { force: true });
  const report = setupDatabase(env, { bundled: true });
  const after = setupFingerprint(env);
  if (after) writeFileSync(stampFile, JSON.stringify({ fingerprint: after, report }));
  return report;
}

/**
 * Fails fast, before any build, when another process holds the embedded database's
 * directory (the pid file packages/db/src/pglite.ts keeps next to it).
 */
export function checkDataDirLock(env) {
  if (env.DATABASE_URL) return;
  const lockPath = `${join(env.SWITCHYARD_DATA_DIR, "pglite")}.lock`;
  if (!existsSync(lockPath)) return;
  const holder = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
  if (!Number.isInteger(holder) || holder === process.pid) return;
  try {
    process.kill(holder, 0);
  } catch (error) {
    if (error.code !== "EPERM") return; // a stale lock: the database code takes it over
  }
  fail(
    `The embedded database in ${join(env.SWITCHYARD_DATA_DIR, "pglite")} is in use by process ${holder}; stop that process or set SWITCHYARD_DATA_DIR to another directory`,
  );
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // The generated Prisma client is covered by schema.prisma, hashed below.
    if (
      entry.name === "node_modules" ||
      entry.name === ".next" ||
      entry.name === "generated" ||
      entry.name.startsWith(".turbo")
    )
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else yield path;
  }
}

/** A fingerprint of everything the console build depends on, to skip rebuilding when nothing changed. */
export function buildFingerprint() {
  const hash = createHash("sha256");
  const inputs = [
    join(WEB, "src"),
    join(ROOT, "packages/api/src"),
    join(ROOT, "packages/db/src"),
    join(ROOT, "packages/placement/src"),
  ];
  for (const dir of inputs.filter((d) => existsSync(d))) {
    for (const file of sourceFiles(dir)) hash.update(file).update(String(statSync(file).mtimeMs));
  }
  for (const file of [
    "package-lock.json",
    "apps/web/next.config.ts",
    "apps/web/package.json",
    "prisma/schema.prisma",
    "prisma.config.ts",
  ]) {
    const path = join(ROOT, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest("hex");
}

/** Loaded from node_modules at run time (wasm, native files): never bundled. */
const RUNTIME_PACKAGES = [
  "@electric-sql/pglite",
  "pglite-prisma-adapter",
  "pg",
  "@prisma/adapter-pg",
  "@prisma/client",
];

/**
 * esbuild's bundle of the set-up CLI (packages/api/src/auth/cli.ts): one ES module, the
 * database drivers left to node_modules. `seedSource` is where packages/db/src/seed/index.ts
 * lies for the bundle (it finds the demo's price catalog next to itself). Returns esbuild's
 * result; its metafile lists what was bundled.
 */
export function bundleSetup(outFile, seedSource = join(ROOT, "packages/db/src/seed/index.ts")) {
  const { buildSync } = createRequire(import.meta.url)("esbuild");
  const seedUrl = relative(dirname(outFile), seedSource).split("\\").join("/");
  return buildSync({
    entryPoints: [join(ROOT, "packages/api/src/auth/cli.ts")],
    outfile: outFile,
    bundle: true,
    metafile: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    external: RUNTIME_PACKAGES,
    define: { "import.meta.url": "__switchyardSourceUrl" },
    banner: {
      js: [
        'import { createRequire as __switchyardCreateRequire } from "node:module";',
        "const require = __switchyardCreateRequire(import.meta.url);",
        `const __switchyardSourceUrl = new URL(${JSON.stringify(seedUrl)}, import.meta.url).href;`,
      ].join("\n"),
    },
    logLevel: "warning",
    legalComments: "none",
  });
}

export function buildConsole({ force = false } = {}) {
  const stampFile = join(WEB, ".next/switchyard-build-stamp");
  const fingerprint = buildFingerprint();
  if (
    !force &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === fingerprint &&
    existsSync(STANDALONE_SERVER) &&
    existsSync(SETUP_BUNDLE)
  ) {
    log("console build is up to date");
    return;
  }
  log("building the console (next build; the first build takes a few minutes)…");
  runWithProgress("building the console", process.execPath, [NEXT_BIN, "build"], {
    cwd: WEB,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  // The standalone server serves the build's static files from beside itself.
  cpSync(join(WEB, ".next/static"), join(WEB, ".next/standalone/apps/web/.next/static"), { recursive: true });
  if (existsSync(join(WEB, "public")))
    cpSync(join(WEB, "public"), join(WEB, ".next/standalone/apps/web/public"), { recursive: true });
  bundleSetup(SETUP_BUNDLE);
  writeFileSync(stampFile, fingerprint);
}

/**
 * Bundles the `switchyard` CLI into packages/cli/dist (esbuild, about a second): `npx switchyard`
 * then runs the bundle, and the browser tests' cli spec packs it.
 */
export function buildCli() {
  log("building the switchyard CLI (packages/cli/dist)…");
  run(process.execPath, [join(ROOT, "packages/cli/build.mjs")], { cwd: join(ROOT, "packages/cli") });
}

/** Starts a long-running child and forwards Ctrl-C and SIGTERM to it. */
export function serve(command, args, options) {
  const child = spawn(command, args, { stdio: "inherit", ...options });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  return child;
}

export async function waitForHealth(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export function resolvePort() {
  const raw = process.env.PORT ?? "3000";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`PORT must be a TCP port number (1-65535), got "${raw}"`);
  return port;
}

/** Environment for the console and the database CLI: one data directory, absolute. */
export function consoleEnv(port) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port) };
  env.SWITCHYARD_DATA_DIR = resolve(ROOT, process.env.SWITCHYARD_DATA_DIR || ".data");
  env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  return env;
}
