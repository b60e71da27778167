#!/usr/bin/env node
// The production image's entrypoint (/app/entrypoint.mjs, laid out by scripts/image.mjs):
// migrate and set up the database with the bundled set-up (no build, nothing written outside
// $SWITCHYARD_DATA_DIR), then run Next.js's standalone server in this process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const APP = dirname(fileURLToPath(import.meta.url));
const say = (line) => console.log(`switchyard: ${line}`);

function fail(message) {
  console.error(`switchyard: error: ${message}`);
  process.exit(1);
}

// An empty variable (`OIDC_NAME=` in a compose file) means unset, as in the README.
for (const [name, value] of Object.entries(process.env))
  if (value === "" && /^(OIDC_|SWITCHYARD_|NEXTAUTH_|DATABASE_URL$)/.test(name)) delete process.env[name];
// Replicas and restarts share one secret; a generated one would differ per container.
if (process.env.SWITCHYARD_REQUIRE_AUTH_SECRET === "1" && !process.env.NEXTAUTH_SECRET)
  fail("NEXTAUTH_SECRET is not set: give the console a secret (e.g. `openssl rand -base64 32`)");
const port = Number(process.env.PORT ?? "3000");
if (!Number.isInteger(port) || port < 1 || port > 65535)
  fail(`PORT must be a TCP port number (1-65535), got "${process.env.PORT}"`);
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
process.env.NEXT_TELEMETRY_DISABLED = "1";
// Docker sets HOSTNAME to the container id; the server must listen on every interface.
process.env.HOSTNAME = "0.0.0.0";
// Several worker processes on one port (PostgreSQL only); checked before the set-up runs.
const { serveConsole, workersFromEnv } = await import(join(APP, "console-workers.mjs"));
let workers = 1;
try {
  workers = workersFromEnv();
} catch (error) {
  fail(error.message);
}

// The set-up runs in its own process: the embedded database has one opener at a time.
const reportDir = mkdtempSync(join(tmpdir(), "switchyard-setup-"));
const setup = spawnSync(
  process.execPath,
  [join(APP, "bin/setup.mjs"), "setup", "--report", join(reportDir, "report.json")],
  { cwd: APP, stdio: "inherit" },
);
let report = {};
try {
  report = JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8"));
} catch {
  // no report: the set-up failed, said why, and its status ends this process below
}
rmSync(reportDir, { recursive: true, force: true });
if (setup.status !== 0) fail("database set-up failed (see the line above)");
if (report.demoPresent) say('demo sign-in: admin@switchyard.demo, password "switchyard"');

say(`starting the console on port ${port}${workers > 1 ? ` (${workers} worker processes)` : ""}`);
process.chdir(join(APP, "apps/web"));
await serveConsole(join(APP, "apps/web/server.js"), workers);
