#!/usr/bin/env node
// npm start: generate the Prisma client, build the console, migrate and seed, then serve it.
import {
  buildConsole,
  checkDataDirLock,
  consoleEnv,
  fail,
  generatePrismaClient,
  log,
  NEXT_BIN,
  requireInstall,
  resolvePort,
  serve,
  setupDatabase,
  WEB,
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
checkDataDirLock(env);
generatePrismaClient();
buildConsole();
const setup = setupDatabase(env);
log(`starting the console on port ${port}…`);
serve(process.execPath, [NEXT_BIN, "start", "--port", String(port)], { cwd: WEB, env });

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
