import { describe, expect, it } from "vitest";
import { PlacementInputError } from "../snapshot/input-error";
import { aNode, aRequest, aSite, aSnapshot } from "../testing/builders";
import { classifyBorrowed } from "./classify";
import { fairOrder } from "./fair-order";
import { planReclaim } from "./reclaim";
import { computeShares, type TTeamShare } from "./shares";
import type { TEntitlementNodeInput, TEntitlementTree } from "./tree";

const org = { id: "org", parentId: null, kind: "ORGANISATION", weight: 1 } as const;
const dept = (id: string): TEntitlementNodeInput => ({ id, parentId: "org", kind: "DEPARTMENT", weight: 1 });
const team = (
  id: string,
  parentId: string,
  extra: Partial<TEntitlementNodeInput> = {},
): TEntitlementNodeInput => ({
  id,
  parentId,
  kind: "TEAM",
  weight: 1,
  ...extra,
});
const treeOf = (...nodes: TEntitlementNodeInput[]): TEntitlementTree => ({ nodes: [org, ...nodes] });
const row = (share: TTeamShare, model: string) => share.models.find((m) => m.gpuModel === model);
const byTeam = (teams: readonly TTeamShare[], id: string) => teams.find((t) => t.teamId === id) as TTeamShare;

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlacementInputError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a PlacementInputError");
}

