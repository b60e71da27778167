#!/usr/bin/env node
// npm start: generate the Prisma client, build the console, migrate and seed, then serve it.
// A second start with nothing changed skips all three (stamps) and only boots the server.
import { dirname, join } from "node:path";
import { workersFromEnv } from "./console-workers.mjs";
import {
  buildConsole,
  checkDataDirLock,
  consoleEnv,
  consoleNodeFlags,
  fail,
  generatePrismaClient,
  log,
  ROOT,
  requireInstall,
  resolvePort,
  STANDALONE_SERVER,
  serve,
  setupDatabaseIfChanged,
  waitForHealth,
} from "./lib.mjs";

requireInstall();
// Containers share one secret across replicas and restarts; a generated one would not be.
if (process.env.SWITCHYARD_REQUIRE_AUTH_SECRET === "1" && !process.env.NEXTAUTH_SECRET) {
  fail(
    "NEXTAUTH_SECRET is not set: give the console a secret (e.g. `openssl rand -base64 32`) so sessions survive restarts",
  );
}
const port = resolvePort();
const env = consoleEnv(port);
let workers;
try {
  workers = workersFromEnv(env);
} catch (error) {
  fail(error.message);
}
checkDataDirLock(env);
generatePrismaClient();
buildConsole();
const setup = await setupDatabaseIfChanged(env);
log(`starting the console on port ${port}${workers > 1 ? ` (${workers} worker processes)` : ""}…`);
// Next.js's standalone server, as in the production image; it listens on HOSTNAME:PORT, from
// SWITCHYARD_WORKERS processes (console-workers.mjs runs it in its own process when 1).
serve(
  process.execPath,
  [...consoleNodeFlags(), join(ROOT, "scripts/console-workers.mjs"), STANDALONE_SERVER],
  {
    cwd: dirname(STANDALONE_SERVER),
    env: { ...env, HOSTNAME: "0.0.0.0", NODE_ENV: "production" },
  },
);

const url = `http://localhost:${port}`;
if (await waitForHealth(`${url}/api/health`)) {
  console.log("");
  log(`console ready at ${url}`);
  if (setup.demoPresent) {
    log(`sign in as admin@switchyard.demo, platform@switchyard.demo, steward@switchyard.demo,`);
    log(`           engineer@switchyard.demo or viewer@switchyard.demo — password "switchyard" (demo data)`);
  } else if (setup.adminCreated) {
    log(`set the password of ${setup.adminCreated} with the one-time link printed above, then sign in`);
  }
  console.log("");
} else {
  log(`the console did not report healthy at ${url}/api/health within 2 minutes; see the log above`);
}
