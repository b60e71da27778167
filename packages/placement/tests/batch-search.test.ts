import { describe, expect, it } from "vitest";
import { BatchState } from "../src/batch/batch-state";
import { buildItem, roomByPool } from "../src/batch/build-options";
import { ChainSearch } from "../src/batch/chain-search";
import { placeByEvicting } from "../src/batch/eviction";
import { regroupPass } from "../src/batch/ruin-recreate";
import { indexSnapshot, placeBatch, type TWorkloadRequestInput } from "../src/index";
import { checkPlacement } from "../src/place/place";
import { cloneCapacity } from "../src/snapshot/capacity";
import { aNode, aRequest, aSite, aSnapshot, type SnapshotBuilder } from "../src/testing/builders";

// One 8-GPU node per site: "a" H100 at $1, "b" A100-80GB at $2, "c" L4 at $10 (per GPU-hour).
const trio = () =>
  aSnapshot()
    .site(aSite("a").prices({ H100: 1 }))
    .site(aSite("b").prices({ "A100-80GB": 2 }))
    .site(aSite("c").prices({ L4: 10 }))
    .node(aNode("a-n", "a"))
    .node(aNode("b-n", "b").model("A100-80GB", 80))
    .node(aNode("c-n", "c").model("L4", 24));

const ANY = ["H100", "A100-80GB", "L4"];
const budget = () => ({ spent: 0, budget: 1_000 });

/** A batch state over hand-built requests, with helpers to seat items and read where they are. */
function batchOf(snapshot: SnapshotBuilder, requests: TWorkloadRequestInput[]) {
  const prepared = indexSnapshot(snapshot.build());
  const room = roomByPool(prepared, false);
  const items = requests.map((raw, i) => {
    const { request, engine } = checkPlacement(prepared, raw, undefined, {}, "");
    if (request === undefined || engine === undefined) throw new Error(`bad request ${raw.id}`);
    return buildItem(prepared, i, request, engine, room, Number.POSITIVE_INFINITY);
  });
  const state = new BatchState(prepared, cloneCapacity(prepared.capacity), items);
  const item = (id: string) => {
    const found = state.items.find((it) => it.request.id === id);
    if (found === undefined) throw new Error(`no item ${id}`);
    return found;
  };
  const seat = (id: string, siteId: string) => {
    const it = item(id);
    const k = [...it.optRef.keys()].find((j) => prepared.sites[state.optionSite(it, j)]?.site.id === siteId);
    if (k === undefined || !state.place(it, k)) throw new Error(`${id} does not fit at ${siteId}`);
  };
  const siteOf = (id: string) => {
    const a = state.assignments[item(id).idx];
    return a === undefined ? undefined : prepared.sites[state.optionSite(item(id), a.option)]?.site.id;
  };
  return { state, item, seat, siteOf };
}

describe("regret greedy", () => {
  it("puts a workload first once its other options are gone, instead of leaving it out", () => {
    // By regret: h ($72) takes a; then f's only option left is b, which g ($71.2) also
    // wants. A regret read before h was placed (f: $0.80) would let g take b and leave f out.
    const requests = [
      aRequest("f").gpus(8).hours(1).models("H100", "A100-80GB").build(),
      aRequest("g").gpus(8).hours(1).models("A100-80GB", "L4").build(),
      aRequest("h").gpus(8).hours(1).models("H100", "L4").build(),
    ];
    const snapshot = aSnapshot()
      .site(aSite("a").prices({ H100: 1 }))
      .site(aSite("b").prices({ "A100-80GB": 1.1 }))
      .site(aSite("c").prices({ L4: 10 }))
      .node(aNode("a-n", "a"))
      .node(aNode("b-n", "b").model("A100-80GB", 80))
      .node(aNode("c-n", "c").model("L4", 24))
      .build();
    const result = placeBatch({ snapshot, requests, searchEffort: 0 });
    expect(result.placements.map((p) => [p.workloadId, p.siteId])).toEqual([
      ["f", "b"],
      ["g", "c"],
      ["h", "a"],
    ]);
  });

  it("weighs regret per GPU, so one big workload does not take what two small ones need more", () => {
    // big: $16 at a, $32 at b (regret $16, $2/GPU); each small: $12 at a, $24 at b ($12, $3/GPU).
    const snapshot = aSnapshot()
      .site(aSite("a").prices({ H100: 1 }))
      .site(aSite("b").prices({ H100: 2 }))
      .node(aNode("a-n", "a"))
      .node(aNode("b-n", "b"))
      .build();
    const requests = [
      aRequest("big").gpus(8).hours(2).build(),
      aRequest("small-1").gpus(4).hours(3).build(),
      aRequest("small-2").gpus(4).hours(3).build(),
    ];
    const result = placeBatch({ snapshot, requests, searchEffort: 0 });
    expect(result.placements.map((p) => [p.workloadId, p.siteId])).toEqual([
      ["big", "b"],
      ["small-1", "a"],
      ["small-2", "a"],
    ]);
    expect(result.totalCostUsd).toBe(56);
  });
});

