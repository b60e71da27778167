import { readdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium (`npx playwright install` cannot download browsers on these machines).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// One project per spec file: projects never share a worker, and each worker starts its own
// server on its own copy of the demo database (e2e/fixtures.ts), so spec files are isolated.
// E2E_ORDER=reverse runs the files in the opposite order (the suite must not care).
const specs = readdirSync(join(import.meta.dirname, "e2e"))
  .filter((f) => f.endsWith(".spec.ts"))
  .sort();
if (process.env.E2E_ORDER === "reverse") specs.reverse();

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  // A test that passes only on a retry is a failure to report, not a pass.
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    ...devices["Desktop Chrome"],
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: specs.map((file) => ({ name: file.replace(/\.spec\.ts$/, ""), testMatch: file })),
});
