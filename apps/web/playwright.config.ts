import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium (`npx playwright install` cannot download browsers on these machines).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// One console port for the run, chosen free at start unless E2E_PORT is given. It is set in the
// environment here, in the runner, so the workers (which load this file again) and the servers
// they start (e2e/fixtures.ts, one after another) all see the same one.
if (!process.env.E2E_PORT) {
  const probe = spawnSync(process.execPath, [
    "-e",
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ]);
  process.env.E2E_PORT = probe.stdout.toString().trim();
}
const PORT = Number(process.env.E2E_PORT);
// A real OpenID Connect provider (e2e/oidc-provider.mjs) for the SSO journeys; every console
// server of the run is configured to use it.
const OIDC_PORT = Number(process.env.OIDC_TEST_PORT ?? PORT + 1100);
process.env.OIDC_TEST_PORT = String(OIDC_PORT);
Object.assign(process.env, {
  OIDC_ISSUER: `http://localhost:${OIDC_PORT}`,
  OIDC_CLIENT_ID: "switchyard-e2e",
  OIDC_CLIENT_SECRET: "switchyard-e2e-secret",
  OIDC_NAME: "Test IdP",
  // The scraper's token for /api/metrics (e2e/operations.spec.ts).
  SWITCHYARD_METRICS_TOKEN: "e2e-metrics-token-0123456789abcdef0123456789",
});

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
  webServer: {
    command: "node e2e/oidc-provider.mjs",
    url: `http://localhost:${OIDC_PORT}/.well-known/openid-configuration`,
    env: { OIDC_TEST_PORT: String(OIDC_PORT), E2E_PORT: String(PORT) },
    timeout: 30_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
  projects: specs.map((file) => ({ name: file.replace(/\.spec\.ts$/, ""), testMatch: file })),
});
