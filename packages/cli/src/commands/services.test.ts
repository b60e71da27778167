import { describe, expect, it } from "vitest";
import { parseDemand } from "./services.ts";

describe("parseDemand", () => {
  it("reads REGION=RPS@SLO_MS", () => {
    expect(parseDemand("eu-west=300.5@40")).toEqual({
      region: "eu-west",
      demandRps: 300.5,
      maxLatencyMs: 40,
    });
  });
  it("refuses anything else with the form to use", () => {
    expect(() => parseDemand("eu-west=300")).toThrow("write REGION=RPS@SLO_MS");
    expect(() => parseDemand("eu-west=-3@40")).toThrow("write REGION=RPS@SLO_MS");
  });
});
