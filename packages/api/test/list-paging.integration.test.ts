import { Prisma } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { countOrEstimate } from "../src/lib/count.ts";
import { appRouter } from "../src/root.ts";
import { NODE_SORT_KEYS } from "../src/router/node/list-nodes.schema.ts";
import { WORKLOAD_SORT_KEYS } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

type TPageLike = {
  rows: { id: string }[];
  nextCursor: string | null;
  total: number;
  totalIsEstimate: boolean;
};

/** Every row of a list, following nextCursor `limit` rows at a time. */
async function walk(list: (cursor: string | undefined) => Promise<TPageLike>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await list(cursor);
    ids.push(...page.rows.map((r) => r.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error("the cursor never reached the last page");
}

/** Every row of a list by page number (OFFSET): the order the cursor walk must reproduce. */
async function byPages(list: (page: number) => Promise<TPageLike>) {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const rows = (await list(page)).rows;
    ids.push(...rows.map((r) => r.id));
    if (rows.length < 200) return ids;
  }
}

describeEachDb("keyset paging and estimated totals of the large lists", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    // Nodes never heard from (null heartbeat) and ties on every key, so the cursor meets both.
    await t.db.prisma.gpuNode.updateMany({
      where: { hostname: { contains: "-0" } },
      data: { lastHeartbeatAt: null },
    });
  });
  afterAll(() => t.cleanup());

  it("walks the node list by cursor in every sort and direction, in the order of the pages", async () => {
    const api = as(USERS.viewer);
    const all = await t.db.prisma.gpuNode.count();
    for (const sort of NODE_SORT_KEYS) {
      for (const direction of ["asc", "desc"] as const) {
        const walked = await walk((cursor) =>
          api.node.list({ sort, direction, limit: 23, ...(cursor ? { cursor: cursor as never } : {}) }),
        );
        const paged = await byPages((page) => api.node.list({ sort, direction, page, pageSize: 200 }));
        expect(walked, `${sort} ${direction}`).toEqual(paged);
        expect(new Set(walked).size).toBe(all);
      }
    }
    // Filters hold on every page after the cursor too.
    const ready = await walk((cursor) =>
      api.node.list({
        status: "READY",
        sort: "gpuModel",
        limit: 17,
        ...(cursor ? { cursor: cursor as never } : {}),
      }),
    );
    expect(ready).toHaveLength(await t.db.prisma.gpuNode.count({ where: { status: "READY" } }));
  });

  it("walks the workload list by cursor in every sort and direction, as a team member sees it", async () => {
    for (const user of [USERS.platform, USERS.engineer]) {
      const api = as(user);
      for (const sort of WORKLOAD_SORT_KEYS) {
        for (const direction of ["asc", "desc"] as const) {
          const walked = await walk((cursor) =>
            api.workload.list({ sort, direction, limit: 9, ...(cursor ? { cursor: cursor as never } : {}) }),
          );
          const paged = await byPages((page) => api.workload.list({ sort, direction, page, pageSize: 200 }));
          expect(walked, `${user.email} ${sort} ${direction}`).toEqual(paged);
          const first = await api.workload.list({ sort, direction, pageSize: 200 });
          expect(first.totalIsEstimate).toBe(false);
          expect(new Set(walked).size).toBe(first.total);
        }
      }
    }
  });

  it("refuses a cursor made for another order, or not a cursor at all, naming the field", async () => {
    const api = as(USERS.viewer);
    const page = await api.node.list({ sort: "gpuCount", limit: 5 });
    expect(page.nextCursor).not.toBeNull();
    const other = await errorOf(
      api.node.list({ sort: "hostname", limit: 5, cursor: page.nextCursor as never }),
    );
    expect(other).toMatchObject({ code: "BAD_REQUEST", fields: ["cursor"] });
    expect(other.message).toMatch(/another sort order/);
    const flipped = await errorOf(
      api.node.list({ sort: "gpuCount", direction: "desc", limit: 5, cursor: page.nextCursor as never }),
    );
    expect(flipped).toMatchObject({ code: "BAD_REQUEST", fields: ["cursor"] });
    const garbage = await errorOf(api.workload.list({ limit: 5, cursor: "bm9wZQ" as never }));
    expect(garbage).toMatchObject({ code: "BAD_REQUEST", fields: ["cursor"] });
    // A cursor of the right order whose values do not fit the keys (a hand-made one).
    const forged = Buffer.from(JSON.stringify({ o: "createdAt:desc", v: [12, "x"] })).toString("base64url");
    expect(await errorOf(api.workload.list({ limit: 5, cursor: forged as never }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["cursor"],
    });
  });

  it("counts exactly up to the bound, and answers PostgreSQL's estimate above it", async () => {
    const prisma = t.db.prisma;
    const nodes = await prisma.gpuNode.count();
    const estimate = Prisma.sql`SELECT 1 FROM "GpuNode" n WHERE TRUE`;
    const count = (limit: number) => prisma.gpuNode.count({ take: limit });
    await expect(countOrEstimate(prisma, count, estimate, { exactUpTo: nodes })).resolves.toEqual({
      total: nodes,
      estimated: false,
    });
    await prisma.$executeRawUnsafe(`ANALYZE "GpuNode"`);
    const above = await countOrEstimate(prisma, count, estimate, { exactUpTo: 10, now: 1_000 });
    expect(above.estimated).toBe(true);
    // Never below what was counted, and close to the truth on an analysed table.
    expect(above.total).toBeGreaterThanOrEqual(11);
    expect(Math.abs(above.total - nodes)).toBeLessThanOrEqual(Math.ceil(nodes * 0.2));
    // Reused for a while (per filter set), then asked again.
    const reused = await countOrEstimate(prisma, () => Promise.reject(new Error("counted")), estimate, {
      exactUpTo: 10,
      now: 5_000,
    });
    expect(reused).toEqual(above);
    await expect(
      countOrEstimate(prisma, () => Promise.reject(new Error("counted")), estimate, {
        exactUpTo: 10,
        now: 20_000,
      }),
    ).rejects.toThrow("counted");
  });
});
