import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  placeService,
  type TServicePlacement,
  type TServiceSpecInput,
  type TSnapshotInput,
} from "../src/index";
import { NodeBuilder, SiteBuilder } from "../src/testing/builders";

const SEED = Number(process.env.PLACEMENT_SEED ?? 20_261_205);
const runs = (n: number) => ({ numRuns: n * (process.env.PLACEMENT_DEEP === "1" ? 50 : 1), seed: SEED });
vi.setConfig({ testTimeout: 120_000 });

const REGIONS = ["eu-west", "us-east", "ap-south"] as const;
const MODELS = { H100: 80, L4: 24 } as const;
type TModel = keyof typeof MODELS;

type TInstance = { snapshot: TSnapshotInput; service: TServiceSpecInput };

const arbInstance: fc.Arbitrary<TInstance> = fc
  .record({
    sites: fc.array(
      fc.record({
        kind: fc.constantFrom("ON_PREM", "CLOUD", "EDGE" as const),
        status: fc.constantFrom("ACTIVE", "ACTIVE", "ACTIVE", "MAINTENANCE" as const),
        hipaa: fc.boolean(),
        prices: fc.record({ H100: fc.integer({ min: 1, max: 9 }), L4: fc.integer({ min: 1, max: 4 }) }),
        latency: fc.array(fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined, freq: 6 }), {
          minLength: 3,
          maxLength: 3,
        }),
        nodes: fc.array(
          fc.record({
            model: fc.constantFrom<TModel>("H100", "L4"),
            total: fc.constantFrom(2, 4, 8),
            used: fc.integer({ min: 0, max: 6 }),
            ready: fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    regions: fc.array(
      fc.record({
        demandRps: fc.integer({ min: 0, max: 200 }),
        maxLatencyMs: fc.integer({ min: 15, max: 80 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    gpus: fc.constantFrom(1, 1, 2, 4),
    byModel: fc.constantFrom<"H100" | "memory" | "any">("H100", "memory", "any"),
    capacity: fc.integer({ min: 50, max: 200 }),
    minReplicas: fc.integer({ min: 0, max: 2 }),
    extraReplicas: fc.integer({ min: 0, max: 4 }),
    allowedKinds: fc.oneof(fc.constant([]), fc.subarray(["ON_PREM", "CLOUD", "EDGE"] as const)),
    needsHipaa: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    quotaGpus: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined, freq: 3 }),
  })
  .map((x) => {
    const sites = x.sites.map((s, i) => {
      const latencies: Record<string, number> = {};
      s.latency.forEach((ms, r) => {
        if (ms !== undefined) latencies[REGIONS[r] as string] = ms;
      });
      return new SiteBuilder(`site-${i}`)
        .kind(s.kind)
        .status(s.status)
        .prices(s.prices)
        .certified(...(s.hipaa ? ["HIPAA"] : []))
        .latencies(latencies)
        .build();
    });
    const nodes = x.sites.flatMap((s, i) =>
      s.nodes.map((n, k) =>
        new NodeBuilder(`site-${i}-n${k}`, `site-${i}`)
          .model(n.model, MODELS[n.model])
          .gpus(n.total, Math.max(0, n.total - n.used))
          .status(n.ready ? "READY" : "CORDONED")
          .build(),
      ),
    );
    const service: TServiceSpecInput = {
      id: "svc",
      teamId: "team",
      gpu: { count: x.gpus },
      gpuModels: x.byModel === "H100" ? ["H100"] : [],
      minGpuMemoryGib: x.byModel === "memory" ? 40 : undefined,
      replicaCapacityRps: x.capacity,
      regions: x.regions.map((r, i) => ({ region: REGIONS[i] as string, ...r })),
      minReplicas: x.minReplicas,
      maxReplicas: Math.max(1, x.minReplicas + x.extraReplicas),
      allowedKinds: [...x.allowedKinds],
      requiredCertifications: x.needsHipaa ? ["HIPAA"] : [],
      hours: 1,
    };
    const quotas =
      x.quotaGpus === undefined
        ? []
        : [{ teamId: "team", gpuModel: "*", limitGpus: x.quotaGpus, usedGpus: 0 }];
    return { snapshot: { sites, nodes, quotas }, service };
  });

/**
 * The rules restated without the engine: the replica costs each site could offer (one
 * per free slot of g GPUs on an eligible READY node at an ACTIVE, allowed, certified site
 * with a price), cheapest first.
 */
function replicaCostsBySite(instance: TInstance): Map<string, number[]> {
  const { snapshot, service } = instance;
  const g = "count" in service.gpu ? service.gpu.count : 0;
  const costs = new Map<string, number[]>();
  for (const site of snapshot.sites) {
    if (site.status !== "ACTIVE") continue;
    // A replica is only useful within some region's SLO; minReplicas never sends one elsewhere.
    const reaches = service.regions.some((r) => {
      const ms = site.latencyMsByRegion?.[r.region];
      return ms !== undefined && ms <= r.maxLatencyMs;
    });
    if (!reaches) continue;
    if ((service.allowedKinds ?? []).length > 0 && !(service.allowedKinds ?? []).includes(site.kind))
      continue;
    if (!(service.requiredCertifications ?? []).every((c) => (site.certifications ?? []).includes(c)))
      continue;
    const list: number[] = [];
    for (const node of snapshot.nodes) {
      if (node.siteId !== site.id || node.status !== "READY") continue;
      const models = service.gpuModels ?? [];
      if (models.length > 0 && !models.includes(node.gpuModel)) continue;
      if (node.gpuMemoryGib < (service.minGpuMemoryGib ?? 0)) continue;
      const price = site.pricesUsdPerGpuHour[node.gpuModel];
      if (price === undefined) continue;
      for (let k = 0; k < Math.floor(node.gpuFree / g); k++) list.push(price * g * (service.hours ?? 1));
    }
    costs.set(
      site.id,
      list.sort((a, b) => a - b),
    );
  }
  return costs;
}

/** Whether replicas (capacity per site) can serve all demand within SLO: Hall's condition over region subsets. */
function servesAll(instance: TInstance, capacityBySite: Map<string, number>): boolean {
  const regions = instance.service.regions;
  for (let mask = 1; mask < 1 << regions.length; mask++) {
    let need = 0;
    let room = 0;
    const reached = new Set<string>();
    regions.forEach((r, i) => {
      if ((mask & (1 << i)) === 0) return;
      need += r.demandRps;
      for (const site of instance.snapshot.sites) {
        const ms = site.latencyMsByRegion?.[r.region];
        if (ms !== undefined && ms <= r.maxLatencyMs) reached.add(site.id);
      }
    });
    for (const id of reached) room += capacityBySite.get(id) ?? 0;
    if (need > room + 1e-9) return false;
  }
  return true;
}

/** The cheapest replica set serving all demand within [min, max] replicas, by trying every one. */
function exhaustiveOptimum(instance: TInstance): number | undefined {
  const costs = [...replicaCostsBySite(instance)];
  const { minReplicas = 1, maxReplicas, replicaCapacityRps } = instance.service;
  let best: number | undefined;
  const counts = costs.map(() => 0);
  const visit = (i: number, total: number, cost: number) => {
    if (i === costs.length) {
      if (total < minReplicas) return;
      const quota = instance.snapshot.quotas?.[0]?.limitGpus;
      const g = "count" in instance.service.gpu ? instance.service.gpu.count : 0;
      if (quota !== undefined && total * g > quota) return;
      const capacity = new Map(costs.map(([id], k) => [id, (counts[k] as number) * replicaCapacityRps]));
      if ((best === undefined || cost < best) && servesAll(instance, capacity)) best = cost;
      return;
    }
    const list = costs[i]?.[1] ?? [];
    let sum = 0;
    for (let n = 0; n <= list.length && total + n <= maxReplicas; n++) {
      counts[i] = n;
      visit(i + 1, total + n, cost + sum);
      sum += list[n] ?? 0;
    }
    counts[i] = 0;
  };
  visit(0, 0, 0);
  return best;
}

function checkClaims(instance: TInstance, result: TServicePlacement): void {
  const { service, snapshot } = instance;
  const capacity = service.replicaCapacityRps;
  expect(result.replicas.length).toBeLessThanOrEqual(service.maxReplicas);
  if (result.feasible) expect(result.replicas.length).toBeGreaterThanOrEqual(service.minReplicas ?? 1);
  const siteById = new Map(snapshot.sites.map((s) => [s.id, s]));
  for (const replica of result.replicas) {
    expect(replica.servedRps).toBeLessThanOrEqual(capacity + 1e-6);
    const shares = replica.serves.reduce((sum, s) => sum + s.rps, 0);
    expect(shares).toBeCloseTo(replica.servedRps, 2);
    for (const share of replica.serves) {
      const region = service.regions.find((r) => r.region === share.region);
      expect(siteById.get(replica.siteId)?.latencyMsByRegion?.[share.region]).toBe(share.latencyMs);
      expect(share.latencyMs).toBeLessThanOrEqual(region?.maxLatencyMs ?? -1);
    }
  }
  const gpusByNode = new Map<string, number>();
  for (const replica of result.replicas) {
    for (const n of replica.nodes) gpusByNode.set(n.nodeId, (gpusByNode.get(n.nodeId) ?? 0) + n.gpus);
  }
  for (const [nodeId, gpus] of gpusByNode) {
    expect(gpus).toBeLessThanOrEqual(snapshot.nodes.find((n) => n.id === nodeId)?.gpuFree ?? -1);
  }
  for (const region of result.regions) {
    const spec = service.regions.find((r) => r.region === region.region);
    expect(region.servedRps).toBeLessThanOrEqual(region.demandRps + 1e-6);
    for (const by of region.servedBy) expect(by.latencyMs).toBeLessThanOrEqual(spec?.maxLatencyMs ?? -1);
    expect(region.status === "covered").toBe(region.reason === undefined);
    if (region.status === "covered") expect(region.servedRps).toBeCloseTo(region.demandRps, 2);
  }
}

describe("placeService", () => {
  it("never claims a region served beyond its SLO or a replica beyond its capacity", () => {
    fc.assert(
      fc.property(arbInstance, (instance) => {
        checkClaims(instance, placeService(instance));
      }),
      runs(300),
    );
  });

  it("finds the cheapest feasible replica set on small instances (exhaustive search agrees)", () => {
    fc.assert(
      fc.property(arbInstance, (instance) => {
        const result = placeService(instance);
        const optimum = exhaustiveOptimum(instance);
        expect(result.feasible).toBe(optimum !== undefined);
        if (optimum !== undefined) expect(result.costUsd).toBeCloseTo(optimum, 2);
        if (result.bound !== undefined)
          expect(result.bound.lowerBoundUsd).toBeLessThanOrEqual(result.costUsd + 0.005);
      }),
      runs(300),
    );
  });

  it("gives the same placement whatever the order of sites and nodes", () => {
    fc.assert(
      fc.property(arbInstance, (instance) => {
        const reversed = {
          ...instance,
          snapshot: {
            ...instance.snapshot,
            sites: [...instance.snapshot.sites].reverse(),
            nodes: [...instance.snapshot.nodes].reverse(),
          },
        };
        expect(placeService(reversed)).toEqual(placeService(instance));
      }),
      runs(100),
    );
  });
});
