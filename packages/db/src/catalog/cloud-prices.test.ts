import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCloudPriceCsv, pricePerGpuHour } from "./cloud-prices.ts";

const HEADER =
  "provider,instance_type,accelerator_name,accelerator_count,gpu_memory_gib,vcpus,memory_gib,price_per_hour,spot_price_per_hour,region,availability_zone,az_count,price_basis,source_path";

describe("parseCloudPriceCsv", () => {
  it("reads the real public catalog without a bad row", () => {
    const text = readFileSync(join(import.meta.dirname, "../../data/cloud-gpu-prices.csv"), "utf8");
    const { rows, errors } = parseCloudPriceCsv(text);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(1394);
    expect(new Set(rows.map((r) => r.provider))).toEqual(new Set(["aws", "gcp", "lambda"]));
  });

  it("reports each problem of each bad row with its line number and column", () => {
    const text = [
      HEADER,
      "aws,p5.48xlarge,H100,8,80,192,2048,98.32,,us-east-1,,6,x,y",
      "aws,p5.48xlarge,H100,zero,80,192,2048,98.32,,us-east-1,,6,x,y",
      ",g6.xlarge,L4,1,24,4,16,-1,,us-east-1,,6,x,y",
    ].join("\n");
    const { rows, errors } = parseCloudPriceCsv(text);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(errors).toEqual([
      { line: 3, column: "accelerator_count", message: "accelerator_count must be a number" },
      { line: 4, column: "provider", message: "provider is required" },
      { line: 4, column: "price_per_hour", message: "price_per_hour must not be negative" },
    ]);
  });

  it("reports a row with too few or too many values and goes on to the next", () => {
    const text = [
      HEADER,
      "aws,p5.48xlarge,H100,8",
      "aws,p5.48xlarge,H100,8,80,192,2048,98.32,,us-east-1,,6,x,y,extra",
      "aws,p5.48xlarge,H100,eight,80,192,2048,98.32,,us-east-1,,6,x,y",
      "aws,p5.48xlarge,H100,8,80,192,2048,98.32,,us-east-1,,6,x,y",
    ].join("\n");
    const { rows, errors } = parseCloudPriceCsv(text);
    expect(rows.map((r) => r.line)).toEqual([5]);
    expect(errors).toEqual([
      { line: 2, message: "has 4 values; the header has 14 columns" },
      { line: 3, message: "has 15 values; the header has 14 columns" },
      { line: 4, column: "accelerator_count", message: "accelerator_count must be a number" },
    ]);
  });

  it("ends a row at any line ending, mixed in one file", () => {
    const row = "aws,p5.48xlarge,H100,8,80,192,2048,98.32,,us-east-1,,6,x,y";
    const { rows, errors } = parseCloudPriceCsv(`${HEADER}\r\n${row}\n${row}\r\n`);
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it("says in words what is wrong with a file that is not CSV", () => {
    expect(parseCloudPriceCsv(`${HEADER}\naws,"p5,H100\n`).errors).toEqual([
      { line: 2, message: "a quoted value is never closed: add the closing double quote" },
    ]);
  });

  it("refuses a file without the catalog's columns", () => {
    expect(parseCloudPriceCsv("provider,region\naws,us-east-1\n").errors[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining("missing column(s): instance_type"),
    });
  });
});

describe("pricePerGpuHour", () => {
  it("takes the cheapest instance per GPU and keeps the spot price and largest instance", () => {
    const { rows } = parseCloudPriceCsv(
      [
        HEADER,
        "aws,p5.48xlarge,H100,8,80,192,2048,98.32,40.00,us-east-1,,6,x,y",
        "aws,p5.4xlarge,H100,1,80,16,256,13.00,,us-east-1,,6,x,y",
        "aws,g6f.large,L4,0.125,3,2,8,0.2,,us-east-1,,6,x,y",
        "aws,g4ad.xlarge,Radeon Pro V520,1,8,4,16,0.38,,us-east-1,,6,x,y",
      ].join("\n"),
    );
    expect(pricePerGpuHour(rows)).toEqual([
      {
        provider: "aws",
        region: "us-east-1",
        gpuModel: "H100",
        usdPerGpuHour: 12.29,
        spotUsdPerGpuHour: 5,
        maxGpusPerInstance: 8,
        instanceType: "p5.48xlarge",
      },
    ]);
  });
});
