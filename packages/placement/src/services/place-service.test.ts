import { describe, expect, it } from "vitest";
import { PlacementInputError, placeService, type TServiceSpecInput } from "../index";
import { DatasetBuilder, NodeBuilder, SiteBuilder } from "../testing/builders";

// Three sites: a cheap on-prem site near eu-west, a dearer cloud site near both regions,
// and an edge site near us-east only.
const snapshot = {
  sites: [
    new SiteBuilder("onprem-fra")
      .kind("ON_PREM")
      .price("H100", 1)
      .latencies({ "eu-west": 8, "us-east": 90 })
      .build(),
    new SiteBuilder("cloud-iad").price("H100", 3).latencies({ "eu-west": 45, "us-east": 6 }).build(),
    new SiteBuilder("edge-nyc").kind("EDGE").price("H100", 2).latencies({ "us-east": 3 }).build(),
    new SiteBuilder("cloud-syd").price("H100", 0.5).latencies({ "eu-west": 250, "us-east": 200 }).build(),
  ],
  nodes: [
    new NodeBuilder("fra-1", "onprem-fra").gpus(8, 2).build(),
    new NodeBuilder("iad-1", "cloud-iad").build(),
    new NodeBuilder("nyc-1", "edge-nyc").gpus(2, 1).build(),
    new NodeBuilder("syd-1", "cloud-syd").build(),
  ],
};

const service: TServiceSpecInput = {
  id: "chat",
  teamId: "ml",
  gpu: { count: 1 },
  gpuModels: ["H100"],
  replicaCapacityRps: 100,
  regions: [
    { region: "eu-west", demandRps: 150, maxLatencyMs: 50 },
    { region: "us-east", demandRps: 80, maxLatencyMs: 20 },
  ],
  minReplicas: 1,
  maxReplicas: 6,
};

