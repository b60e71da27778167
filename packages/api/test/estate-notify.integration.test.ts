/**
 * LISTEN/NOTIFY between console processes on one PostgreSQL (issue 16): a process that listens
 * skips the change-log query while nothing was announced, hears another process's commit and
 * catches up; when its listening connection is lost it queries again, and it listens again once
 * the connection is back. Each "process" is its own Db: its own pool, listener and estate cache.
 */
import { createDb, type Db, type TListener } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeOnPostgres } from "@switchyard/db/testing/suites";
import { indexSnapshot, type TPreparedSnapshot } from "@switchyard/placement";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  EstateCache,
  estateCache,
  noteEstateWrite,
  QUIET_FOR_MS,
  WAKE_AFTER_MS,
} from "../src/estate/cache.ts";
import { listenForEstateChanges } from "../src/estate/listen.ts";
import { auditTokenUse } from "../src/services/api-tokens.ts";
import { loadSnapshot } from "../src/workloads/snapshot.ts";
import { USERS } from "./helpers.ts";

/** Waits for `ready` (notifications arrive asynchronously); fails naming what never happened. */
async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const statusOf = (estate: TPreparedSnapshot, nodeId: string) =>
  estate.nodes[estate.nodeIdxById.get(nodeId) ?? -1]?.status;

describeOnPostgres("estate changes announced by NOTIFY", () => {
  let t: TTestDb;
  const processes: Db[] = [];
  const listeners: (TListener | undefined)[] = [];
  let a: EstateCache;
  let nodeId: string;

  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
    for (let i = 0; i < 3; i++) processes.push(await createDb({ kind: "postgres", url: t.url ?? "" }));
    // Processes 0 and 1 listen; process 2 only writes.
    for (const db of processes.slice(0, 2)) listeners.push(listenForEstateChanges(db, { retryMs: 50 }));
    a = estateCache((processes[0] as Db).prisma);
    const node = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { status: "READY" },
      orderBy: { id: "asc" },
    });
    nodeId = node.id;
  });
  afterAll(async () => {
    for (const db of processes) await db.close();
    await t.cleanup();
  });

  const writer = () => (processes[2] as Db).prisma;
  /** Process 2 changes the node and announces it, as auditedTransaction does after a commit. */
  const setStatus = async (status: "READY" | "CORDONED") => {
    await writer().gpuNode.update({ where: { id: nodeId }, data: { status } });
    noteEstateWrite(writer());
  };

  it("skips the query while nothing is announced, and sees another process's commit after its notification", async () => {
    await until("process 0 listens", () => a.isListening);
    await a.current();
    const queried = a.refreshes;
    for (let i = 0; i < 3; i++) await a.current("announced");
    expect(a.refreshes).toBe(queried);
    expect(a.quietHits).toBeGreaterThanOrEqual(3);

    await setStatus("CORDONED");
    await until("the notification brought the change", async () => {
      return statusOf(await a.current("announced"), nodeId) === "CORDONED";
    });
    expect(a.refreshes).toBeGreaterThan(queried);
    const fresh = indexSnapshot(await loadSnapshot(t.db.prisma));
    expect((await a.current("announced")).nodes).toEqual(fresh.nodes);
  });

  it("queries before the next decision after a write of its own, without waiting for the notification", async () => {
    const b = estateCache((processes[1] as Db).prisma);
    await until("process 1 listens", () => b.isListening);
    await b.current();
    const queried = b.refreshes;
    b.noteLocalWrite();
    await b.current("announced");
    expect(b.refreshes).toBe(queried + 1);
  });

  it("announces nothing for a change the engine does not read: a token's use", async () => {
    // Its own cache, trusting a quiet estate for a minute: only an announcement makes it look.
    const c = new EstateCache((processes[1] as Db).prisma, 60_000);
    await until("process 1 listens", () => c.isListening);
    await c.current();
    const queried = c.refreshes;
    const user = {
      ...USERS.engineer,
      token: {
        id: "token-notify-test",
        kind: "PERSONAL" as const,
        scopes: ["write" as const],
        teamId: null,
        siteId: null,
      },
    };
    // Recorded by another process (a NOTIFY would reach process 1) and by process 1 itself.
    for (const db of [processes[2], processes[1]] as Db[])
      await auditTokenUse({ prisma: db.prisma, user, requestId: "notify-test" }, "workload.submit");
    expect(await t.db.prisma.auditEvent.count({ where: { objectId: "token-notify-test" } })).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, WAKE_AFTER_MS + 400));
    await c.current("announced");
    expect(c.refreshes).toBe(queried);
    // A change of the estate, by contrast, is announced and looked for.
    await setStatus("CORDONED");
    await until("the announced change was looked for", async () => {
      await c.current("announced");
      return c.refreshes > queried;
    });
  });

  it("queries every time once its listening connection is lost, and skips again after it reconnects", async () => {
    const pid = listeners[0]?.backendPid;
    expect(pid).toBeTypeOf("number");
    await t.db.prisma.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    await until("process 0 noticed the loss", () => !a.isListening);

    // Nothing can be announced now: the change is found by querying, right away.
    await setStatus("READY");
    expect(statusOf(await a.current("announced"), nodeId)).toBe("READY");

    await until("process 0 listens again", () => a.isListening);
    expect(listeners[0]?.backendPid).not.toBe(pid);
    const before = a.refreshes;
    await a.current("announced"); // what it missed while deaf is looked for once
    expect(a.refreshes).toBe(before + 1);
    await a.current("announced");
    expect(a.refreshes).toBe(before + 1);

    await setStatus("CORDONED");
    await until("the reconnected listener brought the change", async () => {
      return statusOf(await a.current("announced"), nodeId) === "CORDONED";
    });
  });

  it("sees a write nobody announced once the quiet estate is older than QUIET_FOR_MS", async () => {
    await until("process 0 listens", () => a.isListening);
    const start = statusOf(await a.current(), nodeId);
    const next = start === "READY" ? "CORDONED" : "READY";
    const sent = Date.now();
    // A raw update, as a loop might make: the change log records it, nothing announces it.
    await writer().gpuNode.update({ where: { id: nodeId }, data: { status: next } });
    await until("the age bound brought the change", async () => {
      return statusOf(await a.current("announced"), nodeId) === next;
    });
    expect(Date.now() - sent).toBeLessThan(QUIET_FOR_MS + 5_000);
  });
});

