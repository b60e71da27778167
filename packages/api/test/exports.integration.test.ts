import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { exportCsv } from "../src/exports.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

/** Every page of a list, a few rows at a time, as the console would page through it. */
async function allPages<Row>(
  list: (page: number) => Promise<{ rows: Row[]; pages: number }>,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 1; ; page++) {
    const result = await list(page);
    rows.push(...result.rows);
    if (page >= result.pages) return rows;
  }
}

describeEachDb("CSV exports of scoped tables", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  // A small page size, so every export crosses several of its own page (or cursor) boundaries.
  const exportRows = async (user: TSessionUser, table: string, query = "") => {
    const csv = await exportCsv(t.db.prisma, table, new URLSearchParams(query), user, { pageSize: 4 });
    const [header, ...rows] = parse(csv) as string[][];
    return { header, rows };
  };
  const firstColumn = (rows: string[][]) => rows.map((r) => r[0]);

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("exports an ML engineer's workloads only: the rows of workload.list, every page", async () => {
    const engineer = USERS.engineer;
    const { header, rows } = await exportRows(engineer, "workloads", "sort=name&dir=asc");
    expect(header).toEqual([
      "id",
      "name",
      "state",
      "state_reason",
      "kind",
      "team",
      "site",
      "environment",
      "gpus",
      "gpu_models",
      "priority",
      "submitted_at",
    ]);
    const listed = await allPages((page) =>
      as(engineer).workload.list({ page, pageSize: 3, sort: "name", direction: "asc" }),
    );
    expect(listed.length).toBeGreaterThan(3);
    expect(firstColumn(rows)).toEqual(listed.map((w) => w.id));
    const ownTeams = await t.db.prisma.membership.findMany({
      where: { userId: engineer.id },
      select: { team: { select: { name: true } } },
    });
    const teamNames = new Set(ownTeams.map((m) => m.team.name));
    expect(rows.every((r) => teamNames.has(r[5] ?? ""))).toBe(true);
    // An admin sees every team: the engineer's export is a strict subset.
    const everyone = await exportRows(USERS.admin, "workloads");
    expect(everyone.rows.length).toBe(await t.db.prisma.workload.count());
    expect(everyone.rows.length).toBeGreaterThan(rows.length);
  });

  it("exports workloads with the table's filters, and a team filter never widens the scope", async () => {
    const other = await t.db.prisma.team.findFirstOrThrow({
      where: { memberships: { none: { userId: USERS.engineer.id } }, workloads: { some: {} } },
      select: { id: true },
    });
    expect((await exportRows(USERS.engineer, "workloads", `teamId=${other.id}`)).rows).toEqual([]);
    const { rows } = await exportRows(USERS.admin, "workloads", `teamId=${other.id}&state=RUNNING`);
    const listed = await allPages((page) =>
      as(USERS.admin).workload.list({ page, pageSize: 2, teamId: other.id, state: "RUNNING" }),
    );
    expect(firstColumn(rows)).toEqual(listed.map((w) => w.id));
  });

  it("exports the approvals view the user asked for, as approval.list shows it", async () => {
    let seen = 0;
    for (const user of [USERS.admin, USERS.steward, USERS.engineer, USERS.viewer]) {
      for (const view of ["inbox", "open", "decided", "mine"] as const) {
        const { rows } = await exportRows(user, "approvals", `view=${view}`);
        const listed = await allPages((page) => as(user).approval.list({ view, page, pageSize: 2 }));
        seen += listed.length;
        expect(firstColumn(rows), `${user.role} ${view}`).toEqual(listed.map((r) => r.id));
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("exports every matching audit event once, in seq order, across keyset pages", async () => {
    const { header, rows } = await exportRows(USERS.steward, "audit");
    expect(header?.slice(0, 6)).toEqual(["seq", "created_at", "actor", "action", "object_type", "object_id"]);
    expect(rows.length).toBe(await t.db.prisma.auditEvent.count());
    const seqs = rows.map((r) => BigInt(r[0] ?? ""));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

    // Audited changes of our own, so the filtered export spans several pages.
    for (let i = 0; i < 6; i++)
      await as(USERS.admin).webhook.create({
        name: `audit-probe-${i}`,
        url: "https://hooks.example.com/audit",
        events: [],
        enabled: false,
      });
    const action = "webhook.";
    const listed = await allPages((page) =>
      as(USERS.platform).audit.list({ page, pageSize: 3, direction: "asc", action }),
    );
    expect(listed.length).toBeGreaterThan(4);
    const filtered = await exportRows(
      USERS.platform,
      "audit",
      `dir=asc&action=${encodeURIComponent(action)}`,
    );
    expect(firstColumn(filtered.rows)).toEqual(listed.map((e) => e.seq));
  });

  it("refuses the audit export to roles that may not read the audit log", async () => {
    for (const user of [USERS.viewer, USERS.engineer]) {
      expect(await errorOf(exportCsv(t.db.prisma, "audit", new URLSearchParams(), user))).toMatchObject({
        code: "FORBIDDEN",
      });
      expect(await errorOf(as(user).audit.list({}))).toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("exports webhook deliveries to admins only, formula cells escaped", async () => {
    const api = as(USERS.admin);
    const hook = await api.webhook.create({
      name: '=HYPERLINK("http://evil.example")',
      url: "https://hooks.example.com/switchyard",
      events: [],
      enabled: true,
    });
    for (let i = 0; i < 5; i++) await api.webhook.sendTest({ id: hook.webhook.id });
    const { header, rows } = await exportRows(
      USERS.admin,
      "webhook-deliveries",
      `webhook=${hook.webhook.id}`,
    );
    expect(header?.slice(0, 5)).toEqual(["id", "created_at", "webhook", "event", "status"]);
    const listed = await allPages((page) =>
      api.webhook.deliveries({ page, pageSize: 2, webhookId: hook.webhook.id }),
    );
    expect(listed).toHaveLength(5);
    expect(firstColumn(rows)).toEqual(listed.map((d) => d.id));
    expect(rows.every((r) => r[2] === `'=HYPERLINK("http://evil.example")`)).toBe(true);
    for (const user of [USERS.platform, USERS.viewer]) {
      expect(
        await errorOf(exportCsv(t.db.prisma, "webhook-deliveries", new URLSearchParams(), user)),
      ).toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("exports the policy rules in force, as policy.list pages them, to every signed-in user", async () => {
    const { header, rows } = await exportRows(USERS.viewer, "policies");
    expect(header?.slice(0, 3)).toEqual(["key", "version", "name"]);
    const listed = await allPages((page) => as(USERS.viewer).policy.list({ page, pageSize: 2 }));
    expect(listed.length).toBeGreaterThan(2);
    expect(rows.map((r) => `${r[0]}@${r[1]}`)).toEqual(listed.map((p) => `${p.key}@${p.version}`));
  });

  it("exports webhooks to admins only, without secrets", async () => {
    const api = as(USERS.admin);
    const created = await api.webhook.create({
      name: "export-secret-probe",
      url: "https://hooks.example.com/secret",
      events: [],
      enabled: true,
    });
    const csv = await exportCsv(t.db.prisma, "webhooks", new URLSearchParams(), USERS.admin, { pageSize: 2 });
    const [, ...rows] = parse(csv) as string[][];
    const listed = await allPages((page) => api.webhook.list({ page, pageSize: 3 }));
    expect(listed.length).toBeGreaterThan(2);
    expect(firstColumn(rows)).toEqual(listed.map((w) => w.id));
    expect(csv).not.toContain(created.secret);
    expect(
      await errorOf(exportCsv(t.db.prisma, "webhooks", new URLSearchParams(), USERS.platform)),
    ).toMatchObject({ code: "FORBIDDEN" });
  });
});
