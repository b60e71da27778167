import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  computeShares,
  fairOrder,
  place,
  planReclaim,
  type TEntitlementNodeInput,
  type TEntitlementTree,
  type TGpuAmount,
  type TPendingWork,
} from "../src/index";
import { aNode, aRequest, aSite, aSnapshot } from "../src/testing/builders";

// Same seeding as properties.test.ts: fixed by default, PLACEMENT_DEEP=1 for 50× from a random seed.
const DEEP = process.env.PLACEMENT_DEEP === "1";
const SEED = Number(process.env.PLACEMENT_SEED ?? (DEEP ? Math.floor(Math.random() * 2 ** 31) : 20_261_203));
const runs = (n: number) => ({ numRuns: n * (DEEP ? 50 : 1), seed: SEED });
vi.setConfig({ testTimeout: 120_000 });

const MODELS = ["H100", "L4", "A100"] as const;

/** 1–3 departments, 2–6 teams with weights, model and class guarantees; usage and demand. */
const arbWorld = fc
  .record({
    departments: fc.integer({ min: 1, max: 3 }),
    teams: fc.array(
      fc.record({
        dept: fc.nat(),
        weight: fc.integer({ min: 1, max: 5 }),
        guarantee: fc.integer({ min: 0, max: 40 }),
        classGuarantee: fc.integer({ min: 0, max: 20 }),
        model: fc.constantFrom(...MODELS),
        used: fc.array(fc.tuple(fc.constantFrom(...MODELS), fc.integer({ min: 0, max: 60 })), {
          maxLength: 3,
        }),
        pending: fc.array(
          fc.record({
            gpus: fc.integer({ min: 1, max: 16 }),
            model: fc.constantFrom("*", ...MODELS),
            priority: fc.integer({ min: 0, max: 3 }),
            submittedAt: fc.integer({ min: 0, max: 100 }),
          }),
          { maxLength: 5 },
        ),
      }),
      { minLength: 2, maxLength: 6 },
    ),
    capacity: fc.tuple(
      fc.integer({ min: 16, max: 200 }),
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: 8, max: 200 }),
    ),
  })
  .map((w) => {
    const nodes: TEntitlementNodeInput[] = [{ id: "org", parentId: null, kind: "ORGANISATION", weight: 1 }];
    for (let d = 0; d < w.departments; d++)
      nodes.push({ id: `d${d}`, parentId: "org", kind: "DEPARTMENT", weight: 1 });
    const usage: TGpuAmount[] = [];
    const demand: TGpuAmount[] = [];
    const pending: TPendingWork[] = [];
    w.teams.forEach((t, i) => {
      const id = `t${i}`;
      nodes.push({
        id,
        parentId: `d${t.dept % w.departments}`,
        kind: "TEAM",
        weight: t.weight,
        guarantees: { [t.model]: t.guarantee, "*": t.classGuarantee },
      });
      for (const [model, gpus] of t.used) usage.push({ teamId: id, gpuModel: model, gpus });
      t.pending.forEach((p, j) => {
        demand.push({ teamId: id, gpuModel: p.model, gpus: p.gpus });
        pending.push({
          workloadId: `${id}-w${j}`,
          teamId: id,
          gpus: p.gpus,
          gpuModel: p.model,
          priority: p.priority,
          submittedAt: p.submittedAt,
        });
      });
    });
    const [h, l, a] = w.capacity;
    const tree: TEntitlementTree = { nodes };
    return { tree, usage, demand, pending, capacity: { H100: h, L4: l, A100: a } };
  });

