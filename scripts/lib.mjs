// Helpers shared by the start, dev and test scripts. Plain Node, no dependencies.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB = join(ROOT, "apps/web");
export const NEXT_BIN = join(ROOT, "node_modules/next/dist/bin/next");
export const TSX_BIN = join(ROOT, "node_modules/tsx/dist/cli.mjs");

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
export function setupDatabase(env) {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-setup-"));
  const report = join(dir, "report.json");
  try {
    run(
      process.execPath,
      [TSX_BIN, join(ROOT, "packages/api/src/auth/cli.ts"), "setup", "--report", report],
      {
        env,
        failMessage: "database set-up failed (see the line above)",
      },
    );
    return JSON.parse(readFileSync(report, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

export function buildConsole({ force = false } = {}) {
  const stampFile = join(WEB, ".next/switchyard-build-stamp");
  const fingerprint = buildFingerprint();
  if (!force && existsSync(stampFile) && readFileSync(stampFile, "utf8") === fingerprint) {
    log("console build is up to date");
    return;
  }
  log("building the console (next build)…");
  run(process.execPath, [NEXT_BIN, "build"], {
    cwd: WEB,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  spawnSync(process.execPath, [
    "-e",
    `require("fs").writeFileSync(${JSON.stringify(stampFile)}, ${JSON.stringify(fingerprint)})`,
  ]);
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
