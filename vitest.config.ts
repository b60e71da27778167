import { defineConfig } from "vitest/config";

// Two projects: fast unit tests next to the code, and integration tests that run against
// real databases (PGlite and PostgreSQL). Playwright's apps/web/e2e is not Vitest's.
// The server's JSON logs (packages/api/src/observability/logger.ts) would bury the test
// output: off unless LOG_LEVEL asks for them. Tests of the logs capture their own.
export default defineConfig({
  test: {
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/tests/**/*.test.ts",
            "apps/*/src/**/*.test.ts",
            "scripts/test/**/*.test.ts",
          ],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.integration.test.ts", "scripts/test/**/*.integration.test.ts"],
          // PGlite is heavy and the machines have two cores: one file at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
