import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aNode, aRequest, aSite, aSnapshot } from "../testing/builders";
import { fairOrder } from "./fair-order";
import { fairRound } from "./round";
import { computeShares } from "./shares";
import type { TEntitlementTree } from "./tree";

// Properties of fair sharing (issue 19) over random estates: the fair order never lets a team
// over its fair share go before one under it, and reclaim never preempts work while the
// estate has room elsewhere for the work it is for.

const MODELS = ["A100", "H100", "L4"] as const;
const TEAMS = ["t0", "t1", "t2", "t3"] as const;

const arbTree = fc.record({
  weights: fc.tuple(...TEAMS.map(() => fc.integer({ min: 1, max: 4 }))),
  guarantees: fc.tuple(...TEAMS.map(() => fc.integer({ min: 0, max: 16 }))),
  pooled: fc.boolean(),
  h100Units: fc.constantFrom(1, 2, 3),
});
type TTreeSpec = typeof arbTree extends fc.Arbitrary<infer T> ? T : never;

function treeOf(spec: TTreeSpec): TEntitlementTree {
  return {
    ...(spec.pooled ? { classUnits: { H100: spec.h100Units, L4: 0.5 } } : {}),
    nodes: [
      { id: "org", parentId: null, kind: "ORGANISATION", weight: 1 },
      { id: "d0", parentId: "org", kind: "DEPARTMENT", weight: 1 },
      { id: "d1", parentId: "org", kind: "DEPARTMENT", weight: 1 },
      ...TEAMS.map((id, i) => ({
        id,
        parentId: i < 2 ? "d0" : "d1",
        kind: "TEAM" as const,
        weight: spec.weights[i] ?? 1,
        guarantees: { "*": spec.guarantees[i] ?? 0 },
      })),
    ],
  };
}

const arbAmount = fc.record({
  team: fc.constantFrom(...TEAMS),
  model: fc.constantFrom(...MODELS),
  gpus: fc.integer({ min: 1, max: 16 }),
});

