import type { Db } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { indexSnapshot, type TPreparedSnapshot } from "@switchyard/placement";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EstateCache, estateCache } from "../src/estate/cache.ts";
import { readFacts } from "../src/estate/facts.ts";
import { pruneEstateChanges } from "../src/estate/prune.ts";
import { readFairShareInputs } from "../src/fairshare/estate.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { loadSnapshot } from "../src/workloads/snapshot.ts";
import { USERS } from "./helpers.ts";

/** A small deterministic generator, so a failure replays. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T | undefined => items[int(items.length)];
  return { int, pick };
}

const byId = <T extends { id: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => (a.id < b.id ? -1 : 1));

/** Everything the engine reads, records in a canonical order (the memo is a cache). */
function view(prepared: TPreparedSnapshot) {
  const { snapshot, memo: _memo, ...indexes } = prepared;
  return {
    ...indexes,
    records: {
      sites: byId(snapshot.sites),
      nodes: byId(snapshot.nodes),
      datasets: byId(snapshot.datasets).map((d) => ({ ...d, replicaSiteIds: [...d.replicaSiteIds].sort() })),
    },
  };
}

async function fresh(db: Db) {
  return view(indexSnapshot(await loadSnapshot(db.prisma)));
}

/** The facts held beside the estate, in a canonical order. */
function factsView(facts: Awaited<ReturnType<typeof readFacts>>) {
  return { policies: facts.policies, budgets: byId([...facts.budgets.values()]) };
}

/**
 * One random change, made the way the services make it (guarded node updates and allocations
 * together), or a change the engine does not read (a heartbeat, a workload's reason); now and
 * then a change to the rules or a team's budget (the facts held beside the estate).
 */
