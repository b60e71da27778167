import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
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

describe("the job schema editors use", () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(join(root, JOB_SCHEMA), "utf8")),
  );

  it("accepts the documented example", () => {
    const job = parse(readFileSync(join(root, "examples/job.yaml"), "utf8"));
    expect(validate(job), JSON.stringify(validate.errors)).toBe(true);
  });

  it("refuses what the API refuses, at the field: a wrong enum, a typo'd field, too many GPUs", () => {
    const job = parse(readFileSync(join(root, "examples/job.yaml"), "utf8")) as Record<string, unknown>;
    expect(validate({ ...job, kind: "TRAINNG" })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe("/kind");
    expect(validate({ ...job, gpus: 8 })).toBe(false);
    expect(validate.errors?.[0]?.params).toEqual({ additionalProperty: "gpus" });
    expect(validate({ ...job, gpu: { count: 65 } })).toBe(false);
    expect(validate({ ...job, gpu: { count: 8, typo: 1 } })).toBe(false);
    expect(validate({ ...job, gpu: { nodes: 2, gpusPerNode: 8 } })).toBe(true);
  });
});
