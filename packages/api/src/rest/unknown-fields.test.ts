import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ZSetExecutorInput } from "../router/executor/executor.schema.ts";
import { ZWorkloadSpec } from "../router/workload/workload.schema.ts";
import { unknownFields } from "./unknown-fields.ts";

describe("unknownFields", () => {
  it("names misspelt fields in nested objects and arrays, and none in a loose object", () => {
    const schema = z.object({
      name: z.string(),
      tags: z.array(z.object({ key: z.string() })),
      labels: z.looseObject({}),
    });
    expect(
      unknownFields(schema, { name: "a", nmae: "b", tags: [{ key: "k", kye: "v" }], labels: { any: 1 } }),
    ).toEqual(["nmae", "tags.0.kye"]);
  });

  it("inside a union, judges the value by the option it parses as", () => {
    const spec = ZWorkloadSpec;
    expect(unknownFields(spec, { gpu: { count: 2, typo: 1 } })).toEqual(["gpu.typo"]);
    expect(unknownFields(spec, { gpu: { nodes: 2, gpusPerNode: 8, typo: 1 } })).toEqual(["gpu.typo"]);
    expect(unknownFields(spec, { gpu: { nodes: 2, gpusPerNode: 8 } })).toEqual([]);
    // Parses as neither: the best-fitting option still names the misspelt field.
    expect(unknownFields(spec, { gpu: { nodes: 2, gpusPerNod: 8 } })).toEqual(["gpu.gpusPerNod"]);
  });

  it("inside a discriminated union, judges the value by its own kind", () => {
    // endpoint is a Slurm field: on a MANUAL executor it would be dropped without a word.
    const manual = { siteId: "site-a", kind: "MANUAL", endpoint: "https://slurm.example:6820" };
    expect(unknownFields(ZSetExecutorInput, manual)).toEqual(["endpoint"]);
  });

  it("in an intersection, a field is unknown only when neither side knows it", () => {
    const schema = z.object({ id: z.string() }).and(z.object({ name: z.string() }));
    expect(unknownFields(schema, { id: "a", name: "b", extra: 1 })).toEqual(["extra"]);
  });
});
