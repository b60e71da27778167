import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { place } from "../place/place";
import { type TGpuNode, type TNodeStatus, type TSnapshot, ZSnapshot } from "../schema/snapshot.schema";
import { arbRequest, arbSnapshot } from "../testing/arbitraries";
import { aNode, aSite, aSnapshot } from "../testing/builders";
import { compareIds } from "./compare";
import { indexSnapshot } from "./index-snapshot";
import { PlacementInputError } from "./input-error";
import type { TPreparedSnapshot } from "./prepared-snapshot";
import { type TSnapshotChanges, withChanges } from "./with-changes";

// Two shared cores: a property over a few hundred estates can take longer than vitest's 5 s.
vi.setConfig({ testTimeout: 120_000 });

const STATUSES: readonly TNodeStatus[] = ["READY", "CORDONED", "DRAINING", "DOWN"];
const byId = <T extends { id: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => compareIds(a.id, b.id));

/** Everything place() reads, with the raw records in a canonical order (the memo is a cache). */
function view(prepared: TPreparedSnapshot) {
  const { snapshot, memo: _memo, ...indexes } = prepared;
  return {
    ...indexes,
    records: {
      sites: byId(snapshot.sites),
      nodes: byId(snapshot.nodes),
      datasets: byId(snapshot.datasets),
      quotas: [...snapshot.quotas].sort((a, b) => compareIds(a.teamId + a.gpuModel, b.teamId + b.gpuModel)),
    },
  };
}

/**
 * One random change to a valid estate, applied to `state` (the model) and returned as the
 * change set withChanges() gets: GPUs taken or given back with their allocation, a node's
 * status, a node added or removed, a quota's use, free GPUs that no allocation explains.
 */
function step(
  state: TSnapshot,
  [kind, a, b]: readonly [number, number, number],
  n: number,
): TSnapshotChanges {
  const nodes = state.nodes;
  const node = nodes[a % Math.max(1, nodes.length)];
  const held = (id: string) =>
    state.allocations.filter((x) => x.nodeId === id).reduce((s, x) => s + x.gpus, 0);
  const put = (next: TGpuNode) => {
    state.nodes = state.nodes.map((x) => (x.id === next.id ? next : x));
    return next;
  };
  switch (kind) {
    case 0: {
      if (!node || node.gpuFree === 0) return {};
      const gpus = 1 + (b % node.gpuFree);
      const allocation = {
        workloadId: `w-${n}`,
        nodeId: node.id,
        gpus,
        priority: b % 3,
        preemptible: b % 2 === 0,
      };
      state.allocations = [...state.allocations, allocation];
      return {
        nodes: { upsert: [put({ ...node, gpuFree: node.gpuFree - gpus })] },
        allocations: { add: [allocation] },
      };
    }
    case 1: {
      const gone = state.allocations[a % Math.max(1, state.allocations.length)];
      if (!gone) return {};
      const key = { workloadId: gone.workloadId, nodeId: gone.nodeId };
      const removed = state.allocations.filter(
        (x) => x.workloadId === key.workloadId && x.nodeId === key.nodeId,
      );
      state.allocations = state.allocations.filter((x) => !removed.includes(x));
      const owner = nodes.find((x) => x.id === key.nodeId) as TGpuNode;
      const gpuFree = owner.gpuFree + removed.reduce((s, x) => s + x.gpus, 0);
      return { nodes: { upsert: [put({ ...owner, gpuFree })] }, allocations: { remove: [key] } };
    }
    case 2:
      return node ? { nodes: { upsert: [put({ ...node, status: STATUSES[b % 4] as TNodeStatus })] } } : {};
    case 3: {
      const site = state.sites[a % state.sites.length];
      if (!site) return {};
      const total = 1 + (b % 8);
      const added = {
        id: `added-${n}`,
        siteId: site.id,
        gpuModel: node?.gpuModel ?? "H100",
        gpuMemoryGib: node?.gpuMemoryGib ?? 80,
        gpuTotal: total,
        gpuFree: total - (b % 2),
        fabric: `f${b % 2}`,
        status: "READY" as const,
      };
      state.nodes = [...state.nodes, added];
      return { nodes: { upsert: [added] } };
    }
    case 4: {
      if (!node || held(node.id) > 0) return {};
      state.nodes = state.nodes.filter((x) => x.id !== node.id);
      return { nodes: { remove: [node.id] } };
    }
    case 5: {
      const quota = state.quotas[a % Math.max(1, state.quotas.length)];
      if (!quota) return {};
      const next = { ...quota, usedGpus: b % 40 };
      state.quotas = state.quotas.map((q) => (q === quota ? next : q));
      return { quotas: { upsert: [next] } };
    }
    case 6: {
      if (!node) return {};
      const gpuFree = b % (node.gpuTotal - held(node.id) + 1);
      return { nodes: { upsert: [put({ ...node, gpuFree })] } };
    }
    case 7: {
      // A site's fields: price, certifications, egress, status.
      const site = state.sites[a % state.sites.length];
      if (!site) return {};
      const next = {
        ...site,
        egressUsdPerGb: (b % 7) / 100,
        certifications: b % 2 === 0 ? ["SOC2"] : [],
        status: site.status === "ACTIVE" && b % 3 === 0 ? ("MAINTENANCE" as const) : site.status,
        pricesUsdPerGpuHour: { ...site.pricesUsdPerGpuHour, H100: 1 + (b % 5) },
      };
      state.sites = state.sites.map((x) => (x.id === site.id ? next : x));
      return { sites: { upsert: [next] } };
    }
    case 8: {
      // A site added (it may get nodes later), or an empty site nothing points at removed.
      const site = state.sites[a % state.sites.length];
      if (!site) return {};
      const used = (id: string) =>
        state.nodes.some((x) => x.siteId === id) || state.datasets.some((d) => d.replicaSiteIds.includes(id));
      if (b % 2 === 0 && !used(site.id) && state.sites.length > 1) {
        state.sites = state.sites.filter((x) => x.id !== site.id);
        return { sites: { remove: [site.id] } };
      }
      const added = { ...site, id: `site-${n}-${b}`, name: `Site ${n}` };
      state.sites = [...state.sites, added];
      return { sites: { upsert: [added] } };
    }
    default: {
      // A node reshaped or moved to another site, holding nothing.
      const site = state.sites[b % state.sites.length];
      if (!node || !site || held(node.id) > 0) return {};
      const gpuTotal = 1 + (b % 8);
      const next = { ...node, siteId: site.id, gpuTotal, gpuFree: gpuTotal, fabric: `f${a % 3}` };
      return { nodes: { upsert: [put(next)] } };
    }
  }
}

