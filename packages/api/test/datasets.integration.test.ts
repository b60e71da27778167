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

describeEachDb("dataset procedures", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  const replicaSites = async (datasetId: string) =>
    (
      await t.db.prisma.datasetReplica.findMany({
        where: { datasetId },
        select: { siteId: true },
        orderBy: { siteId: "asc" },
      })
    ).map((r) => r.siteId);

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("lists datasets with owner, replica and steward counts, filtered and sorted on the server", async () => {
    const api = as(USERS.viewer);
    const all = await api.dataset.list({ pageSize: 5 });
    // Data only: models are datasets too, listed under /models.
    expect(all.total).toBe(await t.db.prisma.dataset.count({ where: { kind: "DATASET" } }));
    expect(all.rows).toHaveLength(5);
    const claims = (await api.dataset.list({ search: "claims" })).rows;
    expect(claims).toEqual([
      expect.objectContaining({
        slug: "claims-2025",
        classification: "REGULATED",
        regulations: ["HIPAA"],
        residencyCountries: ["US"],
        ownerTeam: expect.objectContaining({ slug: "health-ai" }),
        replicas: 1,
        stewards: 1,
      }),
    ]);
    expect(typeof claims[0]?.sizeBytes).toBe("bigint");

    const regulated = await api.dataset.list({ classification: "REGULATED" });
    expect(regulated.rows.map((r) => r.slug).sort()).toEqual([
      "claims-2025",
      "eu-support-transcripts",
      "patient-imaging-ct",
      "sg-payments-fraud",
    ]);
    const gdpr = await api.dataset.list({ regulation: "gdpr" });
    expect(gdpr.rows.map((r) => r.slug).sort()).toEqual(["eu-support-transcripts", "factory-defects-eu"]);
    const atFrankfurt = await api.dataset.list({ siteId: "site-dc-frankfurt" });
    expect(atFrankfurt.total).toBe(
      await t.db.prisma.datasetReplica.count({
        where: { siteId: "site-dc-frankfurt", dataset: { kind: "DATASET" } },
      }),
    );
    const owned = await api.dataset.list({ ownerTeamId: "team-vision-edge" });
    expect(owned.rows.every((r) => r.ownerTeam.id === "team-vision-edge")).toBe(true);
    const biggest = await api.dataset.list({ sort: "sizeBytes", direction: "desc", pageSize: 1 });
    expect(biggest.rows[0]?.slug).toBe("web-crawl-2026");
    expect(biggest.pages).toBe(all.total);

    const options = await api.dataset.options();
    expect(options.teams.map((team) => team.slug)).toContain("health-ai");
    expect(options.regulations).toEqual(["GDPR", "HIPAA", "MAS-TRM", "PCI-DSS"]);
  });

  it("names the fields of a bad list input", async () => {
    const input = { classification: "SECRET", sort: "owner" } as unknown as inferProcedureInput<
      AppRouter["dataset"]["list"]
    >;
    expect(await errorOf(as(USERS.viewer).dataset.list(input))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["classification", "sort"],
    });
  });

  it("shows a dataset's replicas, stewards and whether the caller may edit it", async () => {
    const asSteward = await as(USERS.steward).dataset.byId({ id: "dataset-claims-2025" });
    expect(asSteward).toMatchObject({ slug: "claims-2025", onPremOnly: false, canEdit: true });
    expect(asSteward.stewards.map((s) => s.id)).toEqual(["user-steward"]);
    expect(asSteward.replicas).toEqual([
      expect.objectContaining({ status: "AVAILABLE", site: expect.objectContaining({ slug: "dc-ashburn" }) }),
    ]);
    expect(asSteward.replicas[0]?.sizeBytes).toBe(asSteward.sizeBytes);
    expect((await as(USERS.engineer).dataset.byId({ id: "dataset-claims-2025" })).canEdit).toBe(false);
    expect((await as(USERS.steward).dataset.byId({ id: "dataset-web-crawl-2026" })).canEdit).toBe(false);
    expect((await as(USERS.platform).dataset.byId({ id: "dataset-web-crawl-2026" })).canEdit).toBe(true);
    expect(await errorOf(as(USERS.viewer).dataset.byId({ id: "dataset-nope" }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("offers the sites without a copy, each with the residency rule it would break", async () => {
    const candidates = await as(USERS.viewer).dataset.replicaCandidates({ id: "dataset-claims-2025" });
    const bySlug = new Map(candidates.map((c) => [c.slug, c]));
    expect(bySlug.has("dc-ashburn")).toBe(false);
    expect(bySlug.get("dc-frankfurt")?.violation).toBe(
      "claims-2025 may only reside in US; dc-frankfurt is in DE",
    );
    expect(bySlug.get("aws-us-east-1")?.violation).toBeNull();
    const ct = await as(USERS.viewer).dataset.replicaCandidates({ id: "dataset-patient-imaging-ct" });
    expect(ct.find((c) => c.slug === "aws-us-east-1")?.violation).toBe(
      "patient-imaging-ct may only reside on-prem; aws-us-east-1 is a cloud site",
    );
  });

  it("refuses a replica where residency forbids it, naming the rule, and writes nothing", async () => {
    const cases = [
      [
        "dataset-claims-2025",
        "site-dc-frankfurt",
        "claims-2025 may only reside in US; dc-frankfurt is in DE",
      ],
      [
        "dataset-patient-imaging-ct",
        "site-aws-us-east-1",
        "patient-imaging-ct may only reside on-prem; aws-us-east-1 is a cloud site",
      ],
      [
        "dataset-eu-support-transcripts",
        "site-aws-us-east-1",
        "eu-support-transcripts may only reside in the EU jurisdiction; aws-us-east-1 is in US",
      ],
    ] as const;
    for (const [datasetId, siteId, rule] of cases) {
      const before = await replicaSites(datasetId);
      const error = await errorOf(as(USERS.steward).dataset.addReplica({ datasetId, siteId }));
      expect(error).toEqual({
        code: "BAD_REQUEST",
        message: `A replica cannot go there: ${rule}.`,
        fields: ["siteId"],
      });
      expect(await replicaSites(datasetId)).toEqual(before);
      expect(await auditCount(t.db, datasetId)).toBe(0);
    }
  });

  it("refuses decommissioned sites, unknown sites and duplicates", async () => {
    await t.db.prisma.site.update({
      where: { id: "site-aws-us-west-2" },
      data: { status: "DECOMMISSIONED" },
    });
    const retired = await errorOf(
      as(USERS.admin).dataset.addReplica({
        datasetId: "dataset-web-crawl-2026",
        siteId: "site-aws-us-west-2",
      }),
    );
    expect(retired).toMatchObject({
      code: "BAD_REQUEST",
      message: "A replica cannot go there: aws-us-west-2 is decommissioned.",
    });
    await t.db.prisma.site.update({ where: { id: "site-aws-us-west-2" }, data: { status: "ACTIVE" } });
    expect(
      await errorOf(
        as(USERS.admin).dataset.addReplica({ datasetId: "dataset-web-crawl-2026", siteId: "site-x" }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", fields: ["siteId"] });
    expect(
      await errorOf(
        as(USERS.admin).dataset.addReplica({
          datasetId: "dataset-web-crawl-2026",
          siteId: "site-dc-ashburn",
        }),
      ),
    ).toMatchObject({ code: "CONFLICT", message: "dc-ashburn already holds a replica of web-crawl-2026." });
    expect(
      await errorOf(
        as(USERS.admin).dataset.addReplica({ datasetId: "dataset-x", siteId: "site-dc-ashburn" }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", message: "This dataset does not exist." });
    expect(
      await errorOf(as(USERS.admin).dataset.addReplica({ datasetId: "dataset-x", siteId: " " })),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["siteId"] });
  });

  it("lets a steward add a replica of a dataset they steward, audited with before and after", async () => {
    const added = await as(USERS.steward).dataset.addReplica({
      datasetId: "dataset-claims-2025",
      siteId: "site-aws-us-east-1",
    });
    expect(added.siteId).toBe("site-aws-us-east-1");
    expect(await replicaSites("dataset-claims-2025")).toEqual(["site-aws-us-east-1", "site-dc-ashburn"]);
    const replica = await t.db.prisma.datasetReplica.findUniqueOrThrow({ where: { id: added.id } });
    const dataset = await t.db.prisma.dataset.findUniqueOrThrow({ where: { id: "dataset-claims-2025" } });
    expect(replica.sizeBytes).toBe(dataset.sizeBytes);
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { objectId: "dataset-claims-2025", action: "dataset.replica.add" },
    });
    expect(event).toMatchObject({ objectType: "Dataset", actorId: "user-steward" });
    expect((event.before as { replicas: { site: string }[] }).replicas.map((r) => r.site)).toEqual([
      "dc-ashburn",
    ]);
    expect((event.after as { replicas: { site: string }[] }).replicas.map((r) => r.site)).toEqual([
      "aws-us-east-1",
      "dc-ashburn",
    ]);
  });

  it("refuses editors without the role or the stewardship", async () => {
    const input = { datasetId: "dataset-web-crawl-2026", siteId: "site-aws-us-west-2" };
    const steward = await errorOf(as(USERS.steward).dataset.addReplica(input));
    expect(steward).toEqual({
      code: "FORBIDDEN",
      message:
        "You are not a steward of web-crawl-2026; only its stewards, admins and platform engineers change it.",
      fields: [],
    });
    expect(
      await errorOf(as(USERS.steward).dataset.removeReplica({ ...input, siteId: "site-dc-ashburn" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    for (const user of [USERS.viewer, USERS.engineer]) {
      for (const call of [
        () => as(user).dataset.addReplica({ datasetId: "dataset-claims-2025", siteId: "site-aws-us-west-2" }),
        () => as(user).dataset.removeReplica({ datasetId: "dataset-claims-2025", siteId: "site-dc-ashburn" }),
      ]) {
        const error = await errorOf(call());
        expect(error.code).toBe("FORBIDDEN");
        expect(error.message).toContain(`you are ${user.role}`);
      }
    }
    expect(await replicaSites("dataset-web-crawl-2026")).toEqual([
      "site-aws-us-east-1",
      "site-dc-ashburn",
      "site-gcp-europe-west4",
    ]);
    expect(await auditCount(t.db, "dataset-web-crawl-2026")).toBe(0);
  });

  it("refuses to remove the last replica", async () => {
    const error = await errorOf(
      as(USERS.admin).dataset.removeReplica({
        datasetId: "dataset-llm-checkpoints-70b",
        siteId: "site-dc-ashburn",
      }),
    );
    expect(error).toEqual({
      code: "CONFLICT",
      message:
        "dc-ashburn holds the only replica of llm-checkpoints-70b; the last replica cannot be removed. Add another replica first.",
      fields: ["siteId"],
    });
    expect(await replicaSites("dataset-llm-checkpoints-70b")).toEqual(["site-dc-ashburn"]);
    expect(await auditCount(t.db, "dataset-llm-checkpoints-70b")).toBe(0);
  });

  it("lets only one of two simultaneous removals take the second-to-last replica", async () => {
    const datasetId = "dataset-open-images-v7";
    await as(USERS.admin).dataset.addReplica({ datasetId, siteId: "site-aws-us-east-1" });
    const results = await Promise.allSettled([
      as(USERS.admin).dataset.removeReplica({ datasetId, siteId: "site-gcp-us-central1" }),
      as(USERS.platform).dataset.removeReplica({ datasetId, siteId: "site-aws-us-east-1" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("the last replica cannot be removed"),
    });
    expect(await replicaSites(datasetId)).toHaveLength(1);
  });

  it("keeps a replica that a running workload reads there", async () => {
    const error = await errorOf(
      as(USERS.platform).dataset.removeReplica({
        datasetId: "dataset-web-crawl-2026",
        siteId: "site-dc-ashburn",
      }),
    );
    expect(error).toMatchObject({
      code: "CONFLICT",
      message:
        "pretrain-70b-r3 reads web-crawl-2026 at dc-ashburn; the replica stays until it finishes or moves.",
    });
    expect(await replicaSites("dataset-web-crawl-2026")).toHaveLength(3);
  });

  it("removes a replica, audited, and then refuses to remove it again", async () => {
    const input = { datasetId: "dataset-web-crawl-2026", siteId: "site-gcp-europe-west4" };
    await expect(as(USERS.platform).dataset.removeReplica(input)).resolves.toEqual(input);
    expect(await replicaSites("dataset-web-crawl-2026")).toEqual(["site-aws-us-east-1", "site-dc-ashburn"]);
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { objectId: "dataset-web-crawl-2026", action: "dataset.replica.remove" },
    });
    expect((event.after as { replicas: unknown[] }).replicas).toHaveLength(2);
    expect(await errorOf(as(USERS.platform).dataset.removeReplica(input))).toMatchObject({
      code: "NOT_FOUND",
      fields: ["siteId"],
    });
    // The steward's own dataset: removing the copy added earlier leaves the original.
    await as(USERS.steward).dataset.removeReplica({
      datasetId: "dataset-claims-2025",
      siteId: "site-aws-us-east-1",
    });
    expect(await replicaSites("dataset-claims-2025")).toEqual(["site-dc-ashburn"]);
  });

  it("exports the filtered datasets as CSV", async () => {
    const csv = await exportCsv(
      t.db.prisma,
      "datasets",
      new URLSearchParams({ classification: "REGULATED" }),
      USERS.viewer,
    );
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(
      "slug,name,classification,regulations,residency_countries,residency_jurisdictions,on_prem_only,size_bytes,owner_team,replicas,stewards",
    );
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith("claims-2025,"))).toBe(
      `claims-2025,Insurance claims 2025,REGULATED,HIPAA,US,,false,${3_200n * 1024n ** 3n},health-ai,1,1`,
    );
  });
});
