import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
    // Two shared cores: one worker, modules shared between files (the engine is pure).
    maxWorkers: 1,
    isolate: false,
  },
});
