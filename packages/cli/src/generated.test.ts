import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  GENERATED_API,
  generateApiTypes,
  generateJobSchema,
  JOB_SCHEMA,
} from "../scripts/generate-sources.ts";

const root = join(import.meta.dirname, "..");

// The typed client and the job schema are generated from packages/api and committed; when an
// endpoint or the spec changes, these fail until `npm run generate -w @switchyard/cli` is run.
describe("generated files are fresh", () => {
  it(`${GENERATED_API} matches the OpenAPI document`, async () => {
    const fresh = await generateApiTypes();
    expect(
      readFileSync(join(root, GENERATED_API), "utf8") === fresh,
      "stale: npm run generate -w @switchyard/cli",
    ).toBe(true);
  }, 30_000);

  it(`${JOB_SCHEMA} matches the API's workload spec`, () => {
    expect(readFileSync(join(root, JOB_SCHEMA), "utf8")).toBe(generateJobSchema());
  });
});
