import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NvidiaSmiError, QUERY_FIELDS } from "./nvidia-smi.ts";
import { parseQueryCsv } from "./parse-query.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/h200/${name}`, import.meta.url), "utf8");
/** The capture without header and units: what `--format=csv,noheader,nounits` prints. */
const noHeaderNoUnits = (csv: string) =>
  csv
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/ (MiB|%|W|MHz)(?=,|$)/g, ""))
    .join("\n");

describe("parseQueryCsv", () => {
  it("reads the real H200 capture under load, header and units included", () => {
    expect(parseQueryCsv(fixture("query-busy.csv"))).toEqual([
      {
        index: 0,
        uuid: "GPU-42dd91a9-9f39-a14f-d190-a54a7e258822",
        name: "NVIDIA H200",
        driverVersion: "580.159.04",
        memoryTotalMib: 143771,
        memoryUsedMib: 40823,
        utilizationPct: 100,
        temperatureC: 57,
        powerW: 692.81,
        migMode: "Disabled",
        eccErrors: 0,
      },
    ]);
  });

  it("reads the idle capture, and the same output without header and units", () => {
    const idle = parseQueryCsv(fixture("query-idle.csv"));
    expect(idle[0]).toMatchObject({ memoryUsedMib: 0, utilizationPct: 0, temperatureC: 35, powerW: 123.61 });
    expect(parseQueryCsv(noHeaderNoUnits(fixture("query-idle.csv")))).toEqual(idle);
  });

  it("takes N/A as unknown where a GPU may lack the value", () => {
    const line = noHeaderNoUnits(fixture("query-idle.csv"))
      .replace("123.61", "[N/A]")
      .replace(/, 0\s*$/, ", [N/A]");
    expect(parseQueryCsv(line)[0]).toMatchObject({ powerW: null, eccErrors: null });
  });

  it("refuses empty, truncated and garbled output with the line and field named", () => {
    expect(() => parseQueryCsv("")).toThrow(
      new NvidiaSmiError("nvidia-smi --query-gpu printed nothing: no GPU was listed."),
    );
    expect(() => parseQueryCsv(fixture("query-busy.csv").split("\n")[0] as string)).toThrow(
      /printed a header but no GPU/,
    );
    const full = noHeaderNoUnits(fixture("query-busy.csv")).trim();
    const truncated = full.slice(0, full.indexOf("143771"));
    expect(() => parseQueryCsv(truncated)).toThrow(
      new RegExp(`line 1 has 7 of ${QUERY_FIELDS.length} values .* the output looks truncated`),
    );
    expect(() => parseQueryCsv(full.replace("40823", "lots"))).toThrow(
      'nvidia-smi --query-gpu line 1: memory.used is not a number ("lots").',
    );
    expect(() => parseQueryCsv(full.replace(", 100,", ", [N/A],"))).toThrow("utilization.gpu is N/A");
    expect(() => parseQueryCsv(fixture("nvidia-smi-idle.txt"))).toThrow(NvidiaSmiError);
  });
});
