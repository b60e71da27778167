#!/usr/bin/env node
// The server Playwright tests run against: the production build, on a fresh embedded
// database seeded with the demo estate, in a temporary data directory removed on exit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleEnv, NEXT_BIN, resolvePort, serve, setupDatabase, WEB } from "./lib.mjs";

const dataDir = mkdtempSync(join(tmpdir(), "switchyard-e2e-"));
process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
const port = resolvePort();
const env = {
  ...consoleEnv(port),
  SWITCHYARD_DATA_DIR: dataDir,
  NEXTAUTH_URL: `http://localhost:${port}`,
  // Webhook deliveries go out within a second, so tests see outcomes without long waits.
  SWITCHYARD_WEBHOOK_SECONDS: "1",
  // The tests' webhook receiver listens on this machine: allow loopback (default: public only).
  SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8",
};
delete env.DATABASE_URL;
setupDatabase(env);
serve(process.execPath, [NEXT_BIN, "start", "--port", String(port)], { cwd: WEB, env });
