import { appendAuditEvent, verifyAuditChain } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb, describeOnPostgres } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { auditedTransaction } from "../src/lib/audited.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const ADMIN: TSessionUser = { id: "user-admin", email: "admin@switchyard.demo", name: "Ada", role: "ADMIN" };
const STEWARD: TSessionUser = {
  id: "user-steward",
  email: "steward@switchyard.demo",
  name: "Sam",
  role: "DATA_STEWARD",
};
const VIEWER: TSessionUser = {
  id: "user-viewer",
  email: "viewer@switchyard.demo",
  name: "Val",
  role: "VIEWER",
};

describeEachDb("audit log", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    // A few real mutations to chain after the seed's event.
    const site = await as(ADMIN).site.byId({ id: "site-dc-stockholm" });
    for (const usd of [1.0, 1.01, 1.02]) {
      await as(ADMIN).site.update({
        id: site.id,
        data: { ...site, prices: [{ gpuModel: "A100-80GB", usdPerGpuHour: usd }], latencies: site.latencies },
      });
    }
  });
  afterAll(() => t.cleanup());

  it("lists events newest first with filters, for the roles that run the estate only", async () => {
    const page = await as(STEWARD).audit.list({ objectType: "Site" });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.action)).toEqual(["site.update", "site.update", "site.update"]);
    expect(Number(page.rows[0]?.seq)).toBeGreaterThan(Number(page.rows[1]?.seq));
    expect((await as(ADMIN).audit.list({ search: "admin@" })).total).toBe(3);
    await expect(as(VIEWER).audit.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("verifies an intact chain", async () => {
    expect(await as(ADMIN).audit.verify()).toEqual({ ok: true, checked: 4, broken: [], brokenCount: 0 });
  });

  it("finds an edited event", async () => {
    const [second] = await t.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, skip: 2, take: 1 });
    await t.db.prisma
      .$executeRaw`UPDATE "AuditEvent" SET "after" = jsonb_set("after", '{status}', '"MAINTENANCE"') WHERE "seq" = ${second?.seq}`;
    expect(await as(ADMIN).audit.verify()).toEqual({
      ok: false,
      checked: 4,
      brokenCount: 1,
      broken: [
        { seq: String(second?.seq), reason: "its content does not match its hash (the event was edited)" },
      ],
    });
  });

  it("finds a deleted event", async () => {
    const events = await t.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    // Repair the edit from the previous test by deleting the edited event: the next link breaks.
    await t.db.prisma.auditEvent.delete({ where: { seq: events[2]?.seq } });
    const result = await as(ADMIN).audit.verify();
    expect(result).toMatchObject({
      ok: false,
      checked: 3,
      brokenCount: 1,
      broken: [
        {
          seq: String(events[3]?.seq),
          reason: expect.stringContaining("link to the previous event is broken"),
        },
      ],
    });
  });
});