describe("fair-share properties", () => {
  it("fairOrder: a team under its fair share always goes before a team over it", () => {
    fc.assert(
      fc.property(arbWorld, ({ tree, usage, demand, pending, capacity }) => {
        const shares = computeShares(tree, usage, demand, capacity);
        const order = fairOrder(pending, shares);
        expect(order.map((p) => p.workloadId).sort()).toEqual(pending.map((p) => p.workloadId).sort());
        // Once a workload of a team at or over its share is picked, the next pick of every
        // other team is not under its share either (a team's share only moves when it is picked).
        order.forEach((pos, i) => {
          if (pos.underFairShare) return;
          const nextOf = new Map<string, boolean>();
          for (const later of order.slice(i + 1)) {
            if (later.teamId !== pos.teamId && !nextOf.has(later.teamId))
              nextOf.set(later.teamId, later.underFairShare);
          }
          for (const [teamId, under] of nextOf)
            expect(under, `${teamId} after ${pos.workloadId}`).toBe(false);
        });
        // Inside a team: priority (desc), then age.
        const byTeam = new Map<string, TPendingWork[]>();
        const lookup = new Map(pending.map((p) => [p.workloadId, p]));
        for (const pos of order)
          byTeam.set(pos.teamId, [
            ...(byTeam.get(pos.teamId) ?? []),
            lookup.get(pos.workloadId) as TPendingWork,
          ]);
        for (const list of byTeam.values()) {
          for (let i = 1; i < list.length; i++) {
            const [a, b] = [list[i - 1] as TPendingWork, list[i] as TPendingWork];
            const pa = a.priority ?? 0;
            const pb = b.priority ?? 0;
            expect(pa > pb || (pa === pb && a.submittedAt <= b.submittedAt)).toBe(true);
          }
        }
      }),
      runs(300),
    );
  });

  it("computeShares: borrowed and lent balance, entitlements fit capacity and demand, input order changes nothing", () => {
    fc.assert(
      fc.property(arbWorld, fc.integer(), ({ tree, usage, demand, capacity }, seed) => {
        const shares = computeShares(tree, usage, demand, capacity);
        let lent = 0;
        let borrowedFrom = 0;
        for (const team of shares.teams) {
          const totals = team.models[team.models.length - 1];
          expect(totals?.gpuModel).toBe("*");
          for (const m of team.models) {
            expect(m.borrowed).toBeGreaterThanOrEqual(0);
            expect(m.borrowed).toBeLessThanOrEqual(m.used);
            expect(m.lentInDepartment + m.lentInOrganisation).toBeLessThanOrEqual(m.unusedGuarantee);
            expect(m.borrowedFromDepartment + m.borrowedFromOrganisation).toBeLessThanOrEqual(m.borrowed);
          }
          lent += (totals?.lentInDepartment ?? 0) + (totals?.lentInOrganisation ?? 0);
          borrowedFrom += (totals?.borrowedFromDepartment ?? 0) + (totals?.borrowedFromOrganisation ?? 0);
          const wanted = (totals?.used ?? 0) + (totals?.pending ?? 0);
          expect(team.entitledGpus).toBeLessThanOrEqual(wanted + 1e-6);
          expect(team.weightedShare).toBeCloseTo(team.dominantShare / team.weight, 9);
        }
        expect(lent).toBe(borrowedFrom);
        const total = Object.values(capacity).reduce((s, g) => s + g, 0);
        const entitled = shares.teams.reduce((s, t) => s + t.entitledGpus, 0);
        expect(entitled).toBeLessThanOrEqual(total * (1 + 1e-6));
        // Deterministic under shuffled input.
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x, i) => ({ x, k: Math.imul(i + 1, seed | 1) >>> 0 }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        const again = computeShares(
          { nodes: shuffle(tree.nodes) },
          shuffle(usage),
          shuffle(demand),
          capacity,
        );
        expect(JSON.stringify(again)).toBe(JSON.stringify(shares));
      }),
      runs(200),
    );
  });

  it("planReclaim: no preemption while another site has room for the work (by the engine's own place())", () => {
    const tree: TEntitlementTree = {
      nodes: [
        { id: "org", parentId: null, kind: "ORGANISATION", weight: 1 },
        { id: "owner", parentId: "org", kind: "TEAM", weight: 1, guarantees: { "*": 64 } },
        { id: "other", parentId: "org", kind: "TEAM", weight: 1 },
      ],
    };
    const arb = fc.record({
      busy: fc.integer({ min: 1, max: 4 }),
      spareSites: fc.integer({ min: 0, max: 2 }),
      spareFree: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 2, maxLength: 2 }),
      want: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(arb, ({ busy, spareSites, spareFree, want }) => {
        const b = aSnapshot().site(aSite("s0").price("H100", 2));
        const running = [];
        for (let n = 0; n < busy; n++) {
          b.node(aNode(`s0-n${n}`, "s0").gpus(8, 0)).allocation({
            workloadId: `r${n}`,
            nodeId: `s0-n${n}`,
            gpus: 8,
            priority: 0,
            preemptible: true,
            teamId: "other",
          });
          running.push({ workloadId: `r${n}`, teamId: "other", gpuModel: "H100", gpus: 8, startedAt: n });
        }
        for (let s = 1; s <= spareSites; s++) {
          b.site(aSite(`s${s}`).price("H100", 5)).node(
            aNode(`s${s}-n0`, `s${s}`).gpus(8, spareFree[s - 1] ?? 0),
          );
        }
        const snapshot = b.build();
        const capacity = { H100: 8 * (busy + spareSites) };
        const shares = computeShares(
          tree,
          [{ teamId: "other", gpuModel: "H100", gpus: 8 * busy }],
          want.map((g) => ({ teamId: "owner", gpuModel: "H100", gpus: g })),
          capacity,
        );
        const pending = want.map((g, i) => ({
          request: aRequest(`p${i}`).team("owner").gpus(g).build(),
          submittedAt: i,
        }));
        const plan = planReclaim({ snapshot, tree, shares, running, pending });
        // Every preemption is for a workload that had no room anywhere on the estate as
        // the plan's non-preempting placements left it.
        const claimed = new Set(plan.preemptions.map((p) => p.forWorkloadId));
        const quiet = plan.placements.filter((p) => p.waitsFor.length === 0);
        const left = aSnapshot().build();
        Object.assign(left, snapshot);
        left.nodes = snapshot.nodes.map((n) => {
          const taken = quiet
            .flatMap((p) => p.nodes)
            .filter((x) => x.nodeId === n.id)
            .reduce((s, x) => s + x.gpus, 0);
          return { ...n, gpuFree: (n.gpuFree ?? 0) - taken };
        });
        for (const id of claimed) {
          const request = pending.find((p) => p.request.id === id)?.request;
          if (request === undefined) throw new Error(id);
          expect(place({ snapshot: left, request }).feasible, `${id} had room elsewhere`).toBe(false);
        }
        // And when the spare sites alone can take everything, nothing is preempted.
        const spareTotal = spareFree.slice(0, spareSites);
        const fitsOnSpare = want.length === 1 && spareTotal.some((f) => f >= (want[0] ?? 0));
        if (fitsOnSpare) expect(plan.preemptions).toEqual([]);
        for (const p of plan.preemptions) expect(p.teamId).toBe("other");
      }),
      runs(150),
    );
  });
});
