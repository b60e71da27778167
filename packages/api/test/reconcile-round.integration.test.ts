import { verifyAuditChain } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { withAllocations } from "@switchyard/placement";
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemActor } from "../src/lib/audited.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { DEFAULT_CANDIDATES } from "../src/workloads/compact.ts";
import { placeRound } from "../src/workloads/round.ts";
import { scheduleWorkload } from "../src/workloads/schedule.ts";
import { currentEstate, placeOnEstate, runEngine } from "../src/workloads/service.ts";
import { toRequest } from "../src/workloads/snapshot.ts";
import { USERS } from "./helpers.ts";

/**
 * Issue 16: the reconcile tick places its pending work in one round (workloads/round.ts): one
 * transaction, each workload with its own decision, allocations and audit entries, and the
 * guarded UPDATE still the only judge of capacity.
 */
describeEachDb("the reconcile tick's round of placements", (kind) => {
  let t: TTestDb;
  const api = () =>
    createCallerFactory(appRouter)(createInnerContext({ prisma: t.db.prisma, user: USERS.platform }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    // No quota stands in the way: what is measured is the round, not the team's limit.
    await t.db.prisma.quota.deleteMany({ where: { teamId: "team-applied-ml" } });
  });
  afterAll(() => t.cleanup());

  /** n workloads of one GPU, PENDING and never placed. */
  async function pendingWork(prefix: string, n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await api().workload.submit({
        spec: {
          name: `${prefix}-${i}`,
          kind: "BATCH_INFERENCE",
          teamId: "team-applied-ml",
          gpu: { count: 1 },
          gpuModels: ["L4", "L40S", "A100-80GB", "H100"],
          estimatedHours: 1,
        },
        asDraft: true,
      });
      ids.push(id);
    }
    await t.db.prisma.workload.updateMany({ where: { id: { in: ids } }, data: { state: "PENDING" } });
    return ids;
  }

  /** Nodes whose held count disagrees with their active allocations, or exceeds their GPUs. */
  async function overAllocated() {
    const rows = await t.db.prisma.$queryRaw<{ id: string }[]>`
      SELECT n."id" FROM "GpuNode" n
        LEFT JOIN "Allocation" a ON a."nodeId" = n."id" AND a."status" = 'ACTIVE'
       GROUP BY n."id"
      HAVING COALESCE(SUM(a."gpus"), 0) > n."gpuCount" OR COALESCE(SUM(a."gpus"), 0) <> n."gpuAllocated"`;
    return rows.map((r) => r.id);
  }

  // Drained by an operator, or its GPUs taken by a placement in another process. First in the
  // file: the demo's site chosen still has spare nodes of the filled node's kind.
  it.each(["filled", "drained"])(
    "a node %s meanwhile: the workloads that counted on it take a spare of its kind at its site, or lose, and only them",
    async (how) => {
      const ids = await pendingWork(`conflict-${how}`, 8);
      // The round decides on an estate read before the change below (as a stale snapshot would).
      const stale = await currentEstate(t.db.prisma);
      const workloads = await t.db.prisma.workload.findMany({
        where: { id: { in: ids } },
        include: { datasets: { select: { datasetId: true } } },
      });
      const requests = new Map(workloads.map((w) => [w.id, toRequest(w)]));
      const first = ids[0] as string;
      // The node the first workload will be given, changed meanwhile.
      const probe = runEngine("place", stale, requests.get(first) as ReturnType<typeof toRequest>);
      const taken = probe.candidates[0]?.nodes[0]?.nodeId as string;
      expect(taken).toBeDefined();
      const original = await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: taken } });
      // Drained: with every other node of its site, GPU model and memory, so that no spare
      // node can stand in for it. Filled: its site has spare nodes of its kind.
      const drained = [taken];
      if (how === "drained") {
        const sameKind = await t.db.prisma.gpuNode.findMany({
          where: {
            siteId: original.siteId,
            gpuModel: original.gpuModel,
            gpuMemoryGib: original.gpuMemoryGib,
            status: "READY",
          },
          select: { id: true },
        });
        drained.push(...sameKind.map((n) => n.id).filter((id) => id !== taken));
        await t.db.prisma.gpuNode.updateMany({
          where: { id: { in: drained } },
          data: { status: "DRAINING" },
        });
      } else {
        // Another process scheduled a workload onto every GPU the node had free.
        const [other] = await pendingWork(`filler-${how}`, 1);
        await t.db.prisma.$transaction([
          t.db.prisma.workload.update({
            where: { id: other },
            data: { state: "SCHEDULED", siteId: original.siteId },
          }),
          t.db.prisma.allocation.create({
            data: {
              workloadId: other as string,
              nodeId: taken,
              gpus: original.gpuCount - original.gpuAllocated,
            },
          }),
          t.db.prisma.gpuNode.update({ where: { id: taken }, data: { gpuAllocated: original.gpuCount } }),
        ]);
      }
      const before = await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: taken } });

      let estate = stale;
      const outcome = await placeRound(
        { prisma: t.db.prisma, user: systemActor("reconciler"), requestId: "round-conflict" },
        {
          get: async () => estate,
          took: (allocations) => {
            estate = withAllocations(estate, allocations);
          },
        },
        ids.map((id) => ({ workloadId: id, request: requests.get(id) as ReturnType<typeof toRequest> })),
      );
      if (how === "drained") expect(outcome.lost).toContain(first);
      else {
        // The workloads that counted on the filled node took spare nodes of its kind at its site.
        expect(outcome.scheduled).toContain(first);
        const moved = await t.db.prisma.workload.findUniqueOrThrow({
          where: { id: first },
          include: { allocations: { include: { node: true } }, decisions: true },
        });
        expect(moved.siteId).toBe(original.siteId);
        const node = moved.allocations[0]?.node;
        expect(node).toMatchObject({ siteId: original.siteId, gpuModel: original.gpuModel });
        expect(node?.id).not.toBe(taken);
        // The decision stores the node it holds.
        const stored = moved.decisions[0]?.candidates as {
          candidates: { siteId: string; nodes: { nodeId: string }[] }[];
        };
        expect(
          stored.candidates.find((c) => c.siteId === original.siteId)?.nodes.map((n) => n.nodeId),
        ).toEqual([node?.id]);
      }
      expect([...outcome.scheduled, ...outcome.lost].sort()).toEqual([...ids].sort());

      const after = await t.db.prisma.workload.findMany({
        where: { id: { in: ids } },
        include: { allocations: true, decisions: true },
      });
      for (const w of after) {
        expect(w.decisions).toHaveLength(1);
        const decision = w.decisions[0];
        const audit = await t.db.prisma.auditEvent.findMany({
          where: { OR: [{ objectId: w.id }, { objectId: decision?.id }], actorLabel: "system:reconciler" },
          orderBy: { seq: "asc" },
        });
        if (outcome.lost.includes(w.id)) {
          // The loser: still PENDING with nothing held, its decision superseded so that the
          // next tick places it again, and the lost race audited.
          expect(w.state).toBe("PENDING");
          expect(w.allocations).toEqual([]);
          expect(w.stateReason).toMatch(/another placement took the GPUs first/);
          expect(decision).toMatchObject({ status: "SUPERSEDED", feasible: true });
          const stored = (decision?.candidates ?? { candidates: [] }) as {
            candidates: { nodes: { nodeId: string }[] }[];
          };
          expect(stored.candidates[0]?.nodes.some((n) => drained.includes(n.nodeId))).toBe(true);
          expect(audit.map((a) => a.action)).toEqual(["workload.place", "placement.lost_race"]);
        } else {
          // The others landed, none of them on the drained node.
          expect(w.state).toBe("SCHEDULED");
          expect(decision?.status).toBe("ACCEPTED");
          expect(w.allocations.some((a) => drained.includes(a.nodeId))).toBe(false);
          expect(w.allocations.reduce((sum, a) => sum + a.gpus, 0)).toBe(1);
          expect(audit.map((a) => a.action)).toEqual(["workload.place", "workload.scheduled"]);
        }
      }
      // The drained node holds what it held; no node holds more than it has.
      expect((await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: taken } })).gpuAllocated).toBe(
        before.gpuAllocated,
      );
      expect(await overAllocated()).toEqual([]);
      expect((await verifyAuditChain(t.db.prisma)).ok).toBe(true);

      // The next tick places the losers again, elsewhere.
      if (how === "drained")
        await t.db.prisma.gpuNode.updateMany({ where: { id: { in: drained } }, data: { status: "READY" } });
      else
        await api().workload.transition({
          id: (await t.db.prisma.allocation.findFirstOrThrow({ where: { nodeId: taken, status: "ACTIVE" } }))
            .workloadId,
          to: "CANCELLED",
        });
      const report = await runReconcileTick(t.db.prisma, {
        silenceSeconds: 86_400,
        holder: "round-test",
        retryLimit: 100,
      });
      for (const id of outcome.lost) expect(report.scheduled).toContain(id);
    },
  );

  it("places 30 pending workloads in one tick, each with its allocation, decision, event and audit entries", async () => {
    const ids = await pendingWork("round", 30);
    const report = await runReconcileTick(t.db.prisma, {
      silenceSeconds: 86_400,
      holder: "round-test",
      retryLimit: 100,
    });
    expect(report.scheduled.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());

    const workloads = await t.db.prisma.workload.findMany({
      where: { id: { in: ids } },
      include: {
        allocations: { include: { node: { select: { siteId: true } } } },
        decisions: true,
        events: true,
      },
    });
    for (const w of workloads) {
      expect(w.state).toBe("SCHEDULED");
      expect(w.siteId).not.toBeNull();
      expect(w.stateReason).toMatch(/^scheduled at /);
      // One decision, accepted at the site the workload was scheduled at.
      expect(w.decisions).toHaveLength(1);
      const decision = w.decisions[0];
      expect(decision).toMatchObject({ status: "ACCEPTED", feasible: true, chosenSiteId: w.siteId });
      // Its GPU, held on a node of that site, under that decision.
      expect(w.allocations).toHaveLength(1);
      expect(w.allocations[0]).toMatchObject({ status: "ACTIVE", gpus: 1, decisionId: decision?.id });
      expect(w.allocations[0]?.node.siteId).toBe(w.siteId);
      expect(w.events.filter((e) => e.fromState === "PENDING" && e.toState === "SCHEDULED")).toHaveLength(1);
    }
    // Two audit entries each: the placement (naming its decision), then the scheduling.
    // What the loop wrote (the submissions are audited too, by the user).
    const audit = await t.db.prisma.auditEvent.findMany({
      where: { objectId: { in: ids }, actorLabel: "system:reconciler" },
      orderBy: { seq: "asc" },
    });
    for (const w of workloads) {
      const own = audit.filter((a) => a.objectId === w.id);
      expect(own.map((a) => a.action)).toEqual(["workload.place", "workload.scheduled"]);
      expect(own[0]?.after).toMatchObject({ decisionId: w.decisions[0]?.id, feasible: true });
      expect(own[1]?.after).toMatchObject({ state: "SCHEDULED", reason: w.stateReason });
      expect(own[0]?.actorLabel).toBe("system:reconciler");
    }
    expect((await verifyAuditChain(t.db.prisma)).ok).toBe(true);
    expect(await overAllocated()).toEqual([]);
  });

  // A batch weighs cost; the engine's score ranks by the policy. The site a batch chose may rank
  // past the candidates a decision stores: it is stored all the same and the workload goes there.
  it("schedules at the batch's site when the engine ranks it past the stored candidates, in a round and alone", async () => {
    const ids = await pendingWork("ranked-past", 2);
    const workloads = await t.db.prisma.workload.findMany({
      where: { id: { in: ids } },
      include: { datasets: { select: { datasetId: true } } },
    });
    const requestOf = new Map(workloads.map((w) => [w.id, toRequest(w)]));
    const [inRound, alone] = ids as [string, string];
    const ctx = { prisma: t.db.prisma, user: systemActor("reconciler"), requestId: "ranked-past" };

    let estate = await currentEstate(t.db.prisma);
    const whole = runEngine("place", estate, requestOf.get(inRound) as ReturnType<typeof toRequest>);
    expect(whole.candidates.length).toBeGreaterThan(DEFAULT_CANDIDATES + 1);
    const last = whole.candidates.at(-1)?.siteId as string;
    const outcome = await placeRound(
      ctx,
      {
        get: async () => estate,
        took: (allocations) => {
          estate = withAllocations(estate, allocations);
        },
      },
      [
        {
          workloadId: inRound,
          request: requestOf.get(inRound) as ReturnType<typeof toRequest>,
          batchSiteId: last,
        },
      ],
    );
    expect(outcome).toEqual({ scheduled: [inRound], awaitingApproval: [], lost: [] });

    // The single path (the loop's fallback when a round is aborted): place, then schedule.
    const beforeLast = whole.candidates.at(-2)?.siteId as string;
    const { placed } = await placeOnEstate(ctx, alone, undefined, beforeLast);
    expect(placed?.feasible).toBe(true);
    await scheduleWorkload(ctx, {
      id: alone,
      decisionId: placed?.decisionId as string,
      batchSiteId: beforeLast,
    });

    for (const [id, site] of [
      [inRound, last],
      [alone, beforeLast],
    ] as const) {
      const w = await t.db.prisma.workload.findUniqueOrThrow({
        where: { id },
        include: { decisions: true, allocations: { include: { node: { select: { siteId: true } } } } },
      });
      expect(w).toMatchObject({ state: "SCHEDULED", siteId: site });
      expect(w.allocations.map((a) => a.node.siteId)).toEqual([site]);
      const decision = w.decisions[0];
      expect(decision).toMatchObject({ status: "ACCEPTED", chosenSiteId: site });
      // The top candidates, then the batch's, ranked where the engine ranks it.
      const stored = decision?.candidates as {
        candidates: { siteId: string; rank: number }[];
        omitted: number;
      };
      expect(stored.candidates).toHaveLength(DEFAULT_CANDIDATES + 1);
      expect(stored.candidates.at(-1)?.siteId).toBe(site);
      expect(stored.candidates.at(-1)?.rank).toBeGreaterThan(DEFAULT_CANDIDATES);
      expect(stored.candidates.length + stored.omitted).toBeGreaterThanOrEqual(whole.candidates.length);
      expect(decision?.recommendedSiteId).toBe(stored.candidates[0]?.siteId);
      expect(decision?.recommendedSiteId).not.toBe(site);
    }
    expect(await overAllocated()).toEqual([]);
    expect((await verifyAuditChain(t.db.prisma)).ok).toBe(true);
  });
});
