#!/usr/bin/env node
// The servers Playwright tests run against: the production build, each on its own embedded
// database in a temporary data directory removed on exit.
//
//   node scripts/e2e-server.mjs prepare <dir>   migrate, seed the demo estate and play its activity into <dir>
//   PORT=… node scripts/e2e-server.mjs          serve on a copy of $SWITCHYARD_E2E_TEMPLATE (a prepared
//                                               directory), or on a freshly prepared database without one
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  consoleEnv,
  consoleNodeFlags,
  fail,
  NEXT_BIN,
  resolvePort,
  serve,
  setupDatabase,
  WEB,
} from "./lib.mjs";

function databaseEnv(dataDir, port) {
  const env = {
    ...consoleEnv(port),
    SWITCHYARD_DATA_DIR: dataDir,
    NEXTAUTH_URL: `http://localhost:${port}`,
    // Webhook deliveries go out within a second, so tests see outcomes without long waits.
    SWITCHYARD_WEBHOOK_SECONDS: "1",
    // GPU telemetry rollups within seconds, so the node page's longer ranges show fresh samples.
    SWITCHYARD_TELEMETRY_ROLLUP_SECONDS: "5",
    // The tests' webhook receiver listens on this machine: allow loopback (default: public only).
    SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8",
  };
  delete env.DATABASE_URL;
  return env;
}

if (process.argv[2] === "prepare") {
  const dir = process.argv[3];
  if (!dir) fail("usage: e2e-server.mjs prepare <dir>");
  setupDatabase(databaseEnv(resolve(dir), 3000));
} else {
  const dataDir = mkdtempSync(join(tmpdir(), "switchyard-e2e-"));
  process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
  const port = resolvePort();
  const env = databaseEnv(dataDir, port);
  const template = process.env.SWITCHYARD_E2E_TEMPLATE;
  // A copy of a prepared directory is the same database as a fresh set-up, in a fraction of the time.
  if (template) cpSync(template, dataDir, { recursive: true });
  else setupDatabase(env);
  serve(process.execPath, [...consoleNodeFlags(), NEXT_BIN, "start", "--port", String(port)], {
    cwd: WEB,
    env,
  });
}
