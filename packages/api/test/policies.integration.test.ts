import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { enabledPolicies } from "../src/governance/current-policies.ts";
import { appRouter } from "../src/root.ts";
import type { TUpdatePolicyInput } from "../src/router/policy/policy.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

/** The seeded spend rule at version 1, as an edit form would send it back. */
const SPEND_V1: TUpdatePolicyInput = {
  key: "spend-over-25k",
  baseVersion: 1,
  name: "Spend over $25,000",
  description: "An estimated spend above $25,000 needs a platform engineer.",
  kind: "SPEND_THRESHOLD",
  enabled: true,
  approverKind: "ROLE",
  approverRole: "PLATFORM_ENGINEER",
  requiredApprovals: 1,
  thresholdUsd: 25_000,
  stepOrder: 30,
  expiresAfterHours: 72,
};

const NEW_RULE = {
  key: "gdpr-data-two-stewards",
  name: "GDPR data needs two stewards",
  description: "",
  kind: "REGULATED_DATA" as const,
  enabled: true,
  approverKind: "DATASET_STEWARDS" as const,
  approverRole: null,
  requiredApprovals: 2,
  thresholdUsd: null,
  stepOrder: 15,
  expiresAfterHours: 48,
};

describeEachDb("policy rules", (kind) => {
  let t: TTestDb;
  const as = (u: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user: u }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("pages the rules in step order with limit and cursor", async () => {
    const first = await as(USERS.viewer).policy.list({ limit: 3 });
    expect(first).toMatchObject({ total: 5, pages: 2 });
    expect(first.rows.map((r) => r.key)).toEqual(["regulated-data", "cross-border-copy", "spend-over-25k"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await as(USERS.viewer).policy.list({ limit: 3, cursor: first.nextCursor ?? undefined });
    expect(second.rows.map((r) => r.key)).toEqual(["placement-override", "model-declassification"]);
    expect(second.nextCursor).toBeNull();
  });

  it("lists the rules in force with their authors, for every signed-in role", async () => {
    const { rows: rules } = await as(USERS.viewer).policy.list();
    expect(rules.map((r) => `${r.key} v${r.version}`)).toEqual([
      "regulated-data v1",
      "cross-border-copy v1",
      "spend-over-25k v1",
      "placement-override v1",
      "model-declassification v1",
    ]);
    expect(rules.find((r) => r.key === "spend-over-25k")).toMatchObject({
      thresholdUsd: 25_000,
      approverRole: "PLATFORM_ENGINEER",
      createdBy: { email: "admin@switchyard.demo" },
      pendingStepsOnOlderVersions: 0,
    });
  });

  it("saves an edit as version 2, leaving version 1 as it was, and audits it", async () => {
    const v1Before = await t.db.prisma.policy.findUniqueOrThrow({
      where: { key_version: { key: "spend-over-25k", version: 1 } },
    });
    const saved = await as(USERS.admin).policy.update({ ...SPEND_V1, thresholdUsd: 30_000.5 });
    expect(saved).toMatchObject({ key: "spend-over-25k", version: 2 });

    const v1After = await t.db.prisma.policy.findUniqueOrThrow({
      where: { key_version: { key: "spend-over-25k", version: 1 } },
    });
    expect(v1After).toEqual(v1Before);
    const current = (await as(USERS.engineer).policy.list()).rows.find((r) => r.key === "spend-over-25k");
    expect(current).toMatchObject({ version: 2, thresholdUsd: 30_000.5, createdBy: { name: "Ada Admin" } });

    const history = await as(USERS.viewer).policy.history({ key: "spend-over-25k" });
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(history.versions[0]?.changes).toEqual([
      { field: "thresholdUsd", before: 25_000, after: 30_000.5 },
    ]);
    expect(history.versions[1]?.changes).toBeNull();

    const events = await t.db.prisma.auditEvent.findMany({ where: { action: "policy.update" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      objectType: "Policy",
      objectId: "spend-over-25k",
      actorLabel: "admin@switchyard.demo",
      before: { version: 1, thresholdUsd: 25_000 },
      after: { version: 2, thresholdUsd: 30_000.5 },
    });
    expect(await as(USERS.admin).audit.verify()).toMatchObject({ ok: true });
  });

  it("refuses an edit of a version that is no longer current, and writes nothing", async () => {
    const before = await t.db.prisma.policy.count();
    expect(await errorOf(as(USERS.admin).policy.update({ ...SPEND_V1, thresholdUsd: 40_000 }))).toMatchObject(
      {
        code: "CONFLICT",
        fields: ["baseVersion"],
        message: expect.stringContaining("version 2 is current, you edited version 1"),
      },
    );
    expect(await t.db.prisma.policy.count()).toBe(before);
  });

  it("refuses an edit that changes nothing", async () => {
    const error = await errorOf(
      as(USERS.admin).policy.update({ ...SPEND_V1, baseVersion: 2, thresholdUsd: 30_000.5 }),
    );
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      message: "Nothing changed: this is the same rule as version 2.",
    });
  });

  it("lets two admins race for the same version: one edit wins, the other is a conflict", async () => {
    const results = await Promise.allSettled([
      as(USERS.admin).policy.update({ ...SPEND_V1, baseVersion: 2, requiredApprovals: 2 }),
      as(USERS.admin).policy.update({ ...SPEND_V1, baseVersion: 2, requiredApprovals: 3 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: "CONFLICT" });
    expect(await t.db.prisma.policy.count({ where: { key: "spend-over-25k" } })).toBe(3);
  });

  it("disables a rule with a new version, and placement stops seeing it", async () => {
    const current = (await as(USERS.admin).policy.list()).rows.find((r) => r.key === "placement-override");
    if (!current) throw new Error("seeded rule missing");
    const {
      id: _id,
      version,
      createdAt: _c,
      createdBy: _b,
      pendingStepsOnOlderVersions: _p,
      ...rule
    } = current;
    await as(USERS.admin).policy.update({ ...rule, baseVersion: version, enabled: false });
    const history = await as(USERS.admin).policy.history({ key: "placement-override" });
    expect(history.versions[0]).toMatchObject({
      version: 2,
      enabled: false,
      changes: [{ field: "enabled", before: true, after: false }],
    });
    expect((await enabledPolicies(t.db.prisma)).map((p) => p.key)).not.toContain("placement-override");
  });

  it("creates a new rule at version 1, audited, and refuses its key twice", async () => {
    expect(await as(USERS.admin).policy.create(NEW_RULE)).toMatchObject({ version: 1 });
    expect(
      await t.db.prisma.auditEvent.count({ where: { action: "policy.create", objectId: NEW_RULE.key } }),
    ).toBe(1);
    expect(await errorOf(as(USERS.admin).policy.create(NEW_RULE))).toMatchObject({
      code: "CONFLICT",
      fields: ["key"],
    });
  });

  it("counts approval steps still waiting under an older version of a rule", async () => {
    const request = await t.db.prisma.approvalRequest.create({
      data: {
        kind: "WORKLOAD_PLACEMENT",
        workloadId: "workload-eu-support-ft",
        requestedById: "user-engineer",
        summary: "test request under spend v1",
        expiresAt: new Date(Date.now() + 3_600_000),
        steps: {
          create: {
            order: 0,
            policyId: "policy-spend-over-25k-v1",
            approverKind: "ROLE",
            approverRole: "PLATFORM_ENGINEER",
            requiredApprovals: 1,
          },
        },
      },
    });
    const { rows: rules } = await as(USERS.viewer).policy.list();
    expect(rules.find((r) => r.key === "spend-over-25k")?.pendingStepsOnOlderVersions).toBe(1);
    expect(rules.find((r) => r.key === "regulated-data")?.pendingStepsOnOlderVersions).toBe(0);
    await t.db.prisma.approvalRequest.delete({ where: { id: request.id } });
  });

  it.each([
    ["key", { key: "Not A Slug" }],
    ["name", { name: "  " }],
    ["thresholdUsd", { thresholdUsd: null }],
    ["thresholdUsd", { thresholdUsd: 0 }],
    ["thresholdUsd", { thresholdUsd: 10.001 }],
    ["thresholdUsd", { kind: "PLACEMENT_OVERRIDE", thresholdUsd: 5 }],
    ["approverRole", { approverRole: null }],
    ["approverRole", { approverKind: "DATASET_STEWARDS", kind: "REGULATED_DATA", thresholdUsd: null }],
    ["approverKind", { approverKind: "DATASET_STEWARDS", approverRole: null }],
    ["requiredApprovals", { requiredApprovals: 0 }],
    ["requiredApprovals", { requiredApprovals: 6 }],
    ["expiresAfterHours", { expiresAfterHours: 0 }],
    ["expiresAfterHours", { expiresAfterHours: 721 }],
    ["stepOrder", { stepOrder: -1 }],
    ["stepOrder", { stepOrder: 1_001 }],
  ])("names the field %s when it is invalid (%j)", async (field, change) => {
    const { baseVersion: _v, ...rule } = SPEND_V1;
    const error = await errorOf(
      as(USERS.admin).policy.create({ ...rule, key: "new-spend-rule", ...change } as typeof NEW_RULE),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", fields: [field] });
  });

  it("refuses to change what a rule is about", async () => {
    const error = await errorOf(
      as(USERS.admin).policy.update({
        ...SPEND_V1,
        baseVersion: 3,
        kind: "PLACEMENT_OVERRIDE",
        thresholdUsd: null,
      }),
    );
    expect(error).toMatchObject({ code: "BAD_REQUEST", fields: ["kind"] });
  });

  it("lets only admins write rules", async () => {
    for (const user of [USERS.platform, USERS.steward, USERS.engineer, USERS.viewer]) {
      expect((await errorOf(as(user).policy.update({ ...SPEND_V1, baseVersion: 3 }))).code).toBe("FORBIDDEN");
      expect((await errorOf(as(user).policy.create({ ...NEW_RULE, key: "sneaky-rule" }))).code).toBe(
        "FORBIDDEN",
      );
    }
    expect(await t.db.prisma.policy.count({ where: { key: "sneaky-rule" } })).toBe(0);
  });

  it("reports an unknown rule as not found", async () => {
    expect((await errorOf(as(USERS.viewer).policy.history({ key: "no-such-rule" }))).code).toBe("NOT_FOUND");
    expect((await errorOf(as(USERS.admin).policy.update({ ...SPEND_V1, key: "no-such-rule" }))).code).toBe(
      "NOT_FOUND",
    );
  });
});