async function randomChange(db: Db, rand: ReturnType<typeof prng>, n: number): Promise<void> {
  const prisma = db.prisma;
  switch (rand.int(14)) {
    case 12: {
      const policy = rand.pick(await prisma.policy.findMany({ orderBy: { id: "asc" } }));
      if (!policy) return;
      if (rand.int(2) === 0)
        await prisma.policy.update({ where: { id: policy.id }, data: { enabled: !policy.enabled } });
      else {
        // A new version of the rule: the one in force for its key from now on.
        const { id: _id, createdAt: _at, thresholdUsd, version: _v, ...rest } = policy;
        const newest = await prisma.policy.findFirstOrThrow({
          where: { key: policy.key },
          orderBy: { version: "desc" },
        });
        await prisma.policy.create({
          data: {
            ...rest,
            thresholdUsd,
            version: newest.version + 1,
            stepOrder: rand.int(5),
            name: `${policy.name} v${n}`,
          },
        });
      }
      return;
    }
    case 13: {
      const team = rand.pick(await prisma.team.findMany({ select: { id: true }, orderBy: { id: "asc" } }));
      if (!team) return;
      const data =
        rand.int(3) === 0
          ? { monthlyBudgetUsd: null }
          : rand.int(2) === 0
            ? {
                monthlyBudgetUsd: 1 + rand.int(100_000),
                budgetMode: rand.pick(["SOFT", "HARD"] as const) ?? "SOFT",
              }
            : { description: `note ${n}` };
      await prisma.team.update({ where: { id: team.id }, data });
      return;
    }
    case 0:
    case 1:
    case 2: {
      const nodes = await prisma.gpuNode.findMany({
        where: { status: "READY" },
        select: { id: true, gpuCount: true, gpuAllocated: true },
      });
      const node = rand.pick(nodes.filter((x) => x.gpuAllocated < x.gpuCount));
      const workload = rand.pick(await prisma.workload.findMany({ select: { id: true }, take: 50 }));
      if (!node || !workload) return;
      const gpus = 1 + rand.int(node.gpuCount - node.gpuAllocated);
      await prisma.$transaction([
        prisma.$executeRaw`UPDATE "GpuNode" SET "gpuAllocated" = "gpuAllocated" + ${gpus} WHERE "id" = ${node.id}`,
        prisma.allocation.create({ data: { workloadId: workload.id, nodeId: node.id, gpus } }),
      ]);
      return;
    }
    case 3:
    case 4: {
      const allocation = rand.pick(
        await prisma.allocation.findMany({ where: { status: "ACTIVE" }, take: 200 }),
      );
      if (!allocation) return;
      await prisma.$transaction([
        prisma.$executeRaw`UPDATE "GpuNode" SET "gpuAllocated" = "gpuAllocated" - ${allocation.gpus} WHERE "id" = ${allocation.nodeId}`,
        prisma.allocation.update({
          where: { id: allocation.id },
          data: { status: "RELEASED", releasedAt: new Date() },
        }),
      ]);
      return;
    }
    case 5: {
      const node = rand.pick(await prisma.gpuNode.findMany({ select: { id: true }, take: 300 }));
      const status = rand.pick(["READY", "CORDONED", "DRAINING", "DOWN"] as const) ?? "READY";
      if (node) await prisma.gpuNode.update({ where: { id: node.id }, data: { status } });
      return;
    }
    case 6: {
      const node = rand.pick(await prisma.gpuNode.findMany({ select: { id: true }, take: 300 }));
      if (node)
        await prisma.gpuNode.update({ where: { id: node.id }, data: { lastHeartbeatAt: new Date() } });
      return;
    }
    case 7: {
      const site = rand.pick(await prisma.site.findMany({ select: { id: true } }));
      if (!site) return;
      if (rand.int(2) === 0) {
        await prisma.gpuNode.create({
          data: {
            siteId: site.id,
            hostname: `added-${n}`,
            gpuModel: rand.pick(["H100", "A100-80GB", "L4"]) ?? "H100",
            gpuCount: 8,
            gpuMemoryGib: 80,
            fabric: `fabric-${rand.int(2)}`,
            interconnect: "NVLink",
          },
        });
      } else {
        const spare = await prisma.gpuNode.findFirst({
          where: { hostname: { startsWith: "added-" }, allocations: { none: {} } },
          select: { id: true },
        });
        if (spare) await prisma.gpuNode.delete({ where: { id: spare.id } });
      }
      return;
    }
    case 8: {
      const quota = rand.pick(
        await prisma.quota.findMany({
          select: { id: true, teamId: true, gpuModel: true, guaranteedGpus: true },
        }),
      );
      if (!quota) return;
      if (rand.int(4) === 0) {
        await prisma.quota.delete({ where: { id: quota.id } });
        await prisma.quota.create({
          data: { teamId: quota.teamId, gpuModel: quota.gpuModel, guaranteedGpus: 0, limitGpus: 16 },
        });
      } else
        await prisma.quota.update({
          where: { id: quota.id },
          data: { limitGpus: quota.guaranteedGpus + rand.int(200) },
        });
      return;
    }
    case 9: {
      const workload = rand.pick(
        await prisma.workload.findMany({
          where: { allocations: { some: { status: "ACTIVE" } } },
          select: { id: true },
        }),
      );
      if (workload)
        await prisma.workload.update({
          where: { id: workload.id },
          data: rand.int(2) === 0 ? { priority: rand.int(100) } : { stateReason: `note ${n}` },
        });
      return;
    }
    case 10: {
      const price = rand.pick(await prisma.sitePrice.findMany({ select: { id: true } }));
      if (price)
        await prisma.sitePrice.update({
          where: { id: price.id },
          data: { usdPerGpuHour: 1 + rand.int(900) / 100 },
        });
      return;
    }
    default: {
      const replica = rand.pick(await prisma.datasetReplica.findMany({ select: { id: true, status: true } }));
      if (replica)
        await prisma.datasetReplica.update({
          where: { id: replica.id },
          data: { status: replica.status === "AVAILABLE" ? "SYNCING" : "AVAILABLE" },
        });
    }
  }
}