describe("placeService", () => {
  it("serves each region from the cheapest replicas within its SLO", () => {
    const result = placeService({ snapshot, service });
    expect(result.feasible).toBe(true);
    expect(result.replicas.map((r) => r.siteId)).toEqual(["edge-nyc", "onprem-fra", "onprem-fra"]);
    expect(result.costUsd).toBe(4);
    expect(result.regions.map((r) => [r.region, r.status, r.servedRps])).toEqual([
      ["eu-west", "covered", 150],
      ["us-east", "covered", 80],
    ]);
    expect(result.regions[1]?.servedBy).toEqual([{ replica: 1, siteId: "edge-nyc", rps: 80, latencyMs: 3 }]);
    expect(result.bound).toEqual({ lowerBoundUsd: 4, gapPct: 0 });
    expect(result.summary).toBe(
      "3 replicas at 2 sites serve 2/2 regions (230/230 req/s) for $4.00 (optimal)",
    );
  });

  it("says why a site hosts nothing: out of every region's SLO, or not needed", () => {
    const result = placeService({ snapshot, service });
    expect(result.rejected).toEqual([
      expect.objectContaining({
        siteId: "cloud-syd",
        reasons: [
          expect.objectContaining({
            message: "within no user region's latency SLO",
            detail: "eu-west: 250 ms > 50 ms, us-east: 200 ms > 20 ms",
          }),
        ],
      }),
    ]);
    const iad = result.candidates.find((c) => c.siteId === "cloud-iad");
    expect(iad?.replicas).toBe(0);
    expect(iad?.note).toContain("not used");
    const fra = result.candidates.find((c) => c.siteId === "onprem-fra");
    expect(fra?.note).toBe("hosts 2");
  });

  it("explains a region no site is close enough to", () => {
    const result = placeService({
      snapshot,
      service: {
        ...service,
        regions: [...service.regions, { region: "ap-south", demandRps: 10, maxLatencyMs: 30 }],
      },
    });
    expect(result.feasible).toBe(false);
    expect(result.regions[2]).toMatchObject({
      status: "uncovered",
      reason: "no site has latency data to ap-south users",
    });
    const tight = placeService({
      snapshot,
      service: { ...service, regions: [{ region: "eu-west", demandRps: 10, maxLatencyMs: 5 }] },
    });
    expect(tight.regions[0]?.reason).toBe(
      "no site within 5 ms of eu-west users (closest: onprem-fra at 8 ms)",
    );
  });

  it("explains a region whose close sites cannot host a replica, with the engine's reasons", () => {
    const result = placeService({ snapshot, service: { ...service, allowedKinds: ["CLOUD"] } });
    expect(result.regions[1]).toMatchObject({ status: "covered" });
    const onlyEdge = placeService({ snapshot, service: { ...service, allowedKinds: ["EDGE"] } });
    expect(onlyEdge.regions[0]?.reason).toMatch(
      /^none of the 2 sites within 50 ms can host a replica \(cloud-iad: .*; onprem-fra: .*\)$/,
    );
  });

  it("serves what it can when capacity or maxReplicas run out, and says which", () => {
    const capped = placeService({ snapshot, service: { ...service, maxReplicas: 2 } });
    expect(capped.feasible).toBe(false);
    expect(capped.replicas).toHaveLength(2);
    expect(capped.servedRps).toBe(200);
    expect(capped.regions.find((r) => r.status !== "covered")?.reason).toBe("maxReplicas (2) reached");
    const heavy = placeService({
      snapshot: { ...snapshot, sites: snapshot.sites.slice(0, 1), nodes: snapshot.nodes.slice(0, 1) },
      service: { ...service, regions: [{ region: "eu-west", demandRps: 500, maxLatencyMs: 50 }] },
    });
    expect(heavy.servedRps).toBe(200);
    expect(heavy.regions[0]).toMatchObject({
      status: "partial",
      reason: "no free nodes for more replicas at the sites within 50 ms: onprem-fra (2)",
    });
    expect(heavy.bound).toBeUndefined();
  });

  it("hosts no replica where the model it serves may not be copied", () => {
    // The model may stay on-prem only: the US cloud and the edge site are out, so us-east
    // (within SLO of those two only) cannot be served.
    const model = new DatasetBuilder("model").residency({ onPremOnly: true }).at("onprem-fra").build();
    const result = placeService({
      snapshot: { ...snapshot, datasets: [model] },
      service: { ...service, datasetIds: ["model"] },
    });
    expect(result.replicas.map((r) => r.siteId)).toEqual(["onprem-fra", "onprem-fra"]);
    expect(result.regions.map((r) => r.status)).toEqual(["covered", "uncovered"]);
    const edge = result.rejected.find((r) => r.siteId === "edge-nyc");
    expect(edge?.reasons.map((r) => r.plugin)).toContain("data-residency");
  });

  it("hosts no replica at a site the caller excludes, and says why with the caller's words", () => {
    const why = "the data steward rejected copying the model to edge-nyc; excluded until later";
    const result = placeService({
      snapshot,
      service: { ...service, excludedSites: [{ siteId: "edge-nyc", reason: why }] },
    });
    expect(result.feasible).toBe(true);
    expect(result.replicas.map((r) => r.siteId)).not.toContain("edge-nyc");
    // us-east goes to the next site within its SLO.
    expect(result.regions[1]?.servedBy.map((s) => s.siteId)).toEqual(["cloud-iad"]);
    expect(result.candidates.map((c) => c.siteId)).not.toContain("edge-nyc");
    expect(result.rejected.find((r) => r.siteId === "edge-nyc")?.reasons).toEqual([
      { plugin: "excluded", code: "unresolvable", message: why },
    ]);
    // A site already rejected by a filter keeps that reason, after the exclusion.
    const both = placeService({
      snapshot,
      service: { ...service, excludedSites: [{ siteId: "cloud-syd", reason: "ruled out" }] },
    });
    expect(both.rejected.find((r) => r.siteId === "cloud-syd")?.reasons.map((r) => r.message)).toEqual([
      "ruled out",
      "within no user region's latency SLO",
    ]);
    // The only site within a region's SLO excluded: the region says so.
    const only = placeService({
      snapshot,
      service: {
        ...service,
        allowedKinds: ["EDGE"],
        regions: [{ region: "us-east", demandRps: 10, maxLatencyMs: 5 }],
        excludedSites: [{ siteId: "edge-nyc", reason: why }],
      },
    });
    expect(only.regions[0]?.reason).toBe(
      `none of the 1 site within 5 ms can host a replica (edge-nyc: ${why})`,
    );
    // An exclusion of a site the estate does not know changes nothing.
    const unknown = placeService({
      snapshot,
      service: { ...service, excludedSites: [{ siteId: "gone", reason: "decommissioned" }] },
    });
    expect(unknown.replicas).toEqual(placeService({ snapshot, service }).replicas);
  });

  it("keeps within the team's GPU quota", () => {
    const result = placeService({
      snapshot: { ...snapshot, quotas: [{ teamId: "ml", gpuModel: "*", limitGpus: 2, usedGpus: 0 }] },
      service,
    });
    expect(result.replicas).toHaveLength(2);
    expect(result.regions.some((r) => r.reason === "team ml has no GPU quota left for more replicas")).toBe(
      true,
    );
  });

  it("rejects bad input naming every bad field", () => {
    const bad = () =>
      placeService({
        snapshot,
        service: {
          ...service,
          gpuModels: ["H900"],
          minReplicas: 7,
          regions: [{ region: "x", demandRps: -1, maxLatencyMs: 0 }],
        },
      });
    expect(bad).toThrow(PlacementInputError);
    try {
      bad();
    } catch (error) {
      expect((error as PlacementInputError).issues.map((i) => i.path).sort()).toEqual([
        "service.minReplicas",
        "service.regions.0.demandRps",
        "service.regions.0.maxLatencyMs",
      ]);
    }
    expect(() => placeService({ snapshot, service: { ...service, gpuModels: ["H900"] } })).toThrow(
      /service\.gpuModels\.0: unknown GPU model 'H900'/,
    );
    expect(() =>
      placeService({
        snapshot,
        service: { ...service, regions: [service.regions[0], service.regions[0]] as never },
      }),
    ).toThrow(/service\.regions: each user region may be listed once/);
  });
});

describe("placeService with gang replicas", () => {
  it("puts each replica on nodes of one fabric, and says so when none has room", () => {
    const gangSnapshot = {
      sites: [new SiteBuilder("dc").kind("ON_PREM").price("H100", 2).latencies({ "eu-west": 10 }).build()],
      nodes: [
        new NodeBuilder("a1", "dc").fabric("ib-a").build(),
        new NodeBuilder("a2", "dc").fabric("ib-a").build(),
        new NodeBuilder("b1", "dc").fabric("ib-b").build(),
      ],
    };
    const gang: TServiceSpecInput = {
      ...service,
      gpu: { nodes: 2, gpusPerNode: 8 },
      regions: [{ region: "eu-west", demandRps: 300, maxLatencyMs: 20 }],
    };
    const result = placeService({ snapshot: gangSnapshot, service: gang });
    expect(result.replicas).toHaveLength(1);
    expect(result.replicas[0]?.nodes.map((n) => n.nodeId)).toEqual(["a1", "a2"]);
    expect(result.replicas[0]?.costUsd).toBe(32);
    expect(result.regions[0]).toMatchObject({
      status: "partial",
      servedRps: 100,
      reason: "no free nodes for more replicas at the sites within 20 ms: dc (1)",
    });
  });
});
