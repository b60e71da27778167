import { describe, expect, it } from "vitest";
import { placeBatch } from "../batch/place-batch";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError } from "../snapshot/input-error";
import { aNode, aRequest, aSite, aSnapshot } from "../testing/builders";
import { applyScenario, releaseWorkloads } from "./apply-scenario";
import { replayScenario } from "./replay-scenario";
import type { TScenarioChangeInput } from "./scenario.schema";

/** Two H100 sites: cheap "fra" (2 nodes on two fabrics) and dear "ams"; w-run runs on fra-n0. */
function estate() {
  return aSnapshot()
    .site(aSite("fra").price("H100", 2).latency("eu-west", 10))
    .site(aSite("ams").price("H100", 4).latency("eu-west", 30))
    .node(aNode("fra-n0", "fra").gpus(8, 4).fabric("ib-a"))
    .node(aNode("fra-n1", "fra").gpus(8).fabric("ib-b"))
    .node(aNode("ams-n0", "ams").gpus(8))
    .quota("ml", "H100", 32, 4)
    .allocation({
      workloadId: "w-run",
      nodeId: "fra-n0",
      gpus: 4,
      priority: 0,
      preemptible: false,
      teamId: "ml",
    })
    .build();
}

const requests = [
  aRequest("w-run").gpus(4).latency("eu-west", 100).build(),
  aRequest("w-new").team("vision").gpus(8).build(),
];

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlacementInputError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error("expected a PlacementInputError");
}

describe("releaseWorkloads", () => {
  it("gives back the GPUs, allocations and quota use of the released work only", () => {
    const released = releaseWorkloads(estate(), ["w-run"]);
    expect(released.snapshot.allocations).toEqual([]);
    expect(released.snapshot.nodes.find((n) => n.id === "fra-n0")?.gpuFree).toBe(8);
    expect(released.snapshot.quotas[0]?.usedGpus).toBe(0);
    // Equal to indexing the estate written without the allocation.
    const written = estate();
    written.allocations = [];
    written.nodes[0] = { ...written.nodes[0], gpuFree: 8 } as (typeof written.nodes)[0];
    written.quotas[0] = { ...written.quotas[0], usedGpus: 0 } as (typeof written.quotas)[0];
    expect(placeBatch({ snapshot: released, requests })).toEqual(placeBatch({ snapshot: written, requests }));
    expect(releaseWorkloads(estate(), ["w-other"]).snapshot.allocations).toHaveLength(1);
  });
});