describeEachDb("audit chain robustness", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("refuses a lone surrogate or NUL at the boundary, naming the field (catalog.import fileName)", async () => {
    for (const fileName of ["\ud800x", "a\u0000b"]) {
      const error = await errorOf(as(ADMIN).catalog.import({ csv: "provider,region\n", fileName }));
      expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["fileName"] });
    }
  });

  it("hashes exactly what it stores: text PostgreSQL cannot hold as sent keeps the chain intact", async () => {
    await t.db.prisma.$transaction((tx) =>
      appendAuditEvent(tx, {
        actorLabel: "tester\ud800",
        action: "test.surrogate",
        objectType: "Test",
        objectId: "x\udc00y",
        after: { fileName: "\ud800x", "key\ud800": ["a\u0000b", { nested: "\udfff" }], emoji: "🚀" },
        requestId: "req\u0000",
      }),
    );
    const stored = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "test.surrogate" } });
    expect(stored.objectId).toBe("x\uFFFDy");
    expect(stored.after).toEqual({
      fileName: "\uFFFDx",
      "key\uFFFD": ["a\uFFFDb", { nested: "\uFFFD" }],
      emoji: "🚀",
    });
    expect(await as(ADMIN).audit.verify()).toMatchObject({ ok: true, brokenCount: 0 });
  });

  it("reports every broken event, so a break never hides later tampering", async () => {
    await as(ADMIN).team.updateQuotas({ teamId: "team-applied-ml", quotas: [] });
    await as(ADMIN).team.updateQuotas({ teamId: "team-health-ai", quotas: [] });
    await as(ADMIN).team.updateQuotas({ teamId: "team-applied-ml", quotas: [] });
    const events = await t.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    const [first, , third] = events.slice(-3);
    // Two edits far apart, and a deletion between: all three are reported, in chain order.
    await t.db.prisma
      .$executeRaw`UPDATE "AuditEvent" SET "actorLabel" = 'mallory' WHERE "seq" = ${events[0]?.seq}`;
    await t.db.prisma.$executeRaw`UPDATE "AuditEvent" SET "objectId" = 'team-x' WHERE "seq" = ${third?.seq}`;
    await t.db.prisma.auditEvent.delete({ where: { seq: first?.seq } });
    const result = await as(ADMIN).audit.verify();
    expect(result.ok).toBe(false);
    expect(result.broken.map((b) => [b.seq, b.reason.slice(0, 20)])).toEqual([
      [String(events[0]?.seq), "its content does not"],
      [String(events.at(-2)?.seq), "its link to the prev"],
      [String(third?.seq), "its content does not"],
    ]);
    expect(result.brokenCount).toBe(3);
  });
});

/** A background loop's actor: these suites have no users. */
const TESTER = { id: null, email: "system:test" };

describeEachDb("audited transactions", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.cleanup());

  it("stores each event as it read when recorded, in the order recorded, on an intact chain", async () => {
    const ctx = { prisma: t.db.prisma, user: TESTER, requestId: "order" };
    await auditedTransaction(ctx, async (_tx, audit) => {
      const described = { status: "ACTIVE", tags: ["a"] };
      await audit({ action: "test.first", objectType: "Test", objectId: "t-1", after: described });
      // The change goes on altering the object it described: the event keeps what it said.
      described.status = "MAINTENANCE";
      described.tags.push("b");
      await audit({ action: "test.second", objectType: "Test", objectId: "t-1", after: described });
    });
    const events = await t.db.prisma.auditEvent.findMany({
      where: { requestId: "order" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.action, e.after])).toEqual([
      ["test.first", { status: "ACTIVE", tags: ["a"] }],
      ["test.second", { status: "MAINTENANCE", tags: ["a", "b"] }],
    ]);
    expect(await verifyAuditChain(t.db.prisma)).toMatchObject({ ok: true, brokenCount: 0 });
  });
});

describeOnPostgres("audited transactions, concurrent", () => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
  });
  afterAll(() => t.cleanup());

  it("take the chain's lock only when their change is done, so a long change does not hold up others", async () => {
    let finishSlow = () => {};
    const slowMayFinish = new Promise<void>((resolve) => {
      finishSlow = resolve;
    });
    let slowRecorded = () => {};
    const recorded = new Promise<void>((resolve) => {
      slowRecorded = resolve;
    });
    const slow = auditedTransaction(
      { prisma: t.db.prisma, user: TESTER, requestId: "slow" },
      async (_tx, audit) => {
        await audit({ action: "test.slow", objectType: "Test", objectId: "slow", after: {} });
        slowRecorded();
        await slowMayFinish; // the rest of a long change
      },
    );
    await recorded;
    // Had the slow change taken the chain's lock when it recorded its event, this one would
    // wait for it, and it waits for this one: the test would time out.
    await auditedTransaction({ prisma: t.db.prisma, user: TESTER, requestId: "quick" }, (_tx, audit) =>
      audit({ action: "test.quick", objectType: "Test", objectId: "quick", after: {} }),
    );
    finishSlow();
    await slow;
    const events = await t.db.prisma.auditEvent.findMany({
      where: { objectType: "Test" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["test.quick", "test.slow"]);
    expect(await verifyAuditChain(t.db.prisma)).toMatchObject({ ok: true, brokenCount: 0 });
  }, 20_000);
});
