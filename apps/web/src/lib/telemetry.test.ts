import { describe, expect, it } from "vitest";
import {
  chartRows,
  formatMeasure,
  summarise,
  type TTelemetry,
  type TTelemetryPoint,
  telemetryWindow,
} from "./telemetry";

const point = (
  at: string,
  samples: number,
  utilizationAvg: number,
  utilizationMax: number,
  powerAvg: number | null,
) =>
  ({
    at: new Date(at),
    samples,
    utilizationAvg,
    utilizationMax,
    memoryUsedAvg: 0,
    memoryUsedMax: 0,
    powerAvg,
    powerMax: powerAvg,
    temperatureAvg: null,
    temperatureMax: null,
    eccErrorsMax: null,
    xidErrorsMax: null,
  }) satisfies TTelemetryPoint;

describe("telemetry shaping", () => {
  it("averages over samples, not over points, and keeps the maximum", () => {
    const points = [
      point("2026-12-03T10:00:00Z", 1, 100, 100, 700),
      point("2026-12-03T10:05:00Z", 3, 20, 40, null),
    ];
    expect(summarise(points, "utilization")).toEqual({ avg: 40, max: 100 });
    expect(summarise(points, "power")).toEqual({ avg: 700, max: 700 });
    expect(summarise(points, "temperature")).toBeNull();
    expect(formatMeasure(40, "utilization")).toBe("40.0 %");
    expect(formatMeasure(40823.4, "memory")).toBe("40,823 MiB");
  });

  it("puts each GPU in its own column of one row per bucket", () => {
    const telemetry = {
      source: "raw",
      bucketSeconds: 300,
      from: new Date(0),
      to: new Date(0),
      gpus: [
        { gpuIndex: 0, points: [point("2026-12-03T10:00:00Z", 1, 10, 10, null)] },
        {
          gpuIndex: 1,
          points: [
            point("2026-12-03T10:00:00Z", 1, 30, 30, null),
            point("2026-12-03T10:05:00Z", 1, 50, 50, null),
          ],
        },
      ],
    } satisfies TTelemetry;
    expect(chartRows(telemetry, "utilization")).toEqual([
      { at: Date.parse("2026-12-03T10:00:00Z"), gpu0: 10, gpu1: 30 },
      { at: Date.parse("2026-12-03T10:05:00Z"), gpu1: 50 },
    ]);
  });

  it("ends the window at the next whole minute", () => {
    const { from, to } = telemetryWindow("7d", new Date("2026-12-03T10:00:30Z"));
    expect(to.toISOString()).toBe("2026-12-03T10:01:00.000Z");
    expect(from.toISOString()).toBe("2026-11-26T10:01:00.000Z");
  });
});