const arbOps = fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat(1_000), fc.nat(1_000)), {
  minLength: 1,
  maxLength: 25,
});

describe("withChanges", () => {
  it("equals the snapshot prepared from scratch after every change of a random sequence", () => {
    fc.assert(
      fc.property(arbSnapshot, arbOps, (input, ops) => {
        const state = structuredClone(ZSnapshot.parse(input));
        let derived = indexSnapshot(input);
        ops.forEach((op, n) => {
          derived = withChanges(derived, step(state, op, n));
          expect(view(derived)).toEqual(view(indexSnapshot(structuredClone(state))));
        });
      }),
      { numRuns: 150, seed: 20_261_204 },
    );
  });

  it("places exactly as a fresh snapshot would after the changes", () => {
    fc.assert(
      fc.property(
        arbSnapshot.chain((snapshot) =>
          fc.record({
            snapshot: fc.constant(snapshot),
            request: arbRequest(
              "probe",
              (snapshot.datasets ?? []).map((d) => d.id),
            ),
          }),
        ),
        arbOps,
        ({ snapshot, request }, ops) => {
          const state = structuredClone(ZSnapshot.parse(snapshot));
          let derived = indexSnapshot(snapshot);
          place({ snapshot: derived, request }); // fills the memo, which the next change must not trust
          ops.forEach((op, n) => {
            derived = withChanges(derived, step(state, op, n));
          });
          expect(place({ snapshot: derived, request })).toEqual(
            place({ snapshot: structuredClone(state), request }),
          );
        },
      ),
      { numRuns: 100, seed: 20_261_205 },
    );
  });

  it("leaves the snapshot it derives from as it was", () => {
    const base = indexSnapshot(aSnapshot().site(aSite("dc")).node(aNode("n1", "dc").free(8)).build());
    const before = view(base);
    const node = base.nodes[0] as TGpuNode;
    const derived = withChanges(base, { nodes: { upsert: [{ ...node, gpuFree: 2 }] } });
    expect(view(base)).toEqual(before);
    expect(derived.capacity.free[0]).toBe(2);
    expect(base.capacity.free[0]).toBe(8);
  });

  it("refuses changes that break a reference, naming them", () => {
    const base = indexSnapshot(aSnapshot().site(aSite("dc")).node(aNode("n1", "dc").free(4)).build());
    const node = base.nodes[0] as TGpuNode;
    const bad = [
      { nodes: { upsert: [{ ...node, siteId: "nowhere" }] } },
      {
        allocations: {
          add: [{ workloadId: "w", nodeId: "ghost", gpus: 1, priority: 0, preemptible: false }],
        },
      },
      {
        allocations: {
          add: [{ workloadId: "w", nodeId: node.id, gpus: 6, priority: 0, preemptible: false }],
        },
      },
      { sites: { remove: ["dc"] } },
      { nodes: { upsert: [{ ...node, gpuFree: 99 }] } },
    ];
    for (const changes of bad) expect(() => withChanges(base, changes)).toThrow(PlacementInputError);
  });
});