describe("ChainSearch", () => {
  it("swaps two workloads when neither can improve alone", () => {
    // x: $8 at a, $16 at b; y: $80 at a, $160 at b. x on a and y on b cost $168; swapped, $96.
    const batch = batchOf(trio(), [
      aRequest("x")
        .gpus(8)
        .hours(1)
        .models(...ANY)
        .build(),
      aRequest("y")
        .gpus(8)
        .hours(10)
        .models(...ANY)
        .build(),
    ]);
    batch.seat("x", "a");
    batch.seat("y", "b");
    const chains = new ChainSearch(batch.state);
    expect(chains.run(batch.item("x"), 0, budget())).toBe(false);
    expect(chains.run(batch.item("y"), 0, budget())).toBe(true);
    expect([batch.siteOf("x"), batch.siteOf("y")]).toEqual(["b", "a"]);
    expect(batch.state.totalCost).toBe(96);
  });

  it("exchanges at equal count: a left-out workload gets in by a chain that leaves a dearer one out", () => {
    // x ($8, a only) is out; y ($8 at a, $16 at b) sits on a; z ($160, b only) on b. x takes
    // a, y moves to b, z goes out: still two placed, for $24 instead of $168.
    const batch = batchOf(trio(), [
      aRequest("x").gpus(8).hours(1).models("H100").build(),
      aRequest("y").gpus(8).hours(1).models("H100", "A100-80GB").build(),
      aRequest("z").gpus(8).hours(10).models("A100-80GB").build(),
    ]);
    batch.seat("y", "a");
    batch.seat("z", "b");
    const chains = new ChainSearch(batch.state);
    // A chain that only rearranges (below 0, nothing left out) finds nothing here.
    expect(chains.run(batch.item("x"), 0, budget())).toBe(false);
    expect(chains.exchange(batch.item("x"), budget())).toBe(batch.item("z").idx);
    expect([batch.siteOf("x"), batch.siteOf("y"), batch.siteOf("z")]).toEqual(["a", "b", undefined]);
    expect(batch.state.totalCost).toBe(24);
    // The dearer set is never chosen: from z's side there is no exchange that saves.
    expect(chains.exchange(batch.item("z"), budget())).toBeUndefined();
  });

  it("gets an unplaced workload in by moving the one in its way (an augmenting path)", () => {
    const batch = batchOf(trio(), [
      aRequest("u").gpus(8).models("H100").build(),
      aRequest("v").gpus(8).models("H100", "A100-80GB").build(),
    ]);
    batch.seat("v", "a");
    expect(new ChainSearch(batch.state).run(batch.item("u"), Number.POSITIVE_INFINITY, budget())).toBe(true);
    expect([batch.siteOf("u"), batch.siteOf("v")]).toEqual(["a", "b"]);
  });

  it("clears several occupants off a node when no single one makes room", () => {
    const batch = batchOf(trio(), [
      aRequest("p").gpus(4).models("H100", "A100-80GB").build(),
      aRequest("q").gpus(4).models("H100", "A100-80GB").build(),
      aRequest("u").gpus(8).models("H100").build(),
    ]);
    batch.seat("p", "a");
    batch.seat("q", "a");
    expect(new ChainSearch(batch.state).run(batch.item("u"), Number.POSITIVE_INFINITY, budget())).toBe(true);
    expect([batch.siteOf("p"), batch.siteOf("q"), batch.siteOf("u")]).toEqual(["b", "b", "a"]);
  });

  it("keeps nothing that does not lower the total when improving", () => {
    const batch = batchOf(trio(), [
      aRequest("x")
        .gpus(8)
        .hours(10)
        .models(...ANY)
        .build(),
      aRequest("y")
        .gpus(8)
        .hours(1)
        .models(...ANY)
        .build(),
    ]);
    batch.seat("x", "a");
    batch.seat("y", "b");
    const before = batch.state.totalCost;
    expect(new ChainSearch(batch.state).run(batch.item("y"), 0, budget())).toBe(false);
    expect(batch.state.totalCost).toBe(before);
    expect([batch.siteOf("x"), batch.siteOf("y")]).toEqual(["a", "b"]);
  });
});

