#!/usr/bin/env node
// npm run bench:telemetry: 1,000 agents reporting every 15 s against the REST API on PostgreSQL
// (the REST handler in its own process; with --next, the console's production build, built first).
import { join } from "node:path";
import { buildConsole, generatePrismaClient, ROOT, requireInstall, run, TSX_BIN } from "./lib.mjs";

requireInstall();
generatePrismaClient();
const args = process.argv.slice(2);
if (args.includes("--next")) buildConsole();
run(process.execPath, [TSX_BIN, join(ROOT, "apps/web/bench/telemetry.ts"), ...args]);
