import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { placeBatch, type TScenarioChangeInput } from "@switchyard/placement";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { withHardBudgets } from "../src/services/team-budget.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { replayOnEstate } from "../src/whatif/service.ts";
import { loadSnapshot, toRequest } from "../src/workloads/snapshot.ts";
import { restOptions } from "./authorization/rest.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

/**
 * Drain Frankfurt's A100s, lose Ashburn's H100 pool (by label), cut Singapore's H100 price,
 * buy 4 H100 nodes in Stockholm at $1.90 (it has no H100 price yet): every kind of estate change at once.
 */
const CHANGES: TScenarioChangeInput[] = [
  { kind: "drain", nodes: { gpuModel: "A100-80GB", siteId: "site-dc-frankfurt" } },
  { kind: "lose", nodes: { label: { key: "pool", value: "H100" }, siteId: "site-dc-ashburn" } },
  { kind: "price", siteId: "site-dc-singapore", gpuModel: "H100", usdPerGpuHour: 0.5 },
  {
    kind: "add-capacity",
    siteId: "site-dc-stockholm",
    gpuModel: "H100",
    nodes: 4,
    gpusPerNode: 8,
    gpuMemoryGib: 80,
    fabric: "stockholm-new-h100",
    usdPerGpuHour: 1.9,
  },
];