describe("fairOrder properties", () => {
  it("a team under its fair share always goes before a team over it, whatever the estate", () => {
    let mixed = 0;
    fc.assert(
      fc.property(
        arbTree,
        fc.array(arbAmount, { maxLength: 10 }),
        fc.array(
          fc.record({
            team: fc.constantFrom(...TEAMS),
            model: fc.constantFrom("*", ...MODELS),
            gpus: fc.integer({ min: 1, max: 16 }),
            priority: fc.integer({ min: 0, max: 3 }),
            at: fc.integer({ min: 0, max: 100 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (spec, usage, pending) => {
          const tree = treeOf(spec);
          const shares = computeShares(
            tree,
            usage.map((u) => ({ teamId: u.team, gpuModel: u.model, gpus: u.gpus })),
            pending.map((p) => ({ teamId: p.team, gpuModel: p.model, gpus: p.gpus })),
            { A100: 32, H100: 64, L4: 16 },
          );
          const order = fairOrder(
            pending.map((p, i) => ({
              workloadId: `w${String(i).padStart(2, "0")}`,
              teamId: p.team,
              gpus: p.gpus,
              gpuModel: p.model,
              priority: p.priority,
              submittedAt: p.at,
            })),
            shares,
          );
          expect(order).toHaveLength(pending.length);
          // Once a pick is over its fair share, no later pick is under (shares only grow).
          const firstOver = order.findIndex((p) => !p.underFairShare);
          if (firstOver > 0) mixed++;
          if (firstOver >= 0) expect(order.slice(firstOver).every((p) => !p.underFairShare)).toBe(true);
          // Every team under its share at the start has its first work ahead of all work of
          // teams over theirs.
          const start = new Map(shares.teams.map((t) => [t.teamId, t.underFairShare]));
          const firstOfUnder = order.filter((p) => start.get(p.teamId) === true);
          const overPositions = order.filter((p) => start.get(p.teamId) === false).map((p) => p.position);
          for (const team of new Set(firstOfUnder.map((p) => p.teamId))) {
            const first = firstOfUnder.find((p) => p.teamId === team)?.position ?? 0;
            expect(overPositions.every((at) => at > first)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
    // The property was tested on queues holding both kinds, not only on trivial ones.
    expect(mixed).toBeGreaterThan(10);
  }, 120_000);
});

describe("fairRound properties", () => {
  it("never preempts for work that fits on the estate's free capacity elsewhere", () => {
    let reclaimed = 0;
    fc.assert(
      fc.property(
        arbTree,
        // Per site: per node, the GPUs running work holds (0..8 of 8) and its team.
        fc.array(
          fc.array(
            fc.record({ used: fc.constantFrom(0, 4, 6, 8, 8, 8), team: fc.constantFrom("t0", "t1") }),
            {
              minLength: 1,
              maxLength: 3,
            },
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(
          fc.record({
            team: fc.constantFrom(...TEAMS),
            gpus: fc.constantFrom(1, 2, 4, 8),
            at: fc.integer({ min: 0, max: 10 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (spec, sites, pending) => {
          // Busy teams t0/t1 borrow; every team's guarantee is small next to the estate.
          const tree = treeOf({ ...spec, guarantees: [0, 0, 4, 4], pooled: true, h100Units: 1 });
          const b = aSnapshot();
          const running: {
            workloadId: string;
            teamId: string;
            gpuModel: string;
            gpus: number;
            startedAt: number;
          }[] = [];
          const free = new Map<string, number>();
          sites.forEach((nodes, s) => {
            b.site(aSite(`s${s}`).price("H100", 2 + s));
            nodes.forEach((n, k) => {
              const id = `s${s}-n${k}`;
              b.node(aNode(id, `s${s}`).gpus(8, 8 - n.used));
              free.set(id, 8 - n.used);
              if (n.used > 0) {
                const workloadId = `r-${id}`;
                b.allocation({
                  workloadId,
                  nodeId: id,
                  gpus: n.used,
                  priority: 0,
                  preemptible: true,
                  teamId: n.team,
                });
                running.push({
                  workloadId,
                  teamId: n.team,
                  gpuModel: "H100",
                  gpus: n.used,
                  startedAt: s + k,
                });
              }
            });
          });
          const gpus = [...free.keys()].length * 8;
          const requests = pending.map((p, i) => ({
            request: aRequest(`p${i}`).team(p.team).gpus(p.gpus).build(),
            submittedAt: p.at,
          }));
          const round = fairRound({
            snapshot: b.build(),
            tree,
            usage: running.map((r) => ({ teamId: r.teamId, gpuModel: "H100", gpus: r.gpus })),
            demand: pending.map((p) => ({ teamId: p.team, gpuModel: "*", gpus: p.gpus })),
            capacity: { H100: gpus },
            running,
            pending: requests,
            searchEffort: 0,
            explainUnplaced: "none",
          });
          // Free capacity once everything placed without preemption has landed.
          for (const p of round.placements) {
            if (p.waitsFor.length > 0) continue;
            for (const n of p.nodes) free.set(n.nodeId, (free.get(n.nodeId) ?? 0) - n.gpus);
          }
          const most = Math.max(0, ...free.values());
          if (round.preemptions.length > 0) reclaimed++;
          const byId = new Map(requests.map((r) => [r.request.id, r.request]));
          for (const p of round.preemptions) {
            const wanted = byId.get(p.forWorkloadId)?.gpu;
            const count = wanted !== undefined && "count" in wanted ? wanted.count : 0;
            expect(count).toBeGreaterThan(most);
          }
          // Every victim ran on GPUs borrowed above its team's guarantee, of a team other than the claimant's.
          for (const p of round.preemptions) expect(p.teamId).not.toBe(p.forTeamId);
        },
      ),
      { numRuns: 100 },
    );
    // Reclaim happened in enough of the runs for the property to say something.
    expect(reclaimed).toBeGreaterThan(3);
  }, 120_000);
});

describe("fairRound placement", () => {
  it("keeps whole big nodes for gangs while the queue outgrows the free GPUs: a 2-GPU job takes the dearer 2-GPU node", () => {
    // "big": one 8-GPU node at $1 per GPU-hour; "small": one 2-GPU node at $3. With a 2 × 8
    // gang in the queue, 18 GPUs are asked for and 10 are free.
    const snapshot = aSnapshot()
      .site(aSite("big").price("H100", 1))
      .site(aSite("small").price("H100", 3))
      .node(aNode("big-n", "big"))
      .node(aNode("small-n", "small").gpus(2))
      .build();
    const round = (options: { gangWaits: boolean; nodeFit?: number }) => {
      const pending = [
        { request: aRequest("two").team("t0").gpus(2).hours(1).build(), submittedAt: 1 },
        ...(options.gangWaits
          ? [{ request: aRequest("gang").team("t1").gang(2, 8).hours(1).build(), submittedAt: 0 }]
          : []),
      ];
      return fairRound({
        snapshot,
        tree: treeOf({ weights: [1, 1, 1, 1], guarantees: [0, 0, 0, 0], pooled: false, h100Units: 1 }),
        usage: [],
        demand: pending.map((p) => ({
          teamId: p.request.teamId,
          gpuModel: "*",
          gpus:
            "count" in p.request.gpu ? p.request.gpu.count : p.request.gpu.nodes * p.request.gpu.gpusPerNode,
        })),
        capacity: { H100: 10 },
        running: [],
        pending,
        searchEffort: 0,
        explainUnplaced: "none",
        ...(options.nodeFit === undefined ? {} : { nodeFit: options.nodeFit }),
      }).placements.map((p) => [p.workloadId, p.siteId, p.cost.totalUsd]);
    };
    expect(round({ gangWaits: true })).toEqual([["two", "small", 6]]);
    expect(round({ gangWaits: true, nodeFit: 0 })).toEqual([["two", "big", 2]]);
    // With room for everything, cost alone: the fit would only cost money.
    expect(round({ gangWaits: false })).toEqual([["two", "big", 2]]);
  });
});
