#!/usr/bin/env node
// npm run dev: the console with hot reload on the same database set-up as npm start.
import {
  consoleEnv,
  generatePrismaClient,
  log,
  NEXT_BIN,
  requireInstall,
  resolvePort,
  serve,
  setupDatabase,
  WEB,
} from "./lib.mjs";

requireInstall();
const port = resolvePort();
const env = consoleEnv(port);
generatePrismaClient();
setupDatabase(env);
log(`dev server on http://localhost:${port}`);
serve(process.execPath, [NEXT_BIN, "dev", "--port", String(port)], { cwd: WEB, env });
