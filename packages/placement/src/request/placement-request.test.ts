import { describe, expect, it } from "vitest";
import { ZWorkloadRequest } from "../schema/request.schema";
import { toPlacementRequest } from "./placement-request";

/** Every field of the request schema set, optional ones included. */
const everyField = ZWorkloadRequest.parse({
  id: "wl-1",
  kind: "TRAINING",
  teamId: "team-a",
  gpu: { nodes: 2, gpusPerNode: 8 },
  gpuModels: ["H100"],
  minGpuMemoryGib: 80,
  estimatedHours: 12,
  datasetIds: ["claims-2025"],
  latency: { userRegion: "eu-west", maxMs: 40 },
  requiredCertifications: ["ISO27001"],
  allowedKinds: ["ON_PREM"],
  budgetUsd: 5000,
  priority: 5,
  preemptible: true,
  policy: { profile: "cost-first" },
});

describe("toPlacementRequest", () => {
  it("keeps every field of the request schema", () => {
    // toPlacementRequest lists the fields one by one (one object shape for every request);
    // a field added to the schema and not there fails here instead of vanishing.
    const request = toPlacementRequest(everyField);
    for (const key of Object.keys(ZWorkloadRequest.shape)) {
      expect(request, key).toHaveProperty(key, everyField[key as keyof typeof everyField]);
    }
  });

  it("spells out a gang and a single-node ask", () => {
    expect(toPlacementRequest(everyField)).toMatchObject({
      nodeCount: 2,
      gpusPerNode: 8,
      totalGpus: 16,
      gang: true,
    });
    const single = toPlacementRequest({ ...everyField, gpu: { count: 4 } });
    expect(single).toMatchObject({ nodeCount: 1, gpusPerNode: 4, totalGpus: 4, gang: false });
  });
});
