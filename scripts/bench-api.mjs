#!/usr/bin/env node
// npm run bench:api: builds the console if needed, then measures REST throughput with autocannon.
import { join } from "node:path";
import { buildConsole, generatePrismaClient, ROOT, requireInstall, run, TSX_BIN } from "./lib.mjs";

requireInstall();
generatePrismaClient();
buildConsole();
run(process.execPath, [TSX_BIN, join(ROOT, "apps/web/bench/api.ts")]);
