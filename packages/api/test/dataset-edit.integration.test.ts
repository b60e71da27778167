import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import type { TCreateDatasetInput } from "../src/router/dataset/dataset-form.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

const NEW: TCreateDatasetInput = {
  slug: "support-tickets",
  name: "Support tickets",
  description: "Tickets for the triage model.",
  sizeGb: 120.5,
  classification: "CONFIDENTIAL",
  regulations: ["GDPR"],
  residencyCountries: [],
  residencyJurisdictions: ["EU"],
  onPremOnly: false,
  ownerTeamId: "team-applied-ml",
  stewardIds: [],
  replicaSiteIds: ["site-dc-frankfurt", "site-dc-stockholm"],
};

describeEachDb("datasets: create and edit", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  let serial = 0;
  const fresh = (extra: Partial<TCreateDatasetInput> = {}) => {
    serial += 1;
    return { ...NEW, slug: `${NEW.slug}-${serial}`, ...extra };
  };
  const fieldsOf = async (id: string) => {
    const d = await as(USERS.admin).dataset.byId({ id });
    return {
      name: d.name,
      description: d.description,
      sizeGb: Number(d.sizeBytes) / 1e9,
      classification: d.classification,
      regulations: d.regulations,
      residencyCountries: d.residencyCountries,
      residencyJurisdictions: d.residencyJurisdictions,
      onPremOnly: d.onPremOnly,
      ownerTeamId: d.ownerTeam.id,
      stewardIds: d.stewards.map((s) => s.id),
    };
  };

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("a steward registers a dataset with its copies and stewards it; the change is audited", async () => {
    const created = await as(USERS.steward).dataset.create(fresh());
    const dataset = await as(USERS.viewer).dataset.byId({ id: created.id });
    expect(dataset).toMatchObject({
      classification: "CONFIDENTIAL",
      sizeBytes: 120_500_000_000n,
      residencyJurisdictions: ["EU"],
      stewards: [{ id: USERS.steward.id }],
    });
    expect(dataset.replicas.map((r) => r.site.slug).sort()).toEqual(["dc-frankfurt", "dc-stockholm"]);
    expect(dataset.replicas.every((r) => r.sizeBytes === 120_500_000_000n)).toBe(true);
    expect(await auditCount(t.db, created.id, "dataset.create")).toBe(1);
  });

  it("refuses bad fields, naming each, and writes nothing", async () => {
    const before = await t.db.prisma.dataset.count();
    const bad = await errorOf(
      as(USERS.admin).dataset.create({
        ...fresh(),
        slug: "Not A Slug",
        sizeGb: 0,
        residencyCountries: ["Germany"],
        classification: "REGULATED",
        regulations: [],
        replicaSiteIds: [],
      }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.fields).toEqual([
      "regulations",
      "replicaSiteIds",
      "residencyCountries.0",
      "sizeGb",
      "slug",
      "stewardIds",
    ]);
    // Residency the initial copy breaks; a slug taken; an unknown team; a steward who is not one.
    expect(
      await errorOf(as(USERS.admin).dataset.create(fresh({ replicaSiteIds: ["site-dc-ashburn"] }))),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["replicaSiteIds"] });
    expect(await errorOf(as(USERS.admin).dataset.create({ ...NEW, slug: "claims-2025" }))).toMatchObject({
      code: "CONFLICT",
      fields: ["slug"],
    });
    expect(
      await errorOf(as(USERS.admin).dataset.create(fresh({ ownerTeamId: "team-nowhere" }))),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["ownerTeamId"] });
    expect(
      await errorOf(as(USERS.admin).dataset.create(fresh({ stewardIds: [USERS.engineer.id] }))),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["stewardIds"] });
    expect(await t.db.prisma.dataset.count()).toBe(before);
  });

  it("an edit changes every field, resizes the copies, and is audited with before and after", async () => {
    const { id } = await as(USERS.admin).dataset.create(fresh());
    const data = {
      name: "Support tickets (regulated)",
      description: "Names in them now.",
      sizeGb: 200,
      classification: "REGULATED" as const,
      regulations: ["GDPR", "NIS2"],
      residencyCountries: ["DE", "SE"],
      residencyJurisdictions: ["EU"],
      onPremOnly: true,
      ownerTeamId: "team-health-ai",
      stewardIds: [USERS.steward.id],
    };
    await as(USERS.platform).dataset.update({ id, data });
    expect(await fieldsOf(id)).toEqual(data);
    const replicas = await t.db.prisma.datasetReplica.findMany({ where: { datasetId: id } });
    expect(replicas.map((r) => r.sizeBytes)).toEqual([200_000_000_000n, 200_000_000_000n]);
    const event = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { objectId: id, action: "dataset.update" },
    });
    expect(event.before).toMatchObject({ classification: "CONFIDENTIAL", stewards: [] });
    expect(event.after).toMatchObject({ classification: "REGULATED", stewards: [USERS.steward.id] });
  });

  it("refuses a residency rule an existing copy breaks, naming the rule's field and the copy", async () => {
    const { id } = await as(USERS.admin).dataset.create(fresh());
    const current = await fieldsOf(id);
    // Copies at dc-frankfurt (DE, EU) and dc-stockholm (SE, EU); the first copy a rule breaks is named.
    const changes: [Partial<typeof current>, string, string][] = [
      [{ residencyCountries: ["DE"] }, "residencyCountries", "dc-stockholm"],
      [{ residencyJurisdictions: ["US"] }, "residencyJurisdictions", "dc-frankfurt"],
      [{ onPremOnly: true, residencyCountries: ["SE"] }, "residencyCountries", "dc-frankfurt"],
    ];
    for (const [change, field, site] of changes) {
      const error = await errorOf(as(USERS.admin).dataset.update({ id, data: { ...current, ...change } }));
      expect(error).toMatchObject({ code: "BAD_REQUEST", fields: [field] });
      expect(error.message).toContain(`stored at ${site}`);
    }
    expect(await fieldsOf(id)).toEqual(current);
  });

  it("a steward edits only what they steward and cannot remove themselves; others may not edit", async () => {
    const { id } = await as(USERS.steward).dataset.create(fresh());
    const current = await fieldsOf(id);
    await as(USERS.steward).dataset.update({ id, data: { ...current, description: "by the steward" } });
    expect(
      await errorOf(as(USERS.steward).dataset.update({ id, data: { ...current, stewardIds: [] } })),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["stewardIds"] });
    const notTheirs = await as(USERS.admin).dataset.create(fresh());
    expect(
      (
        await errorOf(
          as(USERS.steward).dataset.update({ id: notTheirs.id, data: await fieldsOf(notTheirs.id) }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await errorOf(as(USERS.engineer).dataset.update({ id, data: current }))).code).toBe("FORBIDDEN");
    expect((await errorOf(as(USERS.engineer).dataset.create(fresh()))).code).toBe("FORBIDDEN");
  });
});