describe("placeByEvicting", () => {
  it("evicts in a tree, each evicted workload making room in turn", () => {
    const batch = batchOf(trio(), [
      aRequest("u").gpus(8).models("H100").build(),
      aRequest("p").gpus(8).models("H100", "A100-80GB").build(),
      aRequest("r").gpus(8).models("A100-80GB", "L4").build(),
    ]);
    batch.seat("p", "a");
    batch.seat("r", "b");
    const u = batch.item("u");
    expect(placeByEvicting(batch.state, u, 1, new Set([u.idx]), budget())).toBe(false);
    expect(placeByEvicting(batch.state, u, 2, new Set([u.idx]), budget())).toBe(true);
    expect([batch.siteOf("u"), batch.siteOf("p"), batch.siteOf("r")]).toEqual(["a", "b", "c"]);
  });
});

/** big: $8 at a, $16 at b; each small: $40 at a, $80 at b; big on a, both small ones on b. */
function bigOffSmallGroup() {
  const snapshot = aSnapshot()
    .site(aSite("a").prices({ H100: 1 }))
    .site(aSite("b").prices({ H100: 2 }))
    .site(aSite("c").prices({ L4: 10 }))
    .node(aNode("a-n", "a"))
    .node(aNode("b-n", "b"))
    .node(aNode("c-n", "c").model("L4", 24));
  const batch = batchOf(snapshot, [
    aRequest("big").gpus(8).hours(1).build(),
    aRequest("small-1").gpus(4).hours(10).build(),
    aRequest("small-2").gpus(4).hours(10).build(),
    aRequest("elsewhere").gpus(8).models("L4").build(),
  ]);
  batch.seat("big", "a");
  batch.seat("small-1", "b");
  batch.seat("small-2", "b");
  batch.seat("elsewhere", "c");
  return batch;
}

describe("moving a big workload off a group that several small ones want more", () => {
  it("is a chain that ends by clearing the rest of the node its start leaves", () => {
    // small-1 takes a, evicting big; big takes b, where small-1 left 4 GPUs and small-2 is
    // cleared off the other 4; small-2 ends on a, beside small-1.
    const batch = bigOffSmallGroup();
    expect(new ChainSearch(batch.state).run(batch.item("small-1"), 0, budget())).toBe(true);
    expect([batch.siteOf("big"), batch.siteOf("small-1"), batch.siteOf("small-2")]).toEqual(["b", "a", "a"]);
    expect(batch.state.totalCost).toBe(96 + 800);
  });

  it("is a regroup (ruin of the small ones and the big one, recreated by regret)", () => {
    const batch = bigOffSmallGroup();
    // Ruins of three in a batch of four: bigger than a ruin.
    expect(regroupPass(batch.state, budget(), new Map(), 3)).toBe(1);
    expect([batch.siteOf("big"), batch.siteOf("small-1"), batch.siteOf("small-2")]).toEqual(["b", "a", "a"]);
    expect(batch.state.totalCost).toBe(96 + 800);
  });
});
