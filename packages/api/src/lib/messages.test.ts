import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ZSiteInput } from "../router/site/site.schema.ts";
import { ZWorkloadSpec } from "../router/workload/workload.schema.ts";
import { summariseIssues } from "./input.ts";
import { humanFieldErrors, humanIssueMessage, humanMessage, isRawValidatorMessage } from "./messages.ts";

const SPEC = {
  name: "nightly-eval",
  kind: "TRAINING",
  teamId: "team-a",
  gpu: { count: 8 },
  gpuModels: ["H100"],
  estimatedHours: 24,
};

function errorsOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected the input to be refused");
  return humanFieldErrors(result.error.issues);
}

describe("the message table", () => {
  it.each([
    [{ code: "too_big", origin: "number", maximum: 100, inclusive: true, path: ["priority"] }, "At most 100"],
    [
      {
        code: "too_big",
        origin: "number",
        maximum: 10_000,
        inclusive: true,
        path: ["spec", "estimatedHours"],
      },
      "At most 10,000 hours",
    ],
    [
      { code: "too_small", origin: "number", minimum: 0, inclusive: false, path: ["budgetUsd"] },
      "More than 0",
    ],
    [
      { code: "too_big", origin: "string", maximum: 80, inclusive: true, path: ["name"] },
      "At most 80 characters",
    ],
    [{ code: "too_small", origin: "string", minimum: 1, inclusive: true, path: ["name"] }, "Fill this in"],
    [
      { code: "too_small", origin: "array", minimum: 1, inclusive: true, path: ["ids"] },
      "Choose at least one",
    ],
    [
      { code: "too_big", origin: "number", maximum: 90, path: ["latitude"] },
      "Latitude is between −90 and 90",
    ],
    [
      { code: "too_small", origin: "number", minimum: -180, path: ["longitude"] },
      "Longitude is between −180 and 180",
    ],
    [{ code: "invalid_type", expected: "number", input: undefined, path: ["x"] }, "Fill this in"],
    [{ code: "invalid_type", expected: "number", input: "seven", path: ["x"] }, "Enter a number"],
    [{ code: "invalid_type", expected: "boolean", input: 1, path: ["x"] }, "Choose yes or no"],
    [
      { code: "invalid_format", format: "email", path: ["email"] },
      "Enter an email address, e.g. ada@example.com",
    ],
    [{ code: "invalid_value", values: ["asc", "desc"], path: ["direction"] }, "Choose one of: asc, desc"],
    [{ code: "unrecognized_keys", keys: ["typo"], path: [] }, "Unknown field: typo; check the spelling"],
    [{ code: "not_multiple_of", divisor: 1, path: ["count"] }, "Enter a whole number"],
  ])("says %j as a sentence", (issue, sentence) => {
    expect(humanIssueMessage(issue)).toBe(sentence);
  });

  it("keeps a message a schema wrote and replaces zod's own wording", () => {
    expect(humanMessage({ code: "too_small", message: "At least 1 GPU", minimum: 1 })).toBe("At least 1 GPU");
    expect(
      humanMessage({
        code: "too_big",
        origin: "number",
        maximum: 100,
        message: "Too big: expected number to be <=100",
      }),
    ).toBe("At most 100");
    expect(isRawValidatorMessage("Invalid input: expected number, received string")).toBe(true);
    expect(isRawValidatorMessage("Enter the estimated hours")).toBe(false);
  });

  it("is zod's error map, so no schema produces zod's English", () => {
    const errors = errorsOf(z.object({ n: z.number().max(100), s: z.enum(["a", "b"]) }).strict(), {
      n: 101,
      s: "c",
      extra: 1,
    });
    expect(errors).toEqual({
      n: ["At most 100"],
      s: ["Choose one of: a, b"],
      _: ["Unknown field: extra; check the spelling"],
    });
  });
});

describe("workload and site schemas in people's words", () => {
  it("says how many hours at most for 100,000 estimated hours", () => {
    expect(errorsOf(ZWorkloadSpec, { ...SPEC, estimatedHours: 100_000 })).toEqual({
      estimatedHours: ["At most 10,000 hours"],
    });
  });

  it("asks for the hours when they are missing", () => {
    expect(errorsOf(ZWorkloadSpec, { ...SPEC, estimatedHours: undefined })).toEqual({
      estimatedHours: ["Enter the estimated hours"],
    });
  });

  it("marks the GPU count, not the union, for an empty or fractional count", () => {
    expect(errorsOf(ZWorkloadSpec, { ...SPEC, gpu: { count: undefined } })).toEqual({
      "gpu.count": ["Enter a whole number of GPUs"],
    });
    expect(errorsOf(ZWorkloadSpec, { ...SPEC, gpu: { count: 1.5 } })).toEqual({
      "gpu.count": ["Enter a whole number of GPUs"],
    });
  });

  it("refuses a deadline in the past naming the deadline", () => {
    expect(errorsOf(ZWorkloadSpec, { ...SPEC, deadline: "2020-01-01T00:00:00Z" })).toEqual({
      deadline: ["The deadline is in the past: choose a later date and time"],
    });
  });

  it("says the latitude's range for 999, and asks for it when missing", () => {
    const site = { latitude: 999, longitude: 0 };
    expect(errorsOf(ZSiteInput, site).latitude).toEqual(["Latitude is between −90 and 90"]);
    expect(errorsOf(ZSiteInput, { longitude: 0 }).latitude).toEqual(["Enter a latitude"]);
  });
});

describe("the one-line summary of a validation error", () => {
  it("names each field with the table's words, a union's at the field the input came closest to", () => {
    const result = ZWorkloadSpec.safeParse({ ...SPEC, priority: 101, gpu: { count: 1.5 } });
    if (result.success) throw new Error("expected the input to be refused");
    expect(summariseIssues(result.error.issues)).toBe(
      "Invalid input: gpu.count: Enter a whole number of GPUs; priority: At most 100",
    );
  });
});
