import { describe, expect, it } from "vitest";
import { place } from "../place/place";
import { aNode, aSite, aSnapshot } from "../testing/builders";
import { indexSnapshot } from "./index-snapshot";
import { PlacementInputError } from "./input-error";
import { withAllocations } from "./with-allocations";

const input = aSnapshot()
  .site(aSite("dc"))
  .node(aNode("n1", "dc").free(8))
  .node(aNode("n2", "dc").free(8))
  .build();
const withQuotas = {
  ...input,
  quotas: [
    { teamId: "ml", gpuModel: input.nodes[0]?.gpuModel ?? "", limitGpus: 16, usedGpus: 2 },
    { teamId: "ml", gpuModel: "*", limitGpus: 32, usedGpus: 3 },
  ],
};

describe("withAllocations", () => {
  it("takes the GPUs, adds the running work and counts it against the team's quotas", () => {
    const held = [
      { workloadId: "w1", nodeId: "n1", gpus: 6, priority: 1, preemptible: false, teamId: "ml" },
      { workloadId: "w1", nodeId: "n2", gpus: 2, priority: 1, preemptible: false, teamId: "ml" },
    ];
    const derived = withAllocations(indexSnapshot(withQuotas), held);
    const expected = indexSnapshot({
      ...withQuotas,
      nodes: withQuotas.nodes.map((n) => ({ ...n, gpuFree: n.id === "n1" ? 2 : 6 })),
      quotas: withQuotas.quotas.map((q) => ({ ...q, usedGpus: q.usedGpus + 8 })),
      allocations: held,
    });
    expect(derived.capacity).toEqual(expected.capacity);
    expect(derived.allocations).toEqual(expected.allocations);
    expect(derived.quotas).toEqual(expected.quotas);
    const request = {
      id: "next",
      kind: "TRAINING" as const,
      teamId: "ml",
      gpu: { count: 4 },
      estimatedHours: 1,
    };
    expect(place({ snapshot: derived, request })).toEqual(place({ snapshot: expected, request }));
  });

  it("shares every index that GPUs taken leave alone: the node order, pools, groups and sites", () => {
    // The reconcile tick derives its estate once per placement at 50,000 nodes: copying the
    // per-node arrays a status change needs would cost more than the placement.
    const prepared = indexSnapshot(withQuotas);
    const derived = withAllocations(prepared, [
      { workloadId: "w1", nodeId: "n1", gpus: 3, priority: 0, preemptible: false, teamId: "ml" },
    ]);
    expect(derived.nodePool).toBe(prepared.nodePool);
    expect(derived.pools).toBe(prepared.pools);
    expect(derived.groups).toBe(prepared.groups);
    expect(derived.sites).toBe(prepared.sites);
    expect(derived.capacity.free[0]).toBe(5);
    expect(prepared.capacity.free[0]).toBe(8);
  });

  it("refuses GPUs a node does not have free", () => {
    const prepared = indexSnapshot(input);
    const tooMany = [{ workloadId: "w", nodeId: "n1", gpus: 9, priority: 0, preemptible: false }];
    expect(() => withAllocations(prepared, tooMany)).toThrow(PlacementInputError);
    expect(() => withAllocations(prepared, [{ ...tooMany[0], nodeId: "ghost", gpus: 1 } as never])).toThrow(
      PlacementInputError,
    );
  });
});