describe("computeShares", () => {
  const tree = treeOf(
    dept("d1"),
    dept("d2"),
    team("a", "d1", { guarantees: { H100: 40 } }),
    team("b", "d1", { guarantees: { H100: 10 } }),
    team("c", "d2", { guarantees: { H100: 30 } }),
    team("d", "d2"),
  );

  it("counts use above the guarantee as borrowed and lends unused guarantee inside the department first", () => {
    const shares = computeShares(
      tree,
      [
        { teamId: "a", gpuModel: "H100", gpus: 10 },
        { teamId: "b", gpuModel: "H100", gpus: 30 },
        { teamId: "d", gpuModel: "H100", gpus: 25 },
      ],
      [],
      { H100: 100 },
    );
    const a = row(byTeam(shares.teams, "a"), "H100");
    const b = row(byTeam(shares.teams, "b"), "H100");
    const c = row(byTeam(shares.teams, "c"), "H100");
    const d = row(byTeam(shares.teams, "d"), "H100");
    expect(a).toMatchObject({ guaranteed: 40, used: 10, borrowed: 0, unusedGuarantee: 30 });
    // b borrows 20: all from a (same department).
    expect(b).toMatchObject({ borrowed: 20, borrowedFromDepartment: 20, borrowedFromOrganisation: 0 });
    // d borrows 25: c's 30 unused in its own department first.
    expect(d).toMatchObject({ borrowed: 25, borrowedFromDepartment: 25, borrowedFromOrganisation: 0 });
    expect(a).toMatchObject({ lentInDepartment: 20, lentInOrganisation: 0 });
    expect(c).toMatchObject({ lentInDepartment: 25, lentInOrganisation: 0 });
  });

  it("lends across departments only what the borrower's own department cannot", () => {
    const shares = computeShares(
      tree,
      [
        { teamId: "b", gpuModel: "H100", gpus: 30 },
        { teamId: "c", gpuModel: "H100", gpus: 30 },
        { teamId: "d", gpuModel: "H100", gpus: 30 },
      ],
      [],
      { H100: 100 },
    );
    // d1: a lends 40, b borrows 20 of it; 20 left go to d (d2 has nothing spare: c uses all of its 30).
    expect(row(byTeam(shares.teams, "a"), "H100")).toMatchObject({
      lentInDepartment: 20,
      lentInOrganisation: 20,
    });
    expect(row(byTeam(shares.teams, "d"), "H100")).toMatchObject({
      borrowed: 30,
      borrowedFromDepartment: 0,
      borrowedFromOrganisation: 20,
    });
  });

  it("covers usage with a class guarantee on the scarcest model first, and never outside the site group", () => {
    const t = treeOf(team("x", "org", { guarantees: { "*": 8 }, siteIds: ["s1"] }));
    const shares = computeShares(
      t,
      [
        { teamId: "x", gpuModel: "L4", gpus: 8, siteId: "s1" },
        { teamId: "x", gpuModel: "H100", gpus: 8, siteId: "s1" },
        { teamId: "x", gpuModel: "H100", gpus: 4, siteId: "s2" },
      ],
      [],
      { H100: 16, L4: 400 },
    );
    const x = byTeam(shares.teams, "x");
    expect(row(x, "H100")).toMatchObject({ used: 12, borrowed: 4 });
    expect(row(x, "L4")).toMatchObject({ used: 8, borrowed: 8 });
    expect(row(x, "*")).toMatchObject({ guaranteed: 8, used: 20, borrowed: 12, unusedGuarantee: 0 });
    expect(x.dominantModel).toBe("H100");
    expect(x.dominantShare).toBeCloseTo(12 / 16);
  });

  it("entitles teams by weight among those with demand, capped by demand (weighted DRF)", () => {
    const t = treeOf(
      team("light", "org"),
      team("heavy", "org", { weight: 3 }),
      team("idle", "org", { weight: 10 }),
    );
    const big = computeShares(
      t,
      [],
      [
        { teamId: "light", gpuModel: "H100", gpus: 500 },
        { teamId: "heavy", gpuModel: "H100", gpus: 500 },
      ],
      { H100: 100 },
    );
    expect(byTeam(big.teams, "light").entitledGpus).toBeCloseTo(25, 4);
    expect(byTeam(big.teams, "heavy").entitledGpus).toBeCloseTo(75, 4);
    expect(byTeam(big.teams, "idle").entitledGpus).toBe(0);
    const capped = computeShares(
      t,
      [],
      [
        { teamId: "light", gpuModel: "H100", gpus: 500 },
        { teamId: "heavy", gpuModel: "H100", gpus: 10 },
      ],
      { H100: 100 },
    );
    expect(byTeam(capped.teams, "heavy").entitledGpus).toBeCloseTo(10, 4);
    expect(byTeam(capped.teams, "light").entitledGpus).toBeCloseTo(90, 4);
  });

  it("equalises dominant shares across models: a team dominated by L4 still takes its H100 in proportion", () => {
    const t = treeOf(team("h", "org"), team("l", "org"));
    const shares = computeShares(
      t,
      [],
      [
        { teamId: "h", gpuModel: "H100", gpus: 100 },
        { teamId: "l", gpuModel: "H100", gpus: 10 },
        { teamId: "l", gpuModel: "L4", gpus: 400 },
      ],
      { H100: 20, L4: 100 },
    );
    // Dominant shares: h on H100 (20λ of 20), l on L4 (100λ of 100, with 2.5λ H100). H100 fills
    // at 22.5λ = 20: both stop at dominant share 8/9.
    expect(byTeam(shares.teams, "h").entitledGpus).toBeCloseTo(160 / 9, 3);
    expect(byTeam(shares.teams, "l").entitledShare).toBeCloseTo(8 / 9, 3);
    expect(byTeam(shares.teams, "h").entitledShare).toBeCloseTo(8 / 9, 3);
  });

  it("counts shares in GPU class units, all models pooled, when the tree has classUnits", () => {
    const nodes = [team("h", "org"), team("l", "org")];
    const usage = [
      { teamId: "h", gpuModel: "H100", gpus: 10 },
      { teamId: "l", gpuModel: "L4", gpus: 40 },
    ];
    const demand = [
      { teamId: "h", gpuModel: "*", gpus: 100 },
      { teamId: "l", gpuModel: "*", gpus: 100 },
    ];
    const capacity = { H100: 20, L4: 80 };
    // DRF across models: h holds half the H100s, l half the L4s: equal dominant shares.
    const drf = computeShares(treeOf(...nodes), usage, demand, capacity);
    expect(byTeam(drf.teams, "h").dominantShare).toBeCloseTo(0.5, 6);
    expect(byTeam(drf.teams, "l").dominantShare).toBeCloseTo(0.5, 6);
    // In H100-equivalents (an L4 is a quarter): the pool is 20 + 80/4 = 40 units; h holds
    // 10, l 10: equal again; by GPU count (unit 1) h holds 10 of 100, l 40 of 100.
    const units = computeShares({ ...treeOf(...nodes), classUnits: { L4: 0.25 } }, usage, demand, capacity);
    expect(byTeam(units.teams, "h").dominantShare).toBeCloseTo(0.25, 6);
    expect(byTeam(units.teams, "l").dominantShare).toBeCloseTo(0.25, 6);
    expect(byTeam(units.teams, "h").dominantModel).toBe("*");
    const gpus = computeShares({ ...treeOf(...nodes), classUnits: {} }, usage, demand, capacity);
    expect(byTeam(gpus.teams, "h").dominantShare).toBeCloseTo(0.1, 6);
    expect(byTeam(gpus.teams, "l").dominantShare).toBeCloseTo(0.4, 6);
    // Equal weights, both wanting more than half: 50 GPUs each of the pooled 100.
    expect(byTeam(gpus.teams, "h").entitledGpus).toBeCloseTo(50, 3);
    expect(byTeam(gpus.teams, "h").underFairShare).toBe(true);
    expect(byTeam(gpus.teams, "l").underFairShare).toBe(true);
    // The fair order grows a team's share by its work's units: h (0.1) goes first; its 35
    // GPUs bring it to 0.45, past l at 0.4, which goes next.
    const order = fairOrder(
      [
        { workloadId: "h1", teamId: "h", gpus: 35, submittedAt: 1 },
        { workloadId: "h2", teamId: "h", gpus: 20, submittedAt: 2 },
        { workloadId: "l1", teamId: "l", gpus: 8, submittedAt: 0 },
      ],
      gpus,
    );
    expect(order.map((p) => p.workloadId)).toEqual(["h1", "l1", "h2"]);
  });

  it("refuses a GPU class unit that is not a positive number, by field", () => {
    const issues = issuesOf(() =>
      computeShares({ ...treeOf(team("a", "org")), classUnits: { H100: 0 } }, [], [], { H100: 8 }),
    );
    expect(issues.map((i) => i.path)).toEqual(["tree.classUnits.H100"]);
  });

  it("names every bad field of the tree and the amounts", () => {
    const issues = issuesOf(() =>
      computeShares(
        {
          nodes: [
            org,
            { id: "org", parentId: null, kind: "ORGANISATION", weight: 1 },
            team("a", "nowhere"),
            team("b", "a"),
            { id: "d", parentId: "org", kind: "DEPARTMENT", weight: 1, guarantees: { H100: 4 } },
            team("c", "d", { guarantees: { H100: 8 } }),
          ],
        },
        [],
        [],
        { H100: 8 },
      ),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "tree.nodes.1.id",
        "tree.nodes",
        "tree.nodes.2.parentId",
        "tree.nodes.4.guarantees.H100",
      ]),
    );
    expect(issues.some((i) => i.message.includes("cannot sit under a TEAM"))).toBe(true);
    expect(
      issuesOf(() => computeShares(treeOf(team("a", "org", { weight: 0 })), [], [], { H100: 8 }))[0]?.path,
    ).toBe("tree.nodes.1.weight");
    const amounts = issuesOf(() =>
      computeShares(treeOf(team("a", "org")), [{ teamId: "zz", gpuModel: "B300", gpus: 1 }], [], { H100: 8 }),
    );
    expect(amounts.map((i) => i.path)).toEqual(["usage.0.teamId", "usage.0.gpuModel"]);
    expect(issuesOf(() => computeShares(treeOf(team("a", "org")), [], [], {}))[0]?.path).toBe("capacity");
  });
});

