import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { inferProcedureInput } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { exportCsv } from "../src/exports.ts";
import { type AppRouter, appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
type TNodeInput = inferProcedureInput<AppRouter["node"]["create"]>;

const newNode = (over: Partial<TNodeInput> = {}): TNodeInput => ({
  siteId: "site-dc-ashburn",
  hostname: "dc-ashburn-h100-900",
  gpuModel: "H100",
  gpuCount: 8,
  gpuMemoryGib: 80,
  fabric: "dc-ashburn-h100-fabric-z",
  interconnect: "NVLink 4",
  ...over,
});

describeEachDb("node procedures", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  const statusOf = async (id: string) =>
    (await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;
  /** Ready nodes nothing runs on, at a site, for tests that change status. */
  const idleReadyNodes = async (siteId: string, count: number) =>
    (
      await t.db.prisma.gpuNode.findMany({
        where: { siteId, status: "READY", gpuAllocated: 0 },
        orderBy: { hostname: "desc" },
        take: count,
        select: { id: true },
      })
    ).map((n) => n.id);

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("lists nodes across sites a page at a time, with free GPUs and the site", async () => {
    const api = as(USERS.viewer);
    const all = await t.db.prisma.gpuNode.count();
    const first = await api.node.list({ pageSize: 20 });
    expect(first.total).toBe(all);
    expect(first.rows).toHaveLength(20);
    const hostnames = first.rows.map((r) => r.hostname);
    expect(hostnames).toEqual([...hostnames].sort());
    for (const row of first.rows) {
      expect(row.gpuFree).toBe(row.gpuCount - row.gpuAllocated);
      expect(row.site.slug).toMatch(/^[a-z0-9-]+$/);
    }
    const second = await api.node.list({ pageSize: 20, page: 2 });
    expect(second.rows[0]?.hostname.localeCompare(first.rows[19]?.hostname ?? "")).toBe(1);

    const ashburn = await api.node.list({ siteId: "site-dc-ashburn", gpuModel: "H100", pageSize: 200 });
    expect(ashburn.total).toBe(
      await t.db.prisma.gpuNode.count({ where: { siteId: "site-dc-ashburn", gpuModel: "H100" } }),
    );
    expect(ashburn.rows.every((r) => r.site.id === "site-dc-ashburn" && r.gpuModel === "H100")).toBe(true);

    const down = await api.node.list({ status: "DOWN", pageSize: 200 });
    expect(down.total).toBe(await t.db.prisma.gpuNode.count({ where: { status: "DOWN" } }));
    expect(down.rows.every((r) => r.status === "DOWN")).toBe(true);

    const edge = await api.node.list({ kind: "EDGE", pageSize: 200 });
    expect(edge.total).toBeGreaterThan(0);
    expect(edge.rows.every((r) => r.site.kind === "EDGE")).toBe(true);

    const search = await api.node.list({ search: "ASHBURN-H100-01" });
    expect(search.rows.map((r) => r.hostname)).toContain("dc-ashburn-h100-017");
    expect(search.rows.every((r) => r.hostname.includes("dc-ashburn-h100-01"))).toBe(true);

    const bySite = await api.node.list({ sort: "site", direction: "desc", pageSize: 200 });
    // The database's collation decides the order ("São Paulo" vs "Stockholm"); compare with it.
    const expected = await t.db.prisma.gpuNode.findMany({
      orderBy: [{ site: { name: "desc" } }, { hostname: "asc" }, { id: "asc" }],
      take: 200,
      select: { id: true },
    });
    expect(bySite.rows.map((r) => r.id)).toEqual(expected.map((n) => n.id));
    const byGpus = await api.node.list({ sort: "gpuCount", direction: "desc", pageSize: 5 });
    expect(byGpus.rows[0]?.gpuCount).toBe(
      (await t.db.prisma.gpuNode.aggregate({ _max: { gpuCount: true } }))._max.gpuCount,
    );
    await expect(api.node.list({ sort: "lastHeartbeatAt" })).resolves.toMatchObject({ total: all });
  });

  it("names the fields of a bad list input", async () => {
    const input = { pageSize: 0, sort: "price", status: "BROKEN" } as unknown as inferProcedureInput<
      AppRouter["node"]["list"]
    >;
    const error = await errorOf(as(USERS.viewer).node.list(input));
    expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["pageSize", "sort", "status"] });
  });

  it("offers the sites and the GPU models present", async () => {
    const options = await as(USERS.viewer).node.options();
    expect(options.sites.find((s) => s.id === "site-dc-ashburn")).toMatchObject({ status: "ACTIVE" });
    expect(options.sites).toHaveLength(await t.db.prisma.site.count());
    expect(options.gpuModels).toEqual(expect.arrayContaining(["H100", "L4", "Jetson-AGX-Orin"]));
    expect(options.gpuModels).toEqual([...options.gpuModels].sort());
  });

  it("shows a node with the workloads holding its GPUs", async () => {
    const allocation = await t.db.prisma.allocation.findFirstOrThrow({
      where: { workloadId: "workload-pretrain-70b", status: "ACTIVE" },
      select: { nodeId: true },
    });
    const node = await as(USERS.viewer).node.byId({ id: allocation.nodeId });
    expect(node.site.slug).toBe("dc-ashburn");
    expect(node.gpuFree).toBe(node.gpuCount - node.gpuAllocated);
    expect(node.allocations).toContainEqual(
      expect.objectContaining({
        status: "ACTIVE",
        gpus: 8,
        workload: expect.objectContaining({ name: "pretrain-70b-r3" }),
      }),
    );
    expect(await errorOf(as(USERS.viewer).node.byId({ id: "node-nope" }))).toMatchObject({
      code: "NOT_FOUND",
      message: "This node does not exist.",
    });
  });

  it("creates a node at a site for estate editors, audited", async () => {
    const created = await as(USERS.platform).node.create(newNode());
    const row = await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ hostname: "dc-ashburn-h100-900", status: "READY", gpuAllocated: 0 });
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { objectId: created.id } });
    expect(event).toMatchObject({ action: "node.create", objectType: "GpuNode", actorId: "user-platform" });
    expect(event.after).toMatchObject({ hostname: "dc-ashburn-h100-900", gpuCount: 8, status: "READY" });

    const duplicate = await errorOf(
      as(USERS.admin).node.create(newNode({ hostname: "DC-Ashburn-H100-900" })),
    );
    expect(duplicate).toMatchObject({
      code: "CONFLICT",
      fields: ["hostname"],
      message: "dc-ashburn already has a node named dc-ashburn-h100-900.",
    });
    // The same hostname at another site is fine.
    await expect(
      as(USERS.admin).node.create(newNode({ siteId: "site-dc-frankfurt" })),
    ).resolves.toMatchObject({
      hostname: "dc-ashburn-h100-900",
    });
  });

  it("refuses node input that breaks the schema or the estate, naming the field", async () => {
    const bad = await errorOf(
      as(USERS.admin).node.create(
        newNode({ hostname: "not a host!", gpuCount: 0, gpuModel: "Z80" as "H100" }),
      ),
    );
    expect(bad).toMatchObject({ code: "BAD_REQUEST", fields: ["gpuCount", "gpuModel", "hostname"] });
    const missing = await errorOf(as(USERS.admin).node.create(newNode({ siteId: "site-atlantis" })));
    expect(missing).toMatchObject({ code: "NOT_FOUND", fields: ["siteId"] });

    await t.db.prisma.site.create({
      data: {
        id: "site-test-retired",
        slug: "test-retired",
        name: "Retired DC",
        kind: "ON_PREM",
        provider: "onprem",
        region: "nowhere",
        country: "US",
        jurisdiction: "US",
        wanGbps: 10,
        egressUsdPerGb: 0,
        carbonGPerKwh: 300,
        latitude: 0,
        longitude: 0,
        status: "DECOMMISSIONED",
      },
    });
    const retired = await errorOf(as(USERS.admin).node.create(newNode({ siteId: "site-test-retired" })));
    expect(retired).toMatchObject({
      code: "CONFLICT",
      fields: ["siteId"],
      message: "test-retired is decommissioned; nodes cannot be added to it.",
    });
    expect(await t.db.prisma.gpuNode.count({ where: { siteId: "site-test-retired" } })).toBe(0);
  });

  it("lets only admins and platform engineers change nodes", async () => {
    const [id = ""] = await idleReadyNodes("site-dc-frankfurt", 1);
    for (const user of [USERS.viewer, USERS.engineer, USERS.steward]) {
      const api = as(user);
      for (const call of [
        () =>
          api.node.create(newNode({ hostname: `denied-${user.role.toLowerCase().replaceAll("_", "-")}` })),
        () => api.node.cordon({ ids: [id] }),
        () => api.node.drain({ ids: [id] }),
        () => api.node.uncordon({ ids: [id] }),
      ]) {
        const error = await errorOf(call());
        expect(error.code).toBe("FORBIDDEN");
        expect(error.message).toContain(`you are ${user.role}`);
      }
    }
    expect(await statusOf(id)).toBe("READY");
    expect(await auditCount(t.db, id)).toBe(0);
    await expect(as(null).node.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("cordons and uncordons a node, auditing each change and ignoring repeats", async () => {
    const [id = ""] = await idleReadyNodes("site-dc-frankfurt", 1);
    const api = as(USERS.platform);
    const cordoned = await api.node.cordon({ ids: [id] });
    expect(cordoned).toMatchObject({ status: "CORDONED", unchanged: [], mustMove: [] });
    expect(cordoned.changed).toEqual([expect.objectContaining({ id, from: "READY" })]);
    expect(await statusOf(id)).toBe("CORDONED");
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { objectId: id, action: "node.cordon" },
    });
    expect(event).toMatchObject({
      objectType: "GpuNode",
      before: { status: "READY" },
      after: { status: "CORDONED" },
    });

    const again = await api.node.cordon({ ids: [id] });
    expect(again.changed).toEqual([]);
    expect(again.unchanged).toHaveLength(1);
    expect(await auditCount(t.db, id, "node.cordon")).toBe(1);

    await api.node.uncordon({ ids: [id] });
    expect(await statusOf(id)).toBe("READY");
    expect(await auditCount(t.db, id, "node.uncordon")).toBe(1);
  });

  it("drains a node and lists the workloads that must move", async () => {
    const allocations = await t.db.prisma.allocation.findMany({
      where: { workloadId: "workload-claims-risk-model", status: "ACTIVE" },
      select: { nodeId: true },
      orderBy: { nodeId: "asc" },
    });
    const ids = allocations.slice(0, 2).map((a) => a.nodeId);
    const result = await as(USERS.admin).node.drain({ ids });
    expect(result.status).toBe("DRAINING");
    expect(result.changed).toHaveLength(2);
    expect(result.mustMove).toEqual([
      expect.objectContaining({ name: "claims-risk-model", state: "RUNNING", team: "Health AI", gpus: 16 }),
    ]);
    expect(result.mustMove[0]?.nodes).toHaveLength(2);
    for (const id of ids) {
      expect(await statusOf(id)).toBe("DRAINING");
      expect(await auditCount(t.db, id, "node.drain")).toBe(1);
    }
    // The allocations stay until the workloads move: draining only announces it.
    expect(await t.db.prisma.allocation.count({ where: { nodeId: { in: ids }, status: "ACTIVE" } })).toBe(2);
    const node = await as(USERS.viewer).node.byId({ id: ids[0] ?? "" });
    expect(node.status).toBe("DRAINING");
    expect(node.allocations.filter((a) => a.status === "ACTIVE")).toHaveLength(1);
    // A cordon of a draining node stops the drain but keeps work away; uncordon makes it ready.
    await as(USERS.admin).node.cordon({ ids: [ids[0] ?? ""] });
    await as(USERS.admin).node.uncordon({ ids });
    for (const id of ids) expect(await statusOf(id)).toBe("READY");
  });

  it("applies a bulk action in one transaction: all of the selection or none of it", async () => {
    const ready = await idleReadyNodes("site-dc-ashburn", 3);
    const before = await t.db.prisma.auditEvent.count();
    const result = await as(USERS.platform).node.cordon({ ids: ready });
    expect(result.changed).toHaveLength(3);
    expect(await t.db.prisma.auditEvent.count()).toBe(before + 3);

    const down = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { status: "DOWN" },
      select: { id: true, hostname: true },
    });
    const afterCordon = await t.db.prisma.auditEvent.count();
    const refused = await errorOf(as(USERS.platform).node.uncordon({ ids: [...ready, down.id] }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toBe(
      `Cannot uncordon this node: ${down.hostname} is down. A down node takes no work and becomes ready when its agent heartbeats again. Nothing was changed.`,
    );
    for (const id of ready) expect(await statusOf(id)).toBe("CORDONED");
    expect(await statusOf(down.id)).toBe("DOWN");
    expect(await t.db.prisma.auditEvent.count()).toBe(afterCordon);

    for (const action of ["cordon", "drain"] as const) {
      const error = await errorOf(as(USERS.platform).node[action]({ ids: [down.id] }));
      expect(error).toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining(`${down.hostname} is down`),
      });
    }

    const unknown = await errorOf(as(USERS.platform).node.uncordon({ ids: [...ready, "node-nope"] }));
    expect(unknown).toMatchObject({
      code: "NOT_FOUND",
      message: "One of the selected nodes no longer exists; nothing was changed.",
    });
    for (const id of ready) expect(await statusOf(id)).toBe("CORDONED");

    await as(USERS.platform).node.uncordon({ ids: ready });
    for (const id of ready) expect(await statusOf(id)).toBe("READY");
  });

  it("keeps the nodes of a decommissioned site cordoned", async () => {
    const node = await as(USERS.admin).node.create(
      newNode({ siteId: "site-dc-frankfurt", hostname: "retire-me" }),
    );
    await as(USERS.admin).node.cordon({ ids: [node.id] });
    await t.db.prisma.gpuNode.update({ where: { id: node.id }, data: { siteId: "site-test-retired" } });
    const error = await errorOf(as(USERS.admin).node.uncordon({ ids: [node.id] }));
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("retire-me is at test-retired, which is decommissioned"),
    });
    expect(await statusOf(node.id)).toBe("CORDONED");
  });

  it("refuses a bad selection, naming the field", async () => {
    expect(await errorOf(as(USERS.admin).node.cordon({ ids: [] }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["ids"],
    });
    expect(await errorOf(as(USERS.admin).node.drain({ ids: ["a", "a"] }))).toMatchObject({ fields: ["ids"] });
    const tooMany = Array.from({ length: 201 }, (_, i) => `node-${i}`);
    expect(await errorOf(as(USERS.admin).node.drain({ ids: tooMany }))).toMatchObject({ fields: ["ids"] });
  });

  it("exports the filtered nodes as CSV, every page", async () => {
    const csv = await exportCsv(
      t.db.prisma,
      "nodes",
      new URLSearchParams({ status: "DOWN", sort: "site" }),
      USERS.viewer,
    );
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(
      "hostname,site,environment,status,gpu_model,gpus_total,gpus_free,gpu_memory_gib,fabric,interconnect,last_heartbeat",
    );
    expect(lines.length - 1).toBe(await t.db.prisma.gpuNode.count({ where: { status: "DOWN" } }));
    expect(lines.slice(1).every((line) => line.split(",")[3] === "DOWN")).toBe(true);
    const all = await exportCsv(t.db.prisma, "nodes", new URLSearchParams(), USERS.viewer);
    expect(all.trim().split("\n").length - 1).toBe(await t.db.prisma.gpuNode.count());
  });
});