describeOnPostgres("estate changes heard across bundles", () => {
  // Next.js bundles the instrumentation (which starts the listener) apart from the route
  // handlers: two copies of estate/cache.ts in one process, each with its own caches. A query
  // suffix makes vitest load a second copy, as the route bundle has.
  let t: TTestDb;
  let db: Db;
  let listener: TListener | undefined;
  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
    db = await createDb({ kind: "postgres", url: t.url ?? "" });
    listener = listenForEstateChanges(db, { retryMs: 50 });
  });
  afterAll(async () => {
    await listener?.stop();
    await db.close();
    await t.cleanup();
  });

  it("a cache of another copy of the module hears the listener the instrumentation started", async () => {
    // A specifier in a variable: TypeScript cannot resolve the query suffix, vitest loads it.
    const secondCopy = "../src/estate/cache.ts?bundle=routes";
    const routes = (await import(/* @vite-ignore */ secondCopy)) as typeof import("../src/estate/cache.ts");
    const cache = routes.estateCache(db.prisma);
    expect(cache).not.toBe(estateCache(db.prisma));
    await until("the routes' cache knows the listener is up", () => cache.isListening);
    await cache.current();
    const queried = cache.refreshes;
    await cache.current("announced");
    expect(cache.refreshes).toBe(queried);
    expect(cache.quietHits).toBe(1);

    const node = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { status: "READY" },
      orderBy: { id: "asc" },
    });
    await t.db.prisma.gpuNode.update({ where: { id: node.id }, data: { status: "CORDONED" } });
    noteEstateWrite(t.db.prisma);
    await until("the routes' cache caught up on the notification", async () => {
      return statusOf(await cache.current("announced"), node.id) === "CORDONED";
    });
  });
});