describe("applyScenario", () => {
  it("drains by site, loses by fabric, changes a price and adds nodes, leaving the input as it was", () => {
    const input = estate();
    const before = structuredClone(input);
    const applied = applyScenario({
      snapshot: input,
      requests,
      changes: [
        { kind: "drain", nodes: { siteId: "ams" } },
        { kind: "lose", nodes: { fabric: "ib-b", siteId: "fra" } },
        { kind: "price", siteId: "fra", gpuModel: "H100", usdPerGpuHour: 5 },
        {
          kind: "add-capacity",
          siteId: "ams",
          gpuModel: "H200",
          nodes: 2,
          gpusPerNode: 8,
          gpuMemoryGib: 141,
          usdPerGpuHour: 6,
        },
      ],
    });
    const node = (id: string) => applied.snapshot.snapshot.nodes.find((n) => n.id === id);
    expect(node("ams-n0")?.status).toBe("DRAINING");
    expect(node("fra-n1")?.status).toBe("DOWN");
    expect(node("fra-n0")?.status).toBe("READY");
    expect(node("what-if-3-1")).toMatchObject({
      siteId: "ams",
      gpuModel: "H200",
      gpuFree: 8,
      status: "READY",
    });
    expect(applied.snapshot.snapshot.sites.find((s) => s.id === "fra")?.pricesUsdPerGpuHour.H100).toBe(5);
    expect(applied.snapshot.snapshot.sites.find((s) => s.id === "ams")?.pricesUsdPerGpuHour).toEqual({
      H100: 4,
      H200: 6,
    });
    expect(applied.drainedNodeIds).toEqual(["ams-n0", "fra-n1"]);
    expect(applied.touched.map((t) => t.nodeIds)).toEqual([
      ["ams-n0"],
      ["fra-n1"],
      [],
      ["what-if-3-0", "what-if-3-1"],
    ]);
    expect(input).toEqual(before);
  });

  it("selects nodes by GPU model, by label and by id", () => {
    const input = aSnapshot()
      .site(aSite("fra").prices({ H100: 2, L4: 1 }))
      .node(aNode("a", "fra"))
      .node(aNode("b", "fra").model("L4", 24))
      .node(aNode("c", "fra"))
      .build();
    const drained = (changes: TScenarioChangeInput[], nodeLabels = {}) =>
      applyScenario({ snapshot: input, requests: [], changes, nodeLabels }).drainedNodeIds;
    expect(drained([{ kind: "drain", nodes: { gpuModel: "L4" } }])).toEqual(["b"]);
    expect(
      drained([{ kind: "lose", nodes: { label: { key: "rack", value: "r1" } } }], { c: { rack: "r1" } }),
    ).toEqual(["c"]);
    expect(drained([{ kind: "drain", nodes: { nodeIds: ["c", "a", "c"] } }])).toEqual(["a", "c"]);
  });

  it("changes the policy of every request or of one team's", () => {
    const applied = applyScenario({
      snapshot: estate(),
      requests,
      changes: [{ kind: "policy", profile: "cost-first", weights: { carbon: 4 }, teamId: "vision" }],
    });
    expect(applied.requests[0]?.policy).toBeUndefined();
    expect(applied.requests[1]?.policy).toEqual({ profile: "cost-first", weights: { carbon: 4 } });
  });

  it("names every field the estate cannot take, in words", () => {
    expect(
      issuesOf(() =>
        applyScenario({
          snapshot: estate(),
          requests,
          changes: [
            { kind: "drain", nodes: { siteId: "nowhere" } },
            { kind: "lose", nodes: { nodeIds: ["fra-n0", "ghost"] } },
            { kind: "drain", nodes: { fabric: "ib-z" } },
            { kind: "price", siteId: "fra", gpuModel: "Z9000", usdPerGpuHour: 1 },
            {
              kind: "add-capacity",
              siteId: "mars",
              gpuModel: "H100",
              nodes: 1,
              gpusPerNode: 8,
              gpuMemoryGib: 80,
            },
            { kind: "policy", profile: "cheapest", weights: { speed: 1 } },
            { kind: "policy" },
            {
              kind: "add-capacity",
              siteId: "fra",
              gpuModel: "L4",
              nodes: 1,
              gpusPerNode: 1,
              gpuMemoryGib: 24,
            },
          ],
        }),
      ),
    ).toEqual([
      "changes.0.nodes.siteId: no site with id 'nowhere'",
      "changes.1.nodes.nodeIds: no node with id 'ghost'",
      "changes.2.nodes.fabric: no node has fabric 'ib-z'",
      "changes.3.gpuModel: unknown GPU model 'Z9000'",
      "changes.4.siteId: no site with id 'mars'",
      "changes.5.profile: unknown profile 'cheapest' (known: balanced, cost-first, latency-first, green)",
      "changes.5.weights.speed: no score plugin called 'speed' (known: latency, cost, data-gravity, utilisation, carbon)",
      "changes.6.profile: choose a profile or give weights",
      "changes.7.usdPerGpuHour: site 'fra' has no price for L4: give the price per GPU-hour of the new nodes",
    ]);
  });

  it("refuses malformed changes with the field's path", () => {
    const issues = issuesOf(() =>
      applyScenario({
        snapshot: estate(),
        requests,
        changes: [
          { kind: "price", siteId: "fra", gpuModel: "H100", usdPerGpuHour: -1 },
          {
            kind: "add-capacity",
            siteId: "fra",
            gpuModel: "H100",
            nodes: 0,
            gpusPerNode: 8,
            gpuMemoryGib: 80,
          },
          { kind: "explode" } as unknown as TScenarioChangeInput,
        ],
      }),
    );
    expect(issues).toEqual([
      "changes.0.usdPerGpuHour: A price cannot be negative",
      "changes.1.nodes: Add at least one node",
      expect.stringMatching(/^changes\.2\.kind: Choose what changes/),
    ]);
    expect(issuesOf(() => applyScenario({ snapshot: estate(), requests, changes: [] }))).toEqual([
      "changes: Add at least one change",
    ]);
  });
});

describe("replayScenario", () => {
  it("equals a batch on the estate written with the changes by hand", () => {
    const changes: TScenarioChangeInput[] = [
      { kind: "drain", nodes: { nodeIds: ["fra-n0"] } },
      { kind: "price", siteId: "ams", gpuModel: "H100", usdPerGpuHour: 1.5 },
    ];
    const replay = replayScenario({ snapshot: estate(), requests, changes, running: ["w-run"] });
    const written = estate();
    written.allocations = [];
    written.quotas = [{ teamId: "ml", gpuModel: "H100", limitGpus: 32, usedGpus: 0 }];
    written.nodes = written.nodes.map((n) =>
      n.id === "fra-n0" ? { ...n, gpuFree: 8, status: "DRAINING" as const } : n,
    );
    written.sites = written.sites.map((s) =>
      s.id === "ams" ? { ...s, pricesUsdPerGpuHour: { H100: 1.5 } } : s,
    );
    expect(replay.scenario).toEqual(placeBatch({ snapshot: written, requests }));
  });

  it("reports moves, unplaceable work with the engine's reasons, team deltas and the bound", () => {
    const replay = replayScenario({
      snapshot: estate(),
      requests,
      changes: [{ kind: "lose", nodes: { siteId: "fra" } }],
      running: ["w-run"],
    });
    const { comparison } = replay;
    // Before: both fit at the cheap site; after: ams has 8 GPUs for 12 wanted.
    expect(comparison.totals).toMatchObject({ workloads: 2, moved: 1, unplaceable: 1, placed: 0 });
    const moved = comparison.workloads.find((w) => w.change === "moved");
    const lost = comparison.workloads.find((w) => w.change === "unplaceable");
    expect(moved?.before?.siteId).toBe("fra");
    expect(moved?.after?.siteId).toBe("ams");
    expect(lost?.reason).toMatch(/sites/);
    const team = comparison.teams.find((t) => t.teamId === (moved?.teamId as string));
    expect(team?.deltaUsd).toBe(moved?.costDeltaUsd as number);
    expect(comparison.teams.find((t) => t.teamId === "ml")).toMatchObject({ beforeLatencyMs: 10 });
    expect(replay.scenario.bound.summary).toMatch(/optimal|lower bound/);
    expect(indexSnapshot(estate()).snapshot.allocations).toHaveLength(1);
  });
});
