import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { exportCsv } from "../src/exports.ts";
import { evidenceToCsv } from "../src/governance/evidence-csv.ts";
import { appErrorFromDatabase } from "../src/lib/database-errors.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

/** Issue 11, rows 5, 6 and 7: bad input never reaches the database, races and scoping. */
const createCaller = createCallerFactory(appRouter);

type TSpecInput = Omit<TWorkloadSpec, "deadline"> & { deadline?: Date | string };
const SPEC: TSpecInput = {
  name: "hardening-probe",
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L40S"],
  estimatedHours: 1,
  datasetIds: [],
  requiredCertifications: [],
  allowedKinds: [],
  priority: 10,
  preemptible: false,
  dependsOn: [],
};

describe.each(await testDbKinds())("hardening [%s]", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  describe("row 5: what a client sends is refused with a 4xx naming the field, never a 500", () => {
    it("NUL in any search or name", async () => {
      for (const call of [
        () => as(USERS.admin).site.list({ search: "dc\u0000" }),
        () => as(USERS.admin).workload.list({ search: "\u0000" }),
        () => as(USERS.admin).audit.list({ search: "a\u0000" }),
      ])
        expect(await errorOf(call())).toMatchObject({ code: "BAD_REQUEST", fields: ["search"] });
      expect(
        await errorOf(as(USERS.admin).workload.submit({ spec: { ...SPEC, name: "train\u0000ing" } })),
      ).toMatchObject({
        code: "BAD_REQUEST",
        fields: ["spec.name"],
        message: expect.stringContaining("NUL"),
      });
    });

    it("a lone surrogate", async () => {
      const error = await errorOf(as(USERS.admin).workload.submit({ spec: { ...SPEC, name: "ab\ud800" } }));
      expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["spec.name"] });
      expect(error.message).toContain("spec.name: The text has a broken character at position 3");
    });

    it("a deadline in the year -100000", async () => {
      const error = await errorOf(
        as(USERS.admin).workload.submit({ spec: { ...SPEC, deadline: "-100000-01-01T00:00:00.000Z" } }),
      );
      expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["spec.deadline"] });
      expect(error.message).toContain("The deadline must be in 1970 or later");
    });

    it("an unknown teamId (a foreign key) and a 1 MB one (an index row)", async () => {
      expect(
        await errorOf(as(USERS.admin).workload.submit({ spec: { ...SPEC, teamId: "team-nope" } })),
      ).toEqual({ code: "BAD_REQUEST", message: "Team team-nope does not exist.", fields: ["spec.teamId"] });
      const huge = "t".repeat(1_000_000);
      expect(
        await errorOf(as(USERS.admin).workload.submit({ spec: { ...SPEC, teamId: huge } })),
      ).toMatchObject({
        code: "BAD_REQUEST",
        fields: ["spec.teamId"],
      });
      expect(await errorOf(as(USERS.admin).team.updateQuotas({ teamId: huge, quotas: [] }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: ["teamId"],
      });
      expect(await errorOf(as(USERS.admin).workload.list({ teamId: huge }))).toMatchObject({
        code: "BAD_REQUEST",
        fields: ["teamId"],
      });
    });

    it("maps the database errors a client could still provoke to AppErrors, in one place", async () => {
      const caught = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (e: unknown) => appErrorFromDatabase(e),
        );
      const prisma = t.db.prisma;
      expect(await caught(prisma.team.create({ data: { slug: "applied-ml", name: "Dup" } }))).toMatchObject({
        code: "CONFLICT",
        field: "slug",
        userMessage: "A team with this slug exists already.",
      });
      expect(
        await caught(
          prisma.quota.create({
            data: { teamId: "team-nope", gpuModel: "H100", guaranteedGpus: 0, limitGpus: 1 },
          }),
        ),
      ).toMatchObject({
        code: "INVALID_REQUEST",
        field: "teamId",
        userMessage: "The team does not exist (or is still in use).",
      });
      expect(
        await caught(prisma.team.update({ where: { id: "team-nope" }, data: { name: "x" } })),
      ).toMatchObject({
        code: "NOT_FOUND",
      });
      expect(
        await caught(prisma.team.update({ where: { id: "team-applied-ml" }, data: { name: "a\u0000" } })),
      ).toMatchObject({
        code: "INVALID_REQUEST",
        userMessage: "A text holds a character that cannot be stored.",
      });
      expect(
        await caught(
          prisma.team.update({ where: { id: "team-applied-ml" }, data: { slug: "x".repeat(1_000_000) } }),
        ),
      ).toMatchObject({ code: "INVALID_REQUEST", userMessage: "A value is too long to store." });
      expect(
        await caught(
          prisma.workload.findMany({ where: { deadline: { gt: new Date("-100000-01-01T00:00:00Z") } } }),
        ),
      ).toMatchObject({ code: "INVALID_REQUEST" });
    });
  });

  it("row 11: table exports and evidence CSV escape cells that start a formula", async () => {
    const api = as(USERS.admin);
    const site = await api.site.byId({ id: "site-dc-stockholm" });
    await api.site.update({
      id: site.id,
      data: {
        ...site,
        name: '=HYPERLINK("http://evil.example")',
        prices: [{ gpuModel: "A100-80GB", usdPerGpuHour: 2 }],
      },
    });
    const sites = await exportCsv(
      t.db.prisma,
      "sites",
      new URLSearchParams({ q: "stockholm" }),
      USERS.viewer,
    );
    expect(sites).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    const { id } = await api.workload.submit({ spec: { ...SPEC, name: "@SUM(1+1)" }, asDraft: true });
    const csv = evidenceToCsv(await api.evidence.workload({ id }));
    expect(csv).toContain("'@SUM(1+1)");
    expect(csv).not.toMatch(/(^|,)@SUM/m);
  });

  it("row 12: exports of prototype names and NUL filters answer 4xx, not 500", async () => {
    for (const table of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const error = await exportCsv(t.db.prisma, table, new URLSearchParams(), USERS.viewer).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: "NOT_FOUND",
        userMessage: expect.stringContaining("use one of sites"),
      });
    }
    const nul = await exportCsv(
      t.db.prisma,
      "sites",
      new URLSearchParams({ q: "\u0000" }),
      USERS.viewer,
    ).then(
      () => null,
      (e: unknown) => e as { issues: { path: string[] }[] },
    );
    expect(nul?.issues.map((i) => i.path.join("."))).toEqual(["search"]);
    // The evidence route decodes the id safely; the procedure answers a stray "%" with 404.
    expect(await errorOf(as(USERS.admin).evidence.workload({ id: "%" }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  describe("row 7: an ML engineer sees no other team's work on read paths", () => {
    const OTHER = "workload-pretrain-70b"; // foundation-models, RUNNING at dc-ashburn

    it("node.byId: other teams' allocations count their GPUs but hide the workload", async () => {
      const allocation = await t.db.prisma.allocation.findFirstOrThrow({
        where: { workloadId: OTHER, status: "ACTIVE" },
      });
      const asEngineer = await as(USERS.engineer).node.byId({ id: allocation.nodeId });
      const row = asEngineer.allocations.find((a) => a.id === allocation.id);
      expect(row).toMatchObject({ gpus: allocation.gpus, workload: null });
      expect(JSON.stringify(asEngineer)).not.toContain("pretrain-70b");
      const asPlatform = await as(USERS.platform).node.byId({ id: allocation.nodeId });
      expect(asPlatform.allocations.find((a) => a.id === allocation.id)?.workload?.name).toBe(
        "pretrain-70b-r3",
      );
    });

    it("site.byId: other teams' active workloads are counted, not named", async () => {
      const site = await as(USERS.engineer).site.byId({ id: "site-dc-ashburn" });
      expect(site.activeWorkloads.map((w) => w.name)).toContain("claims-risk-model");
      expect(JSON.stringify(site.activeWorkloads)).not.toContain("pretrain-70b");
      expect(site.otherTeamsWorkloads.count).toBeGreaterThan(0);
      const all = await as(USERS.platform).site.byId({ id: "site-dc-ashburn" });
      expect(all.activeWorkloads.length).toBe(site.activeWorkloads.length + site.otherTeamsWorkloads.count);
    });

    it("dependsOn an invisible workload answers like a missing one, and reveals nothing", async () => {
      const submit = (dependsOn: string) =>
        errorOf(
          as(USERS.engineer).workload.submit({ spec: { ...SPEC, name: "child", dependsOn: [dependsOn] } }),
        );
      const invisible = await submit(OTHER);
      const missing = await submit("workload-missing");
      expect(invisible).toEqual({
        code: "BAD_REQUEST",
        message: `Workload ${OTHER} does not exist.`,
        fields: ["spec.dependsOn"],
      });
      expect(missing.message).toBe("Workload workload-missing does not exist.");
      expect(await t.db.prisma.workload.count({ where: { name: "child" } })).toBe(0);
    });

    it("place, schedule and transition on an invisible workload answer 404 exactly like a missing one", async () => {
      for (const id of [OTHER, "workload-missing"]) {
        const api = as(USERS.engineer);
        // One call at a time: a call started early would reject while an earlier one is awaited.
        for (const call of [
          () => api.workload.place({ id }),
          () => api.workload.schedule({ id, decisionId: "d" }),
          () => api.workload.transition({ id, to: "CANCELLED" }),
        ])
          expect(await errorOf(call())).toEqual({
            code: "NOT_FOUND",
            message: "This workload does not exist.",
            fields: [],
          });
      }
      // A viewer sees every team's work but changes none: forbidden, not missing.
      expect((await errorOf(as(USERS.viewer).workload.place({ id: OTHER }))).code).toBe("FORBIDDEN");
    });
  });
});

describe.each((await testDbKinds()).filter((k) => k === "postgres"))(
  "row 6: idempotent submit under a race [%s]",
  (kind) => {
    let t: TTestDb;
    beforeAll(async () => {
      t = await createTestDb(kind);
      await seedDemo(t.db);
    });
    afterAll(() => t.cleanup());

    it("100 concurrent submits with one clientKey: 1 row, 100 answers naming it", async () => {
      const api = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.engineer }));
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () =>
          api.workload.submit({
            spec: { ...SPEC, name: "raced" },
            clientKey: "race-key-0001",
            asDraft: true,
          }),
        ),
      );
      const failures = results
        .filter((r) => r.status === "rejected")
        .map((r) => String((r as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
      const rows = await t.db.prisma.workload.findMany({
        where: { clientKey: "race-key-0001" },
        select: { id: true },
      });
      expect(rows).toHaveLength(1);
      const answers = results.map(
        (r) => (r as PromiseFulfilledResult<{ id: string; created: boolean }>).value,
      );
      expect(new Set(answers.map((a) => a.id))).toEqual(new Set([rows[0]?.id]));
      expect(answers.filter((a) => a.created)).toHaveLength(1);
    });
  },
);