describe("fairOrder", () => {
  const t = treeOf(team("a", "org"), team("b", "org", { weight: 2 }), team("c", "org"));
  const shares = computeShares(
    t,
    [
      { teamId: "a", gpuModel: "H100", gpus: 60 },
      { teamId: "b", gpuModel: "H100", gpus: 20 },
    ],
    [
      { teamId: "a", gpuModel: "H100", gpus: 40 },
      { teamId: "b", gpuModel: "H100", gpus: 40 },
      { teamId: "c", gpuModel: "H100", gpus: 16 },
    ],
    { H100: 100 },
  );

  it("puts teams under their fair share first, lowest dominant share over weight first, and counts each pick", () => {
    const order = fairOrder(
      [
        { workloadId: "a1", teamId: "a", gpus: 8, gpuModel: "H100", priority: 9, submittedAt: 0 },
        { workloadId: "b1", teamId: "b", gpus: 8, gpuModel: "H100", submittedAt: 5 },
        { workloadId: "b2", teamId: "b", gpus: 8, gpuModel: "H100", submittedAt: 6 },
        { workloadId: "c1", teamId: "c", gpus: 8, gpuModel: "H100", submittedAt: 7 },
        { workloadId: "c2", teamId: "c", gpus: 8, gpuModel: "H100", submittedAt: 8 },
      ],
      shares,
    );
    // Dominant share over weight once the head runs: c (0 + 0.08) / 1 = 0.08 before b (0.2 + 0.08) / 2
    // = 0.14; then b's 0.14 before c's 0.16; then c's 0.16 before b's 0.18; a last (over its share,
    // whatever its priority).
    expect(order.map((p) => p.workloadId)).toEqual(["c1", "b1", "c2", "b2", "a1"]);
    expect(order.map((p) => p.position)).toEqual([1, 2, 3, 4, 5]);
    expect(order[4]?.underFairShare).toBe(false);
    expect(order[4]?.reason).toContain("over its fair share");
    expect(order[0]?.reason).toContain("under its fair share");
  });

  it("counts a team's share after its head runs, so that a small team's big job waits for a big team's small ones", () => {
    const t2 = treeOf(team("small", "org"), team("big", "org", { weight: 4 }));
    const even = computeShares(
      t2,
      [],
      [
        { teamId: "small", gpuModel: "H100", gpus: 40 },
        { teamId: "big", gpuModel: "H100", gpus: 100 },
      ],
      { H100: 100 },
    );
    const order = fairOrder(
      [
        { workloadId: "small-40", teamId: "small", gpus: 40, gpuModel: "H100", submittedAt: 0 },
        { workloadId: "big-1", teamId: "big", gpus: 8, gpuModel: "H100", submittedAt: 5 },
        { workloadId: "big-2", teamId: "big", gpus: 8, gpuModel: "H100", submittedAt: 6 },
      ],
      even,
    );
    // Both start at 0 (a tie that age would give to small-40), but small-40 takes small to 0.4 /
    // 1 = 0.4 while each 8-GPU job takes big to 0.08 / 4 = 0.02, then 0.04.
    expect(order.map((p) => p.workloadId)).toEqual(["big-1", "big-2", "small-40"]);
    expect(order.every((p) => p.underFairShare)).toBe(true);
  });

  it("breaks ties by priority, then age, inside a team and across teams at the same share", () => {
    const order = fairOrder(
      [
        { workloadId: "c-old", teamId: "c", gpus: 1, submittedAt: 1 },
        { workloadId: "c-new-high", teamId: "c", gpus: 1, priority: 5, submittedAt: 9 },
        { workloadId: "c-new", teamId: "c", gpus: 1, submittedAt: 5 },
      ],
      shares,
    );
    expect(order.map((p) => p.workloadId)).toEqual(["c-new-high", "c-old", "c-new"]);
  });

  it("refuses unknown teams, models and duplicate ids by field", () => {
    const issues = issuesOf(() =>
      fairOrder(
        [
          { workloadId: "w", teamId: "nobody", gpus: 1, submittedAt: 0 },
          { workloadId: "w", teamId: "a", gpus: 1, gpuModel: "B300", submittedAt: 0 },
          { workloadId: "v", teamId: "a", gpus: 0, submittedAt: 0 },
        ],
        shares,
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(["pending.2.gpus"]);
    const refs = issuesOf(() =>
      fairOrder(
        [
          { workloadId: "w", teamId: "nobody", gpus: 1, submittedAt: 0 },
          { workloadId: "w", teamId: "a", gpus: 1, gpuModel: "B300", submittedAt: 0 },
        ],
        shares,
      ),
    );
    expect(refs.map((i) => i.path)).toEqual([
      "pending.0.teamId",
      "pending.1.gpuModel",
      "pending.1.workloadId",
    ]);
  });
});

describe("classifyBorrowed", () => {
  it("keeps the oldest, highest-priority work inside the guarantee and marks the rest borrowed", () => {
    const t = treeOf(team("a", "org", { guarantees: { H100: 8, "*": 8 }, siteIds: ["s1"] }));
    const out = classifyBorrowed(t, [
      { workloadId: "old", teamId: "a", gpuModel: "H100", gpus: 8, startedAt: 1 },
      { workloadId: "new", teamId: "a", gpuModel: "H100", gpus: 8, startedAt: 3 },
      { workloadId: "urgent", teamId: "a", gpuModel: "L4", gpus: 8, priority: 5, startedAt: 4 },
      { workloadId: "away", teamId: "a", gpuModel: "H100", gpus: 1, siteId: "s2", startedAt: 0 },
    ]);
    expect(out.map((c) => [c.workloadId, c.borrowed])).toEqual([
      ["away", true],
      ["new", true],
      ["old", false],
      ["urgent", false],
    ]);
    expect(out[0]?.reason).toContain("outside team a's site group");
  });
});

describe("planReclaim", () => {
  const t = treeOf(
    team("owner", "org", { guarantees: { H100: 8 } }),
    team("greedy", "org", { guarantees: { H100: 0 } }),
    team("modest", "org", { guarantees: { H100: 8 } }),
  );
  const estate = (spare: boolean) => {
    const b = aSnapshot()
      .site(aSite("s1").price("H100", 3))
      .node(aNode("s1-n0", "s1").gpus(8, 0))
      .node(aNode("s1-n1", "s1").gpus(8, 0))
      .allocation({
        workloadId: "g-low",
        nodeId: "s1-n0",
        gpus: 8,
        priority: 0,
        preemptible: true,
        teamId: "greedy",
      })
      .allocation({
        workloadId: "m-low",
        nodeId: "s1-n1",
        gpus: 8,
        priority: 0,
        preemptible: true,
        teamId: "modest",
      });
    if (spare) b.site(aSite("s2").price("H100", 9)).node(aNode("s2-n0", "s2").gpus(8));
    return b.build();
  };
  const running = [
    { workloadId: "g-low", teamId: "greedy", gpuModel: "H100", gpus: 8, startedAt: 10 },
    { workloadId: "m-low", teamId: "modest", gpuModel: "H100", gpus: 8, startedAt: 5 },
  ];
  const sharesFor = (capacity: number) =>
    computeShares(
      t,
      running.map((r) => ({ teamId: r.teamId, gpuModel: r.gpuModel, gpus: r.gpus })),
      [{ teamId: "owner", gpuModel: "H100", gpus: 8 }],
      { H100: capacity },
    );
  const pending = [{ request: aRequest("own-1").team("owner").gpus(8).build(), submittedAt: 100 }];

  it("places the work elsewhere rather than preempt anything when another site has room", () => {
    const plan = planReclaim({ snapshot: estate(true), tree: t, shares: sharesFor(24), running, pending });
    expect(plan.preemptions).toEqual([]);
    expect(plan.placements.map((p) => [p.workloadId, p.siteId])).toEqual([["own-1", "s2"]]);
  });

  it("takes back borrowed GPUs of the team furthest over its share, with a reason naming both", () => {
    const plan = planReclaim({ snapshot: estate(false), tree: t, shares: sharesFor(16), running, pending });
    expect(plan.preemptions).toHaveLength(1);
    expect(plan.preemptions[0]).toMatchObject({
      workloadId: "g-low",
      forWorkloadId: "own-1",
      teamId: "greedy",
    });
    expect(plan.preemptions[0]?.reason).toContain("borrowed");
    expect(plan.preemptions[0]?.reason).toContain("own-1");
    expect(plan.placements[0]).toMatchObject({
      workloadId: "own-1",
      preempted: ["g-low"],
      waitsFor: ["g-low"],
    });
  });

  it("does not reclaim for a team at its guarantee", () => {
    const plan = planReclaim({
      snapshot: estate(false),
      tree: t,
      shares: sharesFor(16),
      running,
      pending: [{ request: aRequest("g-2").team("greedy").gpus(8).build(), submittedAt: 1 }],
    });
    expect(plan.preemptions).toEqual([]);
    expect(plan.unplaced.map((u) => u.workloadId)).toEqual(["g-2"]);
  });

  it("reclaims for a team above its guarantee but under its fair share only with reclaimFor fair-share, and only after reclaimAfter", () => {
    const weighted = treeOf(
      team("greedy", "org", { guarantees: { H100: 0 } }),
      team("modest", "org", { weight: 3, guarantees: { H100: 8 } }),
    );
    const snapshot = aSnapshot()
      .site(aSite("s1").price("H100", 3))
      .node(aNode("s1-n0", "s1").gpus(8, 0))
      .node(aNode("s1-n1", "s1").gpus(8, 0))
      .allocation({
        workloadId: "g-a",
        nodeId: "s1-n0",
        gpus: 4,
        priority: 0,
        preemptible: true,
        teamId: "greedy",
      })
      .allocation({
        workloadId: "g-b",
        nodeId: "s1-n0",
        gpus: 4,
        priority: 0,
        preemptible: true,
        teamId: "greedy",
      })
      .allocation({
        workloadId: "m-1",
        nodeId: "s1-n1",
        gpus: 8,
        priority: 0,
        preemptible: true,
        teamId: "modest",
      })
      .build();
    const held = [
      { workloadId: "g-a", teamId: "greedy", gpuModel: "H100", gpus: 4, startedAt: 1 },
      { workloadId: "g-b", teamId: "greedy", gpuModel: "H100", gpus: 4, startedAt: 2 },
      { workloadId: "m-1", teamId: "modest", gpuModel: "H100", gpus: 8, startedAt: 1 },
    ];
    // Entitled: greedy 4 (weight 1 of 4), modest 12; modest holds 8 = its guarantee.
    const shares = computeShares(
      weighted,
      held.map((r) => ({ teamId: r.teamId, gpuModel: r.gpuModel, gpus: r.gpus })),
      [{ teamId: "modest", gpuModel: "H100", gpus: 4 }],
      { H100: 16 },
    );
    const more = [{ request: aRequest("m-2").team("modest").gpus(4).build(), submittedAt: 100 }];
    const input = { snapshot, tree: weighted, shares, running: held, pending: more };
    expect(planReclaim(input).preemptions).toEqual([]);
    const fair = planReclaim({ ...input, reclaimFor: "fair-share" });
    // The newest of greedy's borrowed work, and only one: greedy keeps its fair 4 GPUs.
    expect(fair.preemptions.map((p) => [p.workloadId, p.forWorkloadId])).toEqual([["g-b", "m-2"]]);
    expect(
      planReclaim({ ...input, reclaimFor: "fair-share", reclaimAfter: 15, now: 110 }).preemptions,
    ).toEqual([]);
    expect(
      planReclaim({ ...input, reclaimFor: "fair-share", reclaimAfter: 15, now: 115 }).preemptions,
    ).toHaveLength(1);
  });
});
