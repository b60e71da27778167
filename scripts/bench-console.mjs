#!/usr/bin/env node
// npm run bench:console: builds the console if needed, then times procedures and pages.
import { join } from "node:path";
import { buildConsole, generatePrismaClient, ROOT, requireInstall, run, TSX_BIN } from "./lib.mjs";

requireInstall();
generatePrismaClient();
buildConsole();
run(process.execPath, [TSX_BIN, join(ROOT, "apps/web/bench/console.ts")]);