describeEachDb("what-if", (kind) => {
  let t: TTestDb;
  /** A second database with the same estate, where the changes are made for real. */
  let copy: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    [t, copy] = await Promise.all([createTestDb(kind), createTestDb(kind)]);
    await Promise.all([seedDemo(t.db), seedDemo(copy.db)]);
  });
  afterAll(() => Promise.all([t?.cleanup(), copy?.cleanup()]));

  it("replays exactly what a real batch places on a database where the changes were really made", async () => {
    const ctx = { prisma: t.db.prisma, user: USERS.platform };
    const estateBefore = await loadSnapshot(t.db.prisma);
    const replay = await replayOnEstate(ctx, CHANGES as never);
    // Nothing in the estate changed.
    expect(await loadSnapshot(t.db.prisma)).toEqual(estateBefore);
    expect(replay.running.length).toBeGreaterThan(0);

    // The same changes, made for real on the copy: running work gives its GPUs back, the
    // nodes are drained and lost, the price is changed, the nodes are bought.
    const db = copy.db.prisma;
    const now = new Date();
    await db.allocation.updateMany({
      where: { status: "ACTIVE" },
      data: { status: "RELEASED", releasedAt: now },
    });
    await db.gpuNode.updateMany({ data: { gpuAllocated: 0 } });
    await db.gpuNode.updateMany({
      where: { siteId: "site-dc-frankfurt", gpuModel: "A100-80GB" },
      data: { status: "DRAINING" },
    });
    const ashburn = await db.gpuNode.findMany({ where: { siteId: "site-dc-ashburn" } });
    const lost = ashburn.filter((n) => (n.labels as Record<string, string>).pool === "H100").map((n) => n.id);
    expect(lost.length).toBeGreaterThan(0);
    await db.gpuNode.updateMany({ where: { id: { in: lost } }, data: { status: "DOWN" } });
    await db.sitePrice.update({
      where: { siteId_gpuModel: { siteId: "site-dc-singapore", gpuModel: "H100" } },
      data: { usdPerGpuHour: "0.5" },
    });
    for (let n = 0; n < 4; n++) {
      await db.gpuNode.create({
        data: {
          id: `what-if-3-${n}`,
          siteId: "site-dc-stockholm",
          hostname: `sto-new-h100-${n}`,
          gpuModel: "H100",
          gpuCount: 8,
          gpuMemoryGib: 80,
          fabric: "stockholm-new-h100",
          interconnect: "NVLink",
        },
      });
    }
    await db.sitePrice.upsert({
      where: { siteId_gpuModel: { siteId: "site-dc-stockholm", gpuModel: "H100" } },
      create: { siteId: "site-dc-stockholm", gpuModel: "H100", usdPerGpuHour: "1.9", source: "test" },
      update: { usdPerGpuHour: "1.9" },
    });
    const workloads = await db.workload.findMany({
      where: { OR: [{ state: { in: ["PENDING", "AWAITING_APPROVAL"] } }, { id: { in: replay.running } }] },
      include: { datasets: { select: { datasetId: true } } },
    });
    const requests = await withHardBudgets(db, workloads.map(toRequest), now);
    const real = placeBatch({ snapshot: await loadSnapshot(db), requests, explainUnplaced: "summary" });

    expect(replay.scenario.placements).toEqual(real.placements);
    expect(replay.scenario.unplaced.map((u) => u.workloadId)).toEqual(real.unplaced.map((u) => u.workloadId));
    expect(replay.scenario.totalCostUsd).toBe(real.totalCostUsd);
    expect(replay.scenario.bound).toEqual(real.bound);
    // And the scenario mattered: work on the lost and drained nodes moved or no longer fits.
    expect(replay.comparison.totals.moved + replay.comparison.totals.unplaceable).toBeGreaterThan(0);
  });

  it("saves a scenario, shows it by link to whom it is shared with, and re-runs it", async () => {
    const team = await t.db.prisma.team.findUniqueOrThrow({ where: { slug: "foundation-models" } });
    const saved = await as(USERS.platform).whatIf.save({
      name: "Lose Ashburn H100",
      changes: [CHANGES[1] as TScenarioChangeInput],
      teamId: team.id,
    });
    expect(saved).toMatchObject({
      name: "Lose Ashburn H100",
      teamId: team.id,
      createdBy: { id: USERS.platform.id },
    });
    expect(await auditCount(t.db, saved.id, "scenario.create")).toBe(1);
    // The ML engineer is not in Foundation models: the scenario is not theirs to see.
    expect((await errorOf(as(USERS.engineer).whatIf.byId({ id: saved.id }))).code).toBe("NOT_FOUND");
    expect((await as(USERS.engineer).whatIf.list()).map((s) => s.id)).not.toContain(saved.id);
    expect((await as(USERS.viewer).whatIf.list()).map((s) => s.id)).toContain(saved.id);

    const run = await as(USERS.viewer).whatIf.run({ id: saved.id });
    const pretrain = run.result.workloads.find((w) => w.name === "pretrain-70b-r3");
    expect(pretrain?.running).toBe(true);
    expect(pretrain?.before?.siteId).toBe("site-dc-ashburn");
    expect(pretrain?.after?.siteId ?? null).not.toBe("site-dc-ashburn");
    if (pretrain?.change === "unplaceable") expect(pretrain.reason).toMatch(/\d+\/\d+ sites/);
    expect(run.result.bound.scenario.summary).toMatch(/optimal|lower bound/);
    expect(run.result.teams.find((r) => r.teamId === team.id)?.deltaUsd).toBeTypeOf("number");

    // Team scoping of the result: the ML engineer sees no other team's work in a preview.
    const mine = await as(USERS.engineer).whatIf.preview({ changes: [CHANGES[1] as TScenarioChangeInput] });
    expect(mine.complete).toBe(false);
    expect(mine.workloads.map((w) => w.name)).not.toContain("pretrain-70b-r3");
  });

  it("refuses bad changes naming the change and field, never with a 5xx", async () => {
    const missing = await errorOf(
      as(USERS.platform).whatIf.preview({ changes: [{ kind: "drain", nodes: { siteId: "site-nowhere" } }] }),
    );
    expect(missing).toMatchObject({ code: "BAD_REQUEST", fields: ["changes.0.nodes.siteId"] });
    expect(missing.message).toMatch(/change 1 \(nodes\.siteId\): no site with id 'site-nowhere'/);
    const malformed = await errorOf(
      as(USERS.platform).whatIf.save({
        name: "",
        changes: [{ kind: "price", siteId: "site-dc-ashburn", gpuModel: "H100", usdPerGpuHour: -2 }],
      }),
    );
    expect(malformed.code).toBe("BAD_REQUEST");
    expect(malformed.fields).toEqual(["changes.0.usdPerGpuHour", "name"]);

    const rest = await handleRestRequest(
      new Request("http://localhost/api/v1/what-if/preview", {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-session": USERS.platform.id },
        body: JSON.stringify({
          changes: [{ kind: "add-capacity", siteId: "site-dc-ashburn", gpuModel: "Z9" }],
        }),
      }),
      restOptions(t.db.prisma),
    );
    expect(rest.status).toBe(400);
    const body = (await rest.json()) as { error: { fieldErrors: Record<string, string[]> } };
    expect(Object.keys(body.error.fieldErrors).sort()).toEqual([
      "changes.0.gpuMemoryGib",
      "changes.0.gpusPerNode",
      "changes.0.nodes",
    ]);
  });

  it("turns a scenario into a planned drain through the node service, after confirmation", async () => {
    const scenario = await as(USERS.platform).whatIf.save({
      name: "Drain Frankfurt A100",
      changes: [CHANGES[0] as TScenarioChangeInput, CHANGES[3] as TScenarioChangeInput],
    });
    const unconfirmed = await errorOf(as(USERS.platform).whatIf.planDrain({ id: scenario.id } as never));
    expect(unconfirmed).toMatchObject({ code: "BAD_REQUEST", fields: ["confirm"] });
    expect(
      (await errorOf(as(USERS.engineer).whatIf.planDrain({ id: scenario.id, confirm: true }))).code,
    ).toBe("FORBIDDEN");
    const frankfurt = await t.db.prisma.gpuNode.findMany({
      where: { siteId: "site-dc-frankfurt", gpuModel: "A100-80GB" },
      select: { id: true, status: true },
    });
    const drainable = frankfurt.filter((n) => n.status === "READY" || n.status === "CORDONED");
    const drained = await as(USERS.platform).whatIf.planDrain({ id: scenario.id, confirm: true });
    expect(drained.changed.map((n) => n.id).sort()).toEqual(drainable.map((n) => n.id).sort());
    expect(drained.mustMove.length).toBeGreaterThan(0);
    const after = await t.db.prisma.gpuNode.findMany({
      where: { siteId: "site-dc-frankfurt", gpuModel: "A100-80GB", status: "DRAINING" },
    });
    expect(after.length).toBe(drainable.length + frankfurt.filter((n) => n.status === "DRAINING").length);
    // The added nodes are not real and nothing was created for them.
    expect(await t.db.prisma.gpuNode.count({ where: { id: { startsWith: "what-if-" } } })).toBe(0);
    expect(await auditCount(t.db, scenario.id, "scenario.drain")).toBe(1);
    expect(await auditCount(t.db, drainable[0]?.id as string, "node.drain")).toBe(1);
    expect((await as(USERS.platform).whatIf.byId({ id: scenario.id })).drainedAt).toBeInstanceOf(Date);
    expect(drained.down).toEqual([]);

    // Ashburn's H100 pool has DOWN nodes: they take no work already and are left out, named.
    const pool = await as(USERS.platform).whatIf.save({
      name: "Drain Ashburn H100",
      changes: [
        { kind: "drain", nodes: { label: { key: "pool", value: "H100" }, siteId: "site-dc-ashburn" } },
      ],
    });
    const nodes = await t.db.prisma.gpuNode.findMany({
      where: { siteId: "site-dc-ashburn", gpuModel: "H100" },
      select: { hostname: true, status: true },
    });
    const downs = nodes
      .filter((n) => n.status === "DOWN")
      .map((n) => n.hostname)
      .sort();
    expect(downs.length).toBeGreaterThan(0);
    const poolDrain = await as(USERS.platform).whatIf.planDrain({ id: pool.id, confirm: true });
    expect(poolDrain.down).toEqual(downs);
    expect(poolDrain.changed.length).toBe(
      nodes.filter((n) => n.status !== "DOWN" && n.status !== "DRAINING").length,
    );
  });
});
