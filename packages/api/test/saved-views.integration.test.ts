import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { MAX_SAVED_VIEWS_PER_TABLE } from "../src/router/saved-view/saved-view.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { restOptions } from "./authorization/rest.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

describeEachDb("saved views", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("saves a view without its page and lists it for its owner only", async () => {
    const saved = await as(USERS.platform).savedView.save({
      table: "nodes",
      name: "  EU H100 nodes draining ",
      query: "?status=DRAINING&gpuModel=H100&page=3&sort=hostname&dir=desc",
    });
    expect(saved).toMatchObject({
      table: "nodes",
      name: "EU H100 nodes draining",
      query: "status=DRAINING&gpuModel=H100&sort=hostname&dir=desc",
    });
    await as(USERS.viewer).savedView.save({ table: "nodes", name: "Viewer's own", query: "status=READY" });

    const mine = await as(USERS.platform).savedView.list({ table: "nodes" });
    expect(mine.map((v) => v.name)).toEqual(["EU H100 nodes draining"]);
    expect(await as(USERS.platform).savedView.list({ table: "sites" })).toEqual([]);
    const theirs = await as(USERS.viewer).savedView.list({ table: "nodes" });
    expect(theirs.map((v) => v.name)).toEqual(["Viewer's own"]);
  });

  it("replaces a view saved again under the same name for the same table", async () => {
    const first = await as(USERS.steward).savedView.save({
      table: "datasets",
      name: "GDPR",
      query: "regulation=GDPR",
    });
    const second = await as(USERS.steward).savedView.save({
      table: "datasets",
      name: "GDPR",
      query: "regulation=GDPR&q=genomics",
    });
    expect(second.id).toBe(first.id);
    const views = await as(USERS.steward).savedView.list({ table: "datasets" });
    expect(views).toEqual([expect.objectContaining({ id: first.id, query: "regulation=GDPR&q=genomics" })]);
  });

  it("answers another person's view like a missing one, and deletes one's own", async () => {
    const view = await as(USERS.engineer).savedView.save({
      table: "workloads",
      name: "Mine",
      query: "state=RUNNING",
    });
    const other = await errorOf(as(USERS.admin).savedView.remove({ id: view.id }));
    expect(other).toMatchObject({ code: "NOT_FOUND" });
    const missing = await errorOf(as(USERS.admin).savedView.remove({ id: "saved-view-nowhere" }));
    expect(missing).toMatchObject({ code: "NOT_FOUND" });
    expect(await as(USERS.engineer).savedView.list({ table: "workloads" })).toHaveLength(1);

    await as(USERS.engineer).savedView.remove({ id: view.id });
    expect(await as(USERS.engineer).savedView.list({ table: "workloads" })).toEqual([]);
  });

  it("refuses a query key the table does not understand, naming the query field", async () => {
    const error = await errorOf(
      as(USERS.viewer).savedView.save({ table: "teams", name: "Bad", query: "sort=name&status=ACTIVE" }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(JSON.stringify(error)).toContain("query");
    expect(JSON.stringify(error)).toContain("status");
    const unnamed = await errorOf(
      as(USERS.viewer).savedView.save({ table: "teams", name: "   ", query: "" }),
    );
    expect(unnamed).toMatchObject({ code: "BAD_REQUEST" });
    expect(JSON.stringify(unnamed)).toContain("name");
    expect(await as(USERS.viewer).savedView.list({ table: "teams" })).toEqual([]);
  });

  it("over REST: PUT saves, GET lists one table, a bad query key is a 400 naming query, DELETE of another's view is 404", async () => {
    const { secret } = await as(USERS.engineer).token.create({
      name: "saved-views",
      scopes: ["read", "write"],
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await handleRestRequest(
        new Request(`http://localhost/api/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${secret}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        }),
        restOptions(t.db.prisma),
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const saved = await call("PUT", "/saved-views", {
      table: "sites",
      name: "Cloud",
      query: "kind=CLOUD&page=2",
    });
    expect(saved).toMatchObject({ status: 200, body: { name: "Cloud", query: "kind=CLOUD" } });
    const listed = await call("GET", "/saved-views?table=sites");
    expect(listed.status).toBe(200);
    expect((listed.body as unknown as { name: string }[]).map((v) => v.name)).toEqual(["Cloud"]);
    const bad = await call("PUT", "/saved-views", { table: "sites", name: "Bad", query: "gpuModel=H100" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ fieldErrors: { query: [expect.stringContaining("gpuModel")] } });

    const others = await as(USERS.viewer).savedView.save({ table: "sites", name: "Viewer's", query: "" });
    expect(await call("DELETE", `/saved-views/${others.id}`)).toMatchObject({ status: 404 });
    expect(await call("DELETE", `/saved-views/${saved.body.id}`)).toMatchObject({ status: 200 });
  });

  it(`keeps at most ${MAX_SAVED_VIEWS_PER_TABLE} views per table, but still replaces one by name`, async () => {
    const me = as(USERS.admin);
    for (let i = 0; i < MAX_SAVED_VIEWS_PER_TABLE; i += 1) {
      await me.savedView.save({ table: "audit", name: `View ${i}`, query: `action=create&q=${i}` });
    }
    const over = await errorOf(me.savedView.save({ table: "audit", name: "One too many", query: "" }));
    expect(over).toMatchObject({ code: "BAD_REQUEST" });
    expect(over.message).toContain(`${MAX_SAVED_VIEWS_PER_TABLE}`);
    await me.savedView.save({ table: "audit", name: "View 0", query: "action=update" });
    await me.savedView.save({ table: "sites", name: "Another table", query: "kind=CLOUD" });
    expect(await me.savedView.list({ table: "audit" })).toHaveLength(MAX_SAVED_VIEWS_PER_TABLE);
  });
});
