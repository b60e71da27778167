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
type TQuotasInput = inferProcedureInput<AppRouter["team"]["updateQuotas"]>;

describeEachDb("team procedures", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  /** GPUs a team holds now per model, summed the long way round for comparison. */
  const heldGpus = async (teamId: string) => {
    const allocations = await t.db.prisma.allocation.findMany({
      where: { status: "ACTIVE", workload: { teamId } },
      select: { gpus: true, node: { select: { gpuModel: true } } },
    });
    const byModel: Record<string, number> = {};
    for (const a of allocations) byModel[a.node.gpuModel] = (byModel[a.node.gpuModel] ?? 0) + a.gpus;
    return byModel;
  };
  const quotasOf = (teamId: string) =>
    t.db.prisma.quota.findMany({
      where: { teamId },
      select: { gpuModel: true, guaranteedGpus: true, limitGpus: true, siteGroupId: true },
      orderBy: { gpuModel: "asc" },
    });

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("lists teams with members, quotas and what each quota uses now", async () => {
    const page = await as(USERS.viewer).team.list({});
    expect(page.total).toBe(5);
    expect(page.rows.map((r) => r.slug)).toEqual([
      "applied-ml",
      "foundation-models",
      "health-ai",
      "inference-platform",
      "vision-edge",
    ]);
    const applied = page.rows.find((r) => r.slug === "applied-ml");
    const held = await heldGpus("team-applied-ml");
    expect(held["A100-80GB"]).toBeGreaterThan(0);
    expect(applied?.members).toBe(1);
    expect(applied?.quotas).toEqual([
      {
        gpuModel: "A100-80GB",
        guaranteedGpus: 32,
        limitGpus: 64,
        siteGroupId: null,
        usedGpus: held["A100-80GB"] ?? 0,
      },
      { gpuModel: "H100", guaranteedGpus: 32, limitGpus: 96, siteGroupId: null, usedGpus: held.H100 ?? 0 },
      // "*" counts every model, including L40S that no quota of the team names.
      {
        gpuModel: "*",
        guaranteedGpus: 0,
        limitGpus: 64,
        siteGroupId: null,
        usedGpus: Object.values(held).reduce((a, b) => a + b, 0),
      },
    ]);
    expect(applied?.usage).toEqual(
      Object.entries(held)
        .map(([gpuModel, gpus]) => ({ gpuModel, gpus }))
        .sort((a, b) => a.gpuModel.localeCompare(b.gpuModel)),
    );
    const foundation = page.rows.find((r) => r.slug === "foundation-models");
    expect(foundation?.quotas.find((q) => q.gpuModel === "H100")?.usedGpus).toBe(128);

    const searched = await as(USERS.viewer).team.list({ search: "EDGE", sort: "name", direction: "desc" });
    expect(searched.rows.map((r) => r.slug)).toEqual(["vision-edge"]);
    const paged = await as(USERS.viewer).team.list({ pageSize: 2, page: 3 });
    expect(paged).toMatchObject({ pages: 3, total: 5 });
    expect(paged.rows).toHaveLength(1);
  });

  it("shows a team with its members, owned datasets and workloads", async () => {
    const team = await as(USERS.viewer).team.byId({ id: "team-health-ai" });
    expect(team.members.map((m) => [m.id, m.teamRole])).toEqual([
      ["user-engineer", "MEMBER"],
      ["user-steward", "MEMBER"],
    ]);
    expect(team.datasets.map((d) => d.slug)).toEqual(["claims-2025", "patient-imaging-ct"]);
    expect(team.quotas.find((q) => q.gpuModel === "H100")?.usedGpus).toBe(
      (await heldGpus("team-health-ai")).H100,
    );
    expect(team.workloadsByState).toEqual(expect.arrayContaining([{ state: "RUNNING", count: 1 }]));
    expect(await errorOf(as(USERS.viewer).team.byId({ id: "team-nope" }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("replaces a team's quotas for estate editors, audited with before and after", async () => {
    const before = await quotasOf("team-health-ai");
    const input: TQuotasInput = {
      teamId: "team-health-ai",
      quotas: [
        { gpuModel: "H100", guaranteedGpus: 40, limitGpus: 80 },
        { gpuModel: "L4", guaranteedGpus: 0, limitGpus: 8 },
        { gpuModel: "*", guaranteedGpus: 0, limitGpus: 100 },
      ],
    };
    const result = await as(USERS.platform).team.updateQuotas(input);
    const after = await quotasOf("team-health-ai");
    expect(after).toEqual([
      { gpuModel: "*", guaranteedGpus: 0, limitGpus: 100, siteGroupId: null },
      { gpuModel: "H100", guaranteedGpus: 40, limitGpus: 80, siteGroupId: null },
      { gpuModel: "L4", guaranteedGpus: 0, limitGpus: 8, siteGroupId: null },
    ]);
    expect(result.quotas).toEqual(after);
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { objectId: "team-health-ai", action: "team.quotas.update" },
    });
    expect(event).toMatchObject({ objectType: "Team", actorId: "user-platform", after: { quotas: after } });
    expect(event.before).toEqual({ quotas: before });

    await as(USERS.admin).team.updateQuotas({ teamId: "team-health-ai", quotas: [] });
    expect(await quotasOf("team-health-ai")).toEqual([]);
    expect(await auditCount(t.db, "team-health-ai", "team.quotas.update")).toBe(2);
  });

  it("refuses quotas that break the rules, naming the field, and writes nothing", async () => {
    const before = await quotasOf("team-vision-edge");
    const events = await auditCount(t.db, "team-vision-edge");
    const cases: [TQuotasInput["quotas"], string[]][] = [
      [[{ gpuModel: "L4", guaranteedGpus: 10, limitGpus: 5 }], ["quotas.0.limitGpus"]],
      [
        [
          { gpuModel: "L4", guaranteedGpus: 1, limitGpus: 5 },
          { gpuModel: "T4", guaranteedGpus: -1, limitGpus: 5 },
        ],
        ["quotas.1.guaranteedGpus"],
      ],
      [
        [
          { gpuModel: "L4", guaranteedGpus: 1, limitGpus: 5 },
          { gpuModel: "L4", guaranteedGpus: 1, limitGpus: 6 },
        ],
        ["quotas.1.gpuModel"],
      ],
      [[{ gpuModel: "TPU-v5", guaranteedGpus: 1, limitGpus: 2 }], ["quotas.0.gpuModel"]],
      [[{ gpuModel: "L4", guaranteedGpus: 1.5, limitGpus: 2 }], ["quotas.0.guaranteedGpus"]],
    ];
    for (const [quotas, fields] of cases) {
      const error = await errorOf(as(USERS.admin).team.updateQuotas({ teamId: "team-vision-edge", quotas }));
      expect(error).toMatchObject({ code: "BAD_REQUEST", fields });
    }
    const limit = await errorOf(
      as(USERS.admin).team.updateQuotas({
        teamId: "team-vision-edge",
        quotas: [{ gpuModel: "L4", guaranteedGpus: 10, limitGpus: 5 }],
      }),
    );
    expect(limit.message).toContain("The limit cannot be below the guaranteed GPUs");
    expect(
      await errorOf(as(USERS.admin).team.updateQuotas({ teamId: "team-nope", quotas: [] })),
    ).toMatchObject({ code: "NOT_FOUND", message: "This team does not exist." });
    expect(await quotasOf("team-vision-edge")).toEqual(before);
    expect(await auditCount(t.db, "team-vision-edge")).toBe(events);
  });

  it("lets only admins and platform engineers edit quotas", async () => {
    const before = await quotasOf("team-applied-ml");
    for (const user of [USERS.viewer, USERS.engineer, USERS.steward]) {
      const error = await errorOf(
        as(user).team.updateQuotas({
          teamId: "team-applied-ml",
          quotas: [{ gpuModel: "H100", guaranteedGpus: 999, limitGpus: 999 }],
        }),
      );
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toContain(`you are ${user.role}`);
    }
    expect(await quotasOf("team-applied-ml")).toEqual(before);
    await expect(as(null).team.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("names the fields of a bad list input", async () => {
    const input = { sort: "members", direction: "up" } as unknown as inferProcedureInput<
      AppRouter["team"]["list"]
    >;
    expect(await errorOf(as(USERS.viewer).team.list(input))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["direction", "sort"],
    });
  });

  it("exports teams with their quotas as CSV", async () => {
    const csv = await exportCsv(t.db.prisma, "teams", new URLSearchParams({ q: "foundation" }), USERS.viewer);
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("slug,name,members,quotas,gpus_in_use");
    expect(lines[1]).toBe(
      "foundation-models,Foundation Models,1,A100-80GB used 0 guaranteed 64 limit 128; H100 used 128 guaranteed 256 limit 512,128",
    );
    expect(lines).toHaveLength(2);
  });
});
