#!/usr/bin/env node
// npm test: typecheck, lint, unit tests, integration tests on PGlite and PostgreSQL,
// Playwright journeys in Chromium against a production build, and the production image's
// check (scripts/check-image.mjs). Stops at the first failing
// phase and ends with one "N passed, N failed" line over every test that ran.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildCli,
  buildConsole,
  fail,
  generatePrismaClient,
  log,
  ROOT,
  requireInstall,
  run,
  WEB,
} from "./lib.mjs";

requireInstall();
const reports = mkdtempSync(join(tmpdir(), "switchyard-test-reports-"));
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
// PostgreSQL is required: without it the integration tests fail (testing.ts says why), unless
// its half is left out on purpose, which the closing line then reports beside the skip count.
const postgresOptedOut =
  env.SWITCHYARD_TEST_PG === "off" ||
  (env.SWITCHYARD_TEST_DBS !== undefined && !env.SWITCHYARD_TEST_DBS.split(",").includes("postgres"));
const totals = { passed: 0, failed: 0, skipped: 0 };
const started = Date.now();

function phase(title) {
  console.log(`\n━━ ${title} ${"━".repeat(Math.max(0, 70 - title.length))}`);
}

function tally(file, read) {
  if (!existsSync(file)) return;
  const counts = read(JSON.parse(readFileSync(file, "utf8")));
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
}

const vitestCounts = (report) => ({
  passed: report.numPassedTests,
  failed: report.numFailedTests,
  skipped: report.numPendingTests + report.numTodoTests,
});

const playwrightCounts = (report) => ({
  // Retries are off; should a retry ever pass, the flaky test is still a failure to report.
  passed: report.stats.expected,
  failed: report.stats.unexpected + report.stats.flaky,
  skipped: report.stats.skipped,
});

function finish(exitCode) {
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`\nswitchyard tests (${minutes} min):`);
  const why = postgresOptedOut ? " (the PostgreSQL half left out: SWITCHYARD_TEST_PG=off)" : "";
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${why}`);
  process.exit(exitCode);
}

function step(command, args, options = {}) {
  const status = run(command, args, { env, allowFailure: true, ...options });
  if (status !== 0) {
    if (options.report) tally(options.report, options.counts);
    log(`${options.name} failed`);
    totals.failed += totals.failed === 0 ? 1 : 0;
    finish(status);
  }
  if (options.report) tally(options.report, options.counts);
}

const npx = (bin) => join(ROOT, "node_modules/.bin", bin);

phase("Prisma client");
generatePrismaClient();

phase("Typecheck");
step(npx("turbo"), ["run", "typecheck", "--output-logs=errors-only"], { name: "typecheck" });

phase("Lint and format (biome)");
step(npx("biome"), ["check", "."], { name: "lint" });

phase("Unit tests");
const unitReport = join(reports, "unit.json");
step(
  npx("vitest"),
  ["run", "--project", "unit", "--reporter=default", "--reporter=json", `--outputFile.json=${unitReport}`],
  {
    name: "unit tests",
    report: unitReport,
    counts: vitestCounts,
  },
);

phase("Integration tests (PGlite and PostgreSQL)");
if (postgresOptedOut) {
  if (env.CI === "true") fail("CI runs the PostgreSQL half: unset SWITCHYARD_TEST_PG / SWITCHYARD_TEST_DBS");
  log("PostgreSQL left out on purpose (SWITCHYARD_TEST_PG=off): its half is counted as skipped");
}
const integrationReport = join(reports, "integration.json");
step(
  npx("vitest"),
  [
    "run",
    "--project",
    "integration",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${integrationReport}`,
  ],
  {
    name: "integration tests",
    report: integrationReport,
    counts: vitestCounts,
  },
);

phase("Browser tests (Playwright, Chromium, production build)");
buildConsole();
buildCli();
const e2eReport = join(reports, "e2e.json");
step(npx("playwright"), ["test", "--reporter=list,json"], {
  cwd: WEB,
  env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport },
  name: "browser tests",
  report: e2eReport,
  counts: playwrightCounts,
});

phase("Production image (npm run check:image: no Docker engine, see the README)");
const imageReport = join(reports, "image.json");
step(process.execPath, [join(ROOT, "scripts/check-image.mjs"), "--report", imageReport], {
  name: "image check",
  report: imageReport,
  counts: (report) => ({ passed: report.passed, failed: report.failed, skipped: 0 }),
});

finish(0);
