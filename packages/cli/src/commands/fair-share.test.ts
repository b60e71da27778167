import { describe, expect, it } from "vitest";
import { parseClass } from "./fair-share.ts";

describe("parseClass", () => {
  it("reads MODEL=UNITS", () => {
    expect(parseClass("H100=1")).toEqual({ gpuModel: "H100", units: 1 });
    expect(parseClass("A100-80GB=0.6")).toEqual({ gpuModel: "A100-80GB", units: 0.6 });
    expect(parseClass(" L4=.25 ")).toEqual({ gpuModel: "L4", units: 0.25 });
  });
  it("refuses anything else with the form to use", () => {
    for (const bad of ["H100", "H100=", "=1", "H100=one", "H100=-1", "H 100=1"])
      expect(() => parseClass(bad), bad).toThrow("write MODEL=UNITS");
  });
});
