import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError, EXIT } from "./exit-codes.ts";
import { parseJob, parseJobs, readJob } from "./job.ts";

const VALID = `
name: nightly-eval
kind: BATCH_INFERENCE
teamId: team-applied-ml
gpu: { count: 1 }
gpuModels: [L4]
estimatedHours: 2
`;

function failure(text: string): CliError {
  try {
    parseJob(text, "job.yaml");
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("the job was accepted");
}

describe("job files", () => {
  it("accepts a valid spec and returns the file's own fields (the server applies defaults)", () => {
    expect(parseJob(VALID)).toEqual({
      name: "nightly-eval",
      kind: "BATCH_INFERENCE",
      teamId: "team-applied-ml",
      gpu: { count: 1 },
      gpuModels: ["L4"],
      estimatedHours: 2,
    });
  });

  it("the documented example parses", () => {
    const spec = readJob(join(import.meta.dirname, "../examples/job.yaml"));
    expect(spec.datasetIds).toEqual(["dataset-claims-2025"]);
  });

  it("names a missing field, a wrong type and a nested field, as usage errors", () => {
    const error = failure(VALID.replace("teamId: team-applied-ml\n", "").replace("count: 1", "count: 0"));
    expect(error.exitCode).toBe(EXIT.USAGE);
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(expect.arrayContaining(["teamId", "gpu.count"]));
    expect(error.message).toContain("teamId");
    const typed = failure(VALID.replace("estimatedHours: 2", "estimatedHours: two"));
    expect(typed.fieldErrors?.estimatedHours?.[0]).toMatch(/hours|number/i);
  });

  it("names an unknown field (a typo is not silently dropped)", () => {
    const error = failure(`${VALID}gpus: 4\n`);
    expect(error.fieldErrors).toEqual({ gpus: [expect.stringContaining("Unknown field")] });
    // Inside a union member and a nested object too (zod alone would drop them silently).
    const nested = failure(
      `${VALID.replace("count: 1", "count: 1, typo: 2")}latency: { userRegion: eu, maxMs: 50, p99: true }\n`,
    );
    expect(Object.keys(nested.fieldErrors ?? {}).sort()).toEqual(["gpu.typo", "latency.p99"]);
    expect(() => parseJob(VALID.replace("count: 1", "nodes: 2, gpusPerNode: 8"))).not.toThrow();
  });

  it("applies the schema's cross-field rule: GPU models or a minimum memory", () => {
    const error = failure(VALID.replace("gpuModels: [L4]\n", ""));
    expect(error.fieldErrors?.gpuModels).toEqual(["Choose GPU models or a minimum GPU memory"]);
  });

  it("says where the YAML is broken", () => {
    const error = failure("name: a\nkind: [unclosed\n");
    expect(error.exitCode).toBe(EXIT.USAGE);
    expect(error.message).toMatch(/not valid YAML \(line \d+, column \d+\)/);
    expect(failure("- a\n- b\n").message).toContain("must be a mapping");
    expect(failure("name: a\nname: b\n").message).toMatch(/not valid YAML/);
  });

  it("a missing file is a usage error naming it", () => {
    expect(() => readJob("/nonexistent/job.yaml")).toThrow(
      /cannot read \/nonexistent\/job.yaml: no such file/,
    );
  });

  it("the example in README's CLI section matches examples/job.yaml", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");
    const example = readFileSync(join(import.meta.dirname, "../examples/job.yaml"), "utf8");
    expect(readme).toContain(example.split("\n").slice(3).join("\n").trim());
  });
});

describe("batch files", () => {
  const batchFailure = (text: string): CliError => {
    try {
      parseJobs(text, "jobs.yaml");
    } catch (error) {
      if (error instanceof CliError) return error;
      throw error;
    }
    throw new Error("the batch was accepted");
  };

  it("reads YAML documents separated by ---, or one list (JSON is YAML)", () => {
    const two = parseJobs(`${VALID}---${VALID.replace("nightly-eval", "nightly-eval-2")}`);
    expect(two.map((j) => j.name)).toEqual(["nightly-eval", "nightly-eval-2"]);
    const list = parseJobs(JSON.stringify([parseJob(VALID), { ...parseJob(VALID), name: "other" }]));
    expect(list.map((j) => j.name)).toEqual(["nightly-eval", "other"]);
    // A trailing --- adds no job.
    expect(parseJobs(`${VALID}---\n`)).toHaveLength(1);
  });

  it("names a bad field by the job's index, as the API does, and sends nothing", () => {
    const error = batchFailure(`${VALID}---${VALID.replace("count: 1", "count: 0")}`);
    expect(error.exitCode).toBe(EXIT.USAGE);
    expect(error.message).toContain("jobs.yaml (job 2) is not a valid job");
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(["1.spec.gpu.count"]);
    expect(batchFailure("").message).toBe("jobs.yaml has no jobs");
    expect(batchFailure(`${VALID}---\n- a\n`).message).toContain("(job 2) must be a mapping");
    expect(batchFailure(`${VALID}---\nname: [unclosed\n`).message).toMatch(/not valid YAML \(line \d+/);
  });
});
