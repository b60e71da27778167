import { describe, expect, it } from "vitest";
import { CLOUD_SITES, EDGE_SITES, estimateLatencyMs, ON_PREM_SITES } from "./estate.ts";

describe("demo estate", () => {
  it("has 3-4 on-prem data centers, real cloud regions and 3+ edge sites with small GPUs", () => {
    expect(ON_PREM_SITES.length).toBeGreaterThanOrEqual(3);
    expect(ON_PREM_SITES.length).toBeLessThanOrEqual(4);
    expect(CLOUD_SITES.map((s) => s.provider)).toEqual(expect.arrayContaining(["aws", "gcp", "lambda"]));
    expect(EDGE_SITES.length).toBeGreaterThanOrEqual(3);
    const edgeModels = new Set(EDGE_SITES.flatMap((s) => s.pools.map((p) => p.gpuModel)));
    expect([...edgeModels].sort()).toEqual(["Jetson-AGX-Orin", "L4", "T4"]);
  });

  it("estimates round-trip latency from distance over fibre", () => {
    const frankfurt = { latitude: 50.11, longitude: 8.68 };
    const london = { latitude: 51.51, longitude: -0.13 };
    const singapore = { latitude: 1.35, longitude: 103.82 };
    expect(estimateLatencyMs(frankfurt, frankfurt)).toBe(2);
    expect(estimateLatencyMs(frankfurt, london)).toBeGreaterThan(8);
    expect(estimateLatencyMs(frankfurt, london)).toBeLessThan(15);
    expect(estimateLatencyMs(frankfurt, singapore)).toBeGreaterThan(140);
  });
});
