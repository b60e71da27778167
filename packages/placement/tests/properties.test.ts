import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexSnapshot, place, placeBatch, type TSnapshotInput, ZSnapshot } from "../src/index";
import { defaultRegistry } from "../src/registry";
import { arbBatch, arbRequest, arbSnapshot, permute, shuffleSnapshot } from "../src/testing/arbitraries";
import { hardConstraintViolations, quotaLeft } from "../src/testing/check-hard-constraints";
import { filterSites, preFilterSiteIds } from "../src/testing/run-plugin";

const RUNS = 250;

describe("properties of place()", () => {
  it("never recommends a site or nodes that break a hard constraint", () => {
    fc.assert(
      fc.property(arbBatch(1), ({ snapshot, requests }) => {
        const request = requests[0];
        if (request === undefined) return;
        const result = place({ snapshot, request });
        expect(result.feasible).toBe(result.candidates.length > 0);
        expect(result.candidates.length + result.rejected.length).toBe(snapshot.sites.length);
        for (const candidate of result.candidates) {
          expect(hardConstraintViolations(snapshot, request, candidate), candidate.siteId).toEqual([]);
          const left = quotaLeft(
            ZSnapshot.parse(snapshot),
            request.teamId,
            candidate.gpuModel,
            gpusOf(request),
          );
          expect(left).toBeGreaterThanOrEqual(0);
        }
        for (const rejected of result.rejected) expect(rejected.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("gives the same result whatever the order of sites, nodes and datasets", () => {
    fc.assert(
      fc.property(arbBatch(1), fc.integer(), ({ snapshot, requests }, seed) => {
        const request = requests[0];
        if (request === undefined) return;
        expect(place({ snapshot: shuffleSnapshot(snapshot, seed), request })).toEqual(
          place({ snapshot, request }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("never turns a feasible workload infeasible when capacity is added", () => {
    fc.assert(
      fc.property(arbBatch(1), fc.nat(), ({ snapshot, requests }, pick) => {
        const request = requests[0];
        if (request === undefined || !place({ snapshot, request }).feasible) return;
        const more = addCapacity(snapshot, pick);
        expect(place({ snapshot: more, request }).feasible).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("answers the same on a prepared snapshot as on the raw one", () => {
    fc.assert(
      fc.property(arbBatch(1), ({ snapshot, requests }) => {
        const request = requests[0];
        if (request === undefined) return;
        expect(place({ snapshot: indexSnapshot(snapshot), request })).toEqual(place({ snapshot, request }));
      }),
      { numRuns: 60 },
    );
  });
});

describe("properties of the plugins", () => {
  it("narrow by preFilterSites to exactly the sites their filter passes", () => {
    const narrowing = [...defaultRegistry.values()]
      .map((factory) => factory())
      .filter((p) => p.preFilterSites);
    fc.assert(
      fc.property(arbBatch(1), ({ snapshot, requests }) => {
        const request = requests[0];
        if (request === undefined) return;
        for (const plugin of narrowing) {
          const listed = preFilterSiteIds(plugin, snapshot, request);
          if (listed === undefined) continue;
          const verdicts = filterSites(plugin, snapshot, request);
          const passing = Object.entries(verdicts)
            .filter(([, v]) => v.code === "success" || v.code === "skip")
            .map(([id]) => id);
          expect([...listed].sort(), plugin.name).toEqual(passing.sort());
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("properties of placeBatch()", () => {
  it("never gives a node more GPUs than it has free, and keeps every hard constraint", () => {
    fc.assert(
      fc.property(arbBatch(8), ({ snapshot, requests }) => {
        const result = placeBatch({ snapshot, requests });
        const used = new Map<string, number>();
        for (const placement of result.placements) {
          const request = requests.find((r) => r.id === placement.workloadId);
          if (request === undefined) throw new Error("placement of an unknown workload");
          expect(hardConstraintViolations(snapshot, request, placement), placement.workloadId).toEqual([]);
          for (const n of placement.nodes) used.set(n.nodeId, (used.get(n.nodeId) ?? 0) + n.gpus);
        }
        for (const node of snapshot.nodes) expect(used.get(node.id) ?? 0).toBeLessThanOrEqual(node.gpuFree);
        expect(result.placements.length + result.unplaced.length).toBe(requests.length);
        expectQuotasKept(snapshot, requests, result.placements);
      }),
      { numRuns: RUNS },
    );
  });

  it("counts only what preemption freed when it stops running work", () => {
    fc.assert(
      fc.property(arbBatch(6), ({ snapshot, requests }) => {
        const running = withRunningWork(snapshot);
        const result = placeBatch({ snapshot: running, requests, allowPreemption: true });
        const room = new Map(running.nodes.map((n) => [n.id, n.gpuFree]));
        for (const p of result.preemptions)
          for (const n of p.nodes) room.set(n.nodeId, (room.get(n.nodeId) ?? 0) + n.gpus);
        const used = new Map<string, number>();
        for (const placement of result.placements)
          for (const n of placement.nodes) used.set(n.nodeId, (used.get(n.nodeId) ?? 0) + n.gpus);
        for (const [nodeId, gpus] of used) expect(gpus, nodeId).toBeLessThanOrEqual(room.get(nodeId) ?? 0);
        for (const p of result.preemptions) {
          const by = requests.find((r) => r.id === p.preemptedBy);
          expect(p.priority).toBeLessThan(by?.priority ?? 0);
        }
      }),
      { numRuns: 120 },
    );
  });

  it("gives the same result whatever the order of the requests and the estate", () => {
    fc.assert(
      fc.property(arbBatch(8), fc.integer(), ({ snapshot, requests }, seed) => {
        const shuffled = placeBatch({
          snapshot: shuffleSnapshot(snapshot, seed),
          requests: permute(requests, seed),
        });
        expect(shuffled).toEqual(placeBatch({ snapshot, requests }));
      }),
      { numRuns: 80 },
    );
  });

  it("places a lone workload exactly when place() finds it feasible, at the cheapest candidate", () => {
    fc.assert(
      fc.property(arbBatch(1), ({ snapshot, requests }) => {
        const request = requests[0];
        if (request === undefined) return;
        const single = place({ snapshot, request });
        const batch = placeBatch({ snapshot, requests: [request] });
        expect(batch.placements.length).toBe(single.feasible ? 1 : 0);
        if (single.feasible) {
          const cheapest = Math.min(...single.candidates.map((c) => c.cost.totalUsd));
          expect(batch.totalCostUsd).toBeCloseTo(cheapest, 2);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("places higher priority first: a lower-priority placement never takes what a higher one needed alone", () => {
    fc.assert(
      fc.property(arbSnapshot, arbRequest("hi", []), arbRequest("lo", []), (snapshot, hi, lo) => {
        const high = { ...hi, priority: 2 };
        const low = { ...lo, priority: 1 };
        const alone = placeBatch({ snapshot, requests: [high] });
        const both = placeBatch({ snapshot, requests: [low, high] });
        if (alone.placements.length === 1)
          expect(both.placements.some((p) => p.workloadId === "hi")).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

function gpusOf(request: { gpu: { count: number } | { nodes: number; gpusPerNode: number } }): number {
  return "count" in request.gpu ? request.gpu.count : request.gpu.nodes * request.gpu.gpusPerNode;
}

function addCapacity(snapshot: TSnapshotInput, pick: number): TSnapshotInput {
  const nodes = snapshot.nodes.map((n) => ({ ...n }));
  const target = nodes[pick % Math.max(nodes.length, 1)];
  if (target !== undefined && pick % 2 === 0) target.gpuFree = target.gpuTotal;
  else {
    const site = snapshot.sites[pick % snapshot.sites.length];
    if (site !== undefined) {
      nodes.push({
        id: "extra",
        siteId: site.id,
        gpuModel: "H100",
        gpuMemoryGib: 80,
        gpuTotal: 8,
        gpuFree: 8,
        fabric: "a",
        status: "READY",
      });
    }
  }
  return { ...snapshot, nodes };
}

function expectQuotasKept(
  snapshot: TSnapshotInput,
  requests: readonly {
    id: string;
    teamId: string;
    gpu: { count: number } | { nodes: number; gpusPerNode: number };
  }[],
  placements: readonly { workloadId: string; gpuModel: string }[],
): void {
  const parsed = ZSnapshot.parse(snapshot);
  const taken = new Map<string, number>();
  for (const placement of placements) {
    const request = requests.find((r) => r.id === placement.workloadId);
    if (request === undefined) continue;
    for (const model of [placement.gpuModel, "*"]) {
      const key = `${request.teamId}/${model}`;
      taken.set(key, (taken.get(key) ?? 0) + gpusOf(request));
    }
  }
  for (const quota of parsed.quotas) {
    const used = taken.get(`${quota.teamId}/${quota.gpuModel}`) ?? 0;
    expect(quota.usedGpus + used, `${quota.teamId}/${quota.gpuModel}`).toBeLessThanOrEqual(quota.limitGpus);
  }
}

/** Every used GPU becomes a running, preemptible allocation of priority 0 or 1. */
function withRunningWork(snapshot: TSnapshotInput): TSnapshotInput {
  const allocations = snapshot.nodes
    .filter((n) => n.gpuTotal > n.gpuFree)
    .map((n, i) => ({
      workloadId: `run-${i % 3}`,
      nodeId: n.id,
      gpus: n.gpuTotal - n.gpuFree,
      priority: i % 2,
      preemptible: i % 3 !== 2,
      teamId: "ml",
    }));
  return { ...snapshot, allocations };
}