describe.each(await testDbKinds())("the in-memory estate [%s]", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("stays equal to a fresh read through thousands of random changes", async () => {
    const cache = new EstateCache(t.db.prisma);
    expect(view(await cache.current())).toEqual(await fresh(t.db));
    expect(cache.lastRefresh).toBe("full");
    const rand = prng(kind === "pglite" ? 16 : 61);
    // The rules and budgets change too; the tests below expect the demo's.
    const rules = await t.db.prisma.policy.findMany({ select: { id: true, enabled: true } });
    const budgets = await t.db.prisma.team.findMany({
      select: { id: true, monthlyBudgetUsd: true, budgetMode: true },
    });
    let changes = 0;
    for (let batch = 0; batch < 40; batch++) {
      const size = 1 + rand.int(100);
      for (let i = 0; i < size; i++) await randomChange(t.db, rand, changes++);
      const derived = await cache.withFacts();
      expect(cache.lastRefresh, `batch ${batch}`).not.toBe("full");
      expect(view(derived.estate), `batch ${batch}`).toEqual(await fresh(t.db));
      expect(factsView(derived.facts), `batch ${batch}`).toEqual(factsView(await readFacts(t.db.prisma)));
    }
    expect(changes).toBeGreaterThan(1_000);
    await t.db.prisma.policy.deleteMany({ where: { id: { notIn: rules.map((r) => r.id) } } });
    for (const rule of rules)
      await t.db.prisma.policy.update({ where: { id: rule.id }, data: { enabled: rule.enabled } });
    for (const { id, ...budget } of budgets) await t.db.prisma.team.update({ where: { id }, data: budget });
  });

  it("counts the fair-share capacity on the estate as the database counts it", async () => {
    // The reconcile tick counts it on the estate it decides on; the queue page by SQL.
    const cache = new EstateCache(t.db.prisma);
    const bySql = async () => (await readFairShareInputs(t.db.prisma)).capacity;
    const onEstate = async () => (await readFairShareInputs(t.db.prisma, await cache.current())).capacity;
    const before = await bySql();
    expect(await onEstate()).toEqual(before);
    // A site in maintenance, a node down and one cordoned leave the count.
    const site = await t.db.prisma.site.findFirstOrThrow({
      where: { status: "ACTIVE", nodes: { some: { status: "READY" } } },
      orderBy: { id: "asc" },
    });
    const nodes = await t.db.prisma.gpuNode.findMany({
      where: { status: "READY", siteId: { not: site.id } },
      orderBy: { id: "desc" },
      take: 2,
    });
    await t.db.prisma.site.update({ where: { id: site.id }, data: { status: "MAINTENANCE" } });
    await t.db.prisma.gpuNode.update({ where: { id: nodes[0]?.id }, data: { status: "DOWN" } });
    await t.db.prisma.gpuNode.update({ where: { id: nodes[1]?.id }, data: { status: "CORDONED" } });
    const after = await bySql();
    expect(after).not.toEqual(before);
    expect(await onEstate()).toEqual(after);
    await t.db.prisma.site.update({ where: { id: site.id }, data: { status: "ACTIVE" } });
    await t.db.prisma.gpuNode.updateMany({
      where: { id: { in: nodes.map((n) => n.id) } },
      data: { status: "READY" },
    });
    expect(await onEstate()).toEqual(before);
  });

  it("records changes only for what the engine reads, and nothing for a rolled-back transaction", async () => {
    const count = () => t.db.prisma.estateChange.count();
    const node = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { status: "READY" },
      select: { id: true },
    });
    const before = await count();
    await t.db.prisma.gpuNode.update({ where: { id: node.id }, data: { lastHeartbeatAt: new Date() } });
    await t.db.prisma
      .$transaction(async (tx) => {
        await tx.gpuNode.update({ where: { id: node.id }, data: { status: "DOWN" } });
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(await count()).toBe(before);
    await t.db.prisma.gpuNode.update({ where: { id: node.id }, data: { status: "CORDONED" } });
    expect(
      await t.db.prisma.estateChange.findMany({
        where: { rowId: node.id },
        orderBy: { version: "desc" },
        take: 1,
      }),
    ).toMatchObject([{ entity: "GpuNode", op: "UPDATE" }]);
  });

  it("holds the rules in force and the teams' budgets, and a change to them leaves the estate as it was", async () => {
    const cache = new EstateCache(t.db.prisma);
    const before = await cache.withFacts();
    const policy = before.facts.policies[0];
    const team = await t.db.prisma.team.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true } });
    if (!policy) throw new Error("the demo has no rules");

    // What neither the engine nor the facts read records no change.
    await t.db.prisma.team.update({ where: { id: team.id }, data: { description: "renamed nothing" } });
    await cache.withFacts();
    expect(cache.lastRefresh).toBe("unchanged");

    await t.db.prisma.policy.update({ where: { id: policy.id }, data: { enabled: !policy.enabled } });
    await t.db.prisma.team.update({
      where: { id: team.id },
      data: { monthlyBudgetUsd: 1234.5, budgetMode: "HARD" },
    });
    const after = await cache.withFacts();
    expect(cache.lastRefresh).toBe("changes");
    // Nothing the engine reads changed: the same prepared estate, not a derivation of it.
    expect(after.estate).toBe(before.estate);
    expect(after.facts.policies.find((p) => p.id === policy.id)?.enabled).toBe(!policy.enabled);
    expect(after.facts.budgets.get(team.id)).toMatchObject({ mode: "HARD", monthlyUsd: 1234.5 });
    expect(factsView(after.facts)).toEqual(factsView(await readFacts(t.db.prisma)));

    // A budget taken away leaves the facts.
    await t.db.prisma.team.update({ where: { id: team.id }, data: { monthlyBudgetUsd: null } });
    expect((await cache.withFacts()).facts.budgets.has(team.id)).toBe(false);
    await t.db.prisma.policy.update({ where: { id: policy.id }, data: { enabled: policy.enabled } });
    expect(factsView((await cache.withFacts()).facts)).toEqual(factsView(await readFacts(t.db.prisma)));
  });

  it("reads everything again after a gap in the log, on demand, and not when nothing changed", async () => {
    const cache = new EstateCache(t.db.prisma);
    await cache.current();
    await cache.current();
    expect(cache.lastRefresh).toBe("unchanged");

    const node = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { status: "READY" },
      select: { id: true },
    });
    await t.db.prisma.gpuNode.update({ where: { id: node.id }, data: { status: "DRAINING" } });
    expect(await pruneEstateChanges(t.db.prisma, 0)).toBeGreaterThan(0);
    expect(view(await cache.current())).toEqual(await fresh(t.db));
    expect(cache.lastRefresh).toBe("full");

    cache.invalidate();
    await cache.current();
    expect(cache.lastRefresh).toBe("full");
  });

  it("a reconcile tick places its pending work on one estate, derived after each placement", async () => {
    const api = createCallerFactory(appRouter)(
      createInnerContext({ prisma: t.db.prisma, user: USERS.platform }),
    );
    // The random changes above may have left this team's quotas anywhere: no quota rows, no limit.
    await t.db.prisma.quota.deleteMany({ where: { teamId: "team-applied-ml" } });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { id } = await api.workload.submit({
        spec: {
          name: `tick-${i}`,
          kind: "BATCH_INFERENCE",
          teamId: "team-applied-ml",
          gpu: { count: 1 },
          gpuModels: ["L4"],
          estimatedHours: 1,
        },
        asDraft: true,
      });
      ids.push(id);
    }
    // Pending and never placed: the loop's retry picks them all up in one tick.
    await t.db.prisma.workload.updateMany({ where: { id: { in: ids } }, data: { state: "PENDING" } });
    const cache = estateCache(t.db.prisma);
    const before = cache.refreshes;
    const report = await runReconcileTick(t.db.prisma, {
      silenceSeconds: 86_400,
      holder: "tick-test",
      retryLimit: 50,
    });
    expect(report.scheduled.filter((id) => ids.includes(id)).length).toBeGreaterThan(1);
    expect(cache.refreshes - before).toBe(1);
    // The next decision catches up with what the tick committed.
    expect(view(await cache.current())).toEqual(await fresh(t.db));
  });
});
