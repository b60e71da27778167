import { createHash } from "node:crypto";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser, TTokenScope } from "../src/auth/session.ts";
import { resolveSsoSignIn, ssoConfigFromEnv } from "../src/auth/sso.ts";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

let drafts = 0;
/** A draft with a name of its own each time: a team has one active workload per name. */
const draft = () => ({
  spec: {
    name: `token-draft-${++drafts}`,
    kind: "BATCH_INFERENCE" as const,
    teamId: "team-applied-ml",
    gpu: { count: 1 },
    gpuModels: ["L4"],
    estimatedHours: 1,
  },
  asDraft: true,
});

describe.each(await testDbKinds())("API tokens [%s]", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  const resolve = (token: string, options: { ip?: string; now?: Date } = {}) =>
    resolveApiToken(t.db.prisma, token, options);
  const tokenFor = async (
    owner: TSessionUser,
    scopes: TTokenScope[],
    extra: { teamId?: string | null; expiresInDays?: number | null } = {},
  ) => {
    const created = await as(owner).token.create({ name: `t-${scopes.join("-")}`, scopes, ...extra });
    return created;
  };
  const withToken = async (token: string) => as(await resolve(token));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("shows the secret once as sy_ + 43 base62 characters and stores only its sha256", async () => {
    const { token, secret } = await tokenFor(USERS.engineer, ["read"]);
    expect(secret).toMatch(/^sy_[0-9A-Za-z]{43}$/);
    expect(token.prefix).toBe(secret.slice(0, 11));
    expect(token.status).toBe("ACTIVE");
    expect(token).not.toHaveProperty("secret");
    const row = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret.slice(3));
    // 90 days by default.
    expect(Math.round(((row.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000)).toBe(90);
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { objectId: token.id } });
    expect(audit).toMatchObject({ action: "apiToken.create", actorId: USERS.engineer.id });
    expect(JSON.stringify(audit.after)).not.toContain(secret.slice(3));
    // Lists show it with prefix and scopes, never the secret.
    const listed = await as(USERS.engineer).token.list({});
    expect(listed.rows.map((l) => l.id)).toContain(token.id);
    expect(listed.nextCursor).toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret.slice(3));
  });

  it("reads the Authorization header strictly", () => {
    expect(bearerTokenOf(null)).toBeNull();
    expect(bearerTokenOf("Bearer sy_abc")).toBe("sy_abc");
    expect(() => bearerTokenOf("Basic dXNlcjpwYXNz")).toThrow(/Bearer/);
  });

  it("answers unknown, malformed, revoked and expired tokens with UNAUTHORIZED", async () => {
    await expect(resolve("not-a-token")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(resolve(`sy_${"A".repeat(43)}`)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      userMessage: "This API token is not valid.",
    });
    const { token, secret } = await tokenFor(USERS.engineer, ["read"], { expiresInDays: 1 });
    await expect(resolve(secret, { now: new Date(Date.now() + 2 * 86_400_000) })).rejects.toMatchObject({
      userMessage: "This API token has expired.",
    });
    // To the millisecond, as the database stores it: valid until its expiry, not at it.
    const { expiresAt } = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    if (!expiresAt) throw new Error("the token was created with an expiry");
    await expect(resolve(secret, { now: new Date(expiresAt.getTime() - 1) })).resolves.toMatchObject({
      id: USERS.engineer.id,
      role: USERS.engineer.role,
      token: { id: token.id, scopes: ["read"] },
    });
    await expect(resolve(secret, { now: expiresAt })).rejects.toMatchObject({
      userMessage: "This API token has expired.",
    });
    await as(USERS.engineer).token.revoke({ id: token.id });
    await expect(resolve(secret)).rejects.toMatchObject({ userMessage: "This API token has been revoked." });
    expect(
      await t.db.prisma.auditEvent.count({ where: { objectId: token.id, action: "apiToken.revoke" } }),
    ).toBe(1);
    // Nobody else revokes it (not found to them), an admin may.
    const other = await tokenFor(USERS.engineer, ["read"]);
    expect((await errorOf(as(USERS.viewer).token.revoke({ id: other.token.id }))).code).toBe("NOT_FOUND");
    expect((await as(USERS.admin).token.revoke({ id: other.token.id })).status).toBe("REVOKED");
  });

  it("enforces scopes: read for queries, write for mutations, approve for decisions, admin for admin-only", async () => {
    const reader = await withToken((await tokenFor(USERS.engineer, ["read"])).secret);
    await expect(reader.workload.list({})).resolves.toBeTruthy();
    const denied = await errorOf(reader.workload.submit(draft()));
    expect(denied.code).toBe("FORBIDDEN");
    expect(denied.message).toContain('"write" scope');

    const writer = await withToken((await tokenFor(USERS.engineer, ["write"])).secret);
    expect((await errorOf(writer.workload.list({}))).message).toContain('"read" scope');
    await expect(writer.workload.submit(draft())).resolves.toMatchObject({ created: true });

    const stewardRW = await withToken((await tokenFor(USERS.steward, ["read", "write"])).secret);
    const decide = await errorOf(stewardRW.approval.decide({ id: "approval-nowhere", verdict: "APPROVE" }));
    expect(decide).toMatchObject({ code: "FORBIDDEN" });
    expect(decide.message).toContain('"approve" scope');
    const stewardApprove = await withToken((await tokenFor(USERS.steward, ["approve"])).secret);
    expect(
      (await errorOf(stewardApprove.approval.decide({ id: "approval-nowhere", verdict: "APPROVE" }))).code,
    ).toBe("NOT_FOUND");

    const adminNoAdmin = await withToken((await tokenFor(USERS.admin, ["read", "write"])).secret);
    expect((await errorOf(adminNoAdmin.webhook.list())).message).toContain('"admin" scope');
    const adminAdmin = await withToken((await tokenFor(USERS.admin, ["admin"])).secret);
    await expect(adminAdmin.webhook.list()).resolves.toHaveProperty("rows");
  });

  it("acts with the intersection of scopes and the owner's CURRENT role; a disabled owner is refused at once", async () => {
    // A viewer's write token still cannot submit: the role decides.
    const viewerWrite = (await tokenFor(USERS.viewer, ["read", "write"])).secret;
    expect((await errorOf((await withToken(viewerWrite)).workload.submit(draft()))).code).toBe("FORBIDDEN");
    // Promote the viewer in the database: the same token now submits (role read fresh).
    await t.db.prisma.user.update({ where: { id: USERS.viewer.id }, data: { role: "PLATFORM_ENGINEER" } });
    await expect((await withToken(viewerWrite)).workload.submit(draft())).resolves.toBeTruthy();
    await t.db.prisma.user.update({ where: { id: USERS.viewer.id }, data: { role: "VIEWER" } });
    expect((await resolve(viewerWrite)).role).toBe("VIEWER");
    // Disabled: refused with the next request.
    await t.db.prisma.user.update({ where: { id: USERS.viewer.id }, data: { disabled: true } });
    await expect(resolve(viewerWrite)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      userMessage: "The account this API token belongs to is disabled.",
    });
    await t.db.prisma.user.update({ where: { id: USERS.viewer.id }, data: { disabled: false } });
  });

  it("narrows a token restricted to one team to that team's work", async () => {
    const { secret } = await tokenFor(USERS.engineer, ["read", "write"], { teamId: "team-health-ai" });
    const api = await withToken(secret);
    const listed = await api.workload.list({ pageSize: 200 });
    expect(listed.rows.length).toBeGreaterThan(0);
    expect(new Set(listed.rows.map((w) => w.team.id))).toEqual(new Set(["team-health-ai"]));
    // Applied ML is the engineer's team too, but not this token's.
    expect((await errorOf(api.workload.submit(draft()))).code).toBe("FORBIDDEN");
    // An admin's token restricted to a team is narrowed the same way.
    const admin = await withToken(
      (await tokenFor(USERS.admin, ["read"], { teamId: "team-health-ai" })).secret,
    );
    const adminRows = (await admin.workload.list({ pageSize: 200 })).rows;
    expect(new Set(adminRows.map((w) => w.team.id))).toEqual(new Set(["team-health-ai"]));
    // A team the owner is not in cannot be chosen.
    const refused = await errorOf(
      as(USERS.engineer).token.create({ name: "x1", scopes: ["read"], teamId: "team-vision-edge" }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", fields: ["teamId"] });
  });

  it("refuses the admin scope to non-admins and token-made tokens", async () => {
    expect(await errorOf(as(USERS.engineer).token.create({ name: "x2", scopes: ["admin"] }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["scopes"],
    });
    expect((await errorOf(as(USERS.engineer).token.create({ name: "x3", scopes: [] }))).fields).toEqual([
      "scopes",
    ]);
    expect(
      (await errorOf(as(USERS.engineer).token.create({ name: "x4", scopes: ["read"], extra: 1 } as never)))
        .code,
    ).toBe("BAD_REQUEST");
    const api = await withToken((await tokenFor(USERS.engineer, ["read", "write"])).secret);
    const error = await errorOf(api.token.create({ name: "from-token", scopes: ["read"] }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain("signed-in session");
  });

  it("lets a read token ask for dry runs (a recommendation), which change nothing and are not audited as uses", async () => {
    const { token, secret } = await tokenFor(USERS.engineer, ["read"]);
    const reader = await withToken(secret);
    const answer = await reader.workload.preview(draft().spec);
    expect(answer.feasible).toBe(true);
    const batch = await reader.workload.batchRecommend({ specs: [draft().spec] });
    expect(batch.placements).toHaveLength(1);
    expect(
      await t.db.prisma.auditEvent.count({ where: { objectId: token.id, action: "apiToken.use" } }),
    ).toBe(0);
    // A change still needs the write scope.
    expect(await errorOf(reader.workload.submit(draft()))).toMatchObject({ code: "FORBIDDEN" });
  });

  it("audits every mutation made with a token and records the last use", async () => {
    const { token, secret } = await tokenFor(USERS.engineer, ["read", "write"]);
    const before = await t.db.prisma.auditEvent.count({
      where: { objectId: token.id, action: "apiToken.use" },
    });
    const user = await resolve(secret, { ip: "203.0.113.7" });
    await as(user).workload.submit(draft());
    await as(user).workload.list({});
    const uses = await t.db.prisma.auditEvent.findMany({
      where: { objectId: token.id, action: "apiToken.use" },
    });
    expect(uses.length - before).toBe(1);
    expect(uses.at(-1)).toMatchObject({
      actorId: USERS.engineer.id,
      after: { procedure: "workload.submit" },
    });
    const row = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.lastUsedIp).toBe("203.0.113.7");
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  it("records a token's use in the transaction of the change it made; a mutation that wrote nothing audited records it on its own", async () => {
    const { token, secret } = await tokenFor(USERS.engineer, ["read", "write"]);
    const user = await resolve(secret);
    const uses = () =>
      t.db.prisma.auditEvent.count({ where: { objectId: token.id, action: "apiToken.use" } });
    const lastUse = () =>
      t.db.prisma.auditEvent.findFirstOrThrow({
        where: { objectId: token.id, action: "apiToken.use" },
        orderBy: { seq: "desc" },
      });

    const submission = { ...draft(), clientKey: `token-use-${drafts}` };
    const { id } = await as(user).workload.submit(submission);
    const submitted = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { objectId: id, action: "workload.submit" },
    });
    const use = await lastUse();
    // One append: the same request and time, right after the change's own events.
    expect(use).toMatchObject({ requestId: submitted.requestId, createdAt: submitted.createdAt });
    expect(use.seq).toBeGreaterThan(submitted.seq);
    expect(await uses()).toBe(1);

    // Refused inside its transaction (the name is taken): nothing changed, no use recorded.
    const taken = await errorOf(as(user).workload.submit({ ...draft(), spec: submission.spec }));
    expect(taken.code).toBe("CONFLICT");
    expect(await uses()).toBe(1);

    // The same client key again: answered from what exists, no transaction; the use on its own.
    expect(await as(user).workload.submit(submission)).toEqual({ id, created: false });
    expect(await uses()).toBe(2);
    expect((await lastUse()).seq).toBeGreaterThan(use.seq);
  });

  it("lets admins create service accounts with a role, their tokens, and disable them", async () => {
    expect((await errorOf(as(USERS.platform).token.serviceAccounts())).code).toBe("FORBIDDEN");
    const account = await as(USERS.admin).token.createServiceAccount({
      name: "CI pipeline",
      role: "ML_ENGINEER",
      teamIds: ["team-applied-ml"],
    });
    expect(account.email).toBe("ci-pipeline@service.switchyard.invalid");
    expect(
      (await errorOf(as(USERS.admin).token.createServiceAccount({ name: "CI pipeline", role: "VIEWER" })))
        .code,
    ).toBe("CONFLICT");
    // Non-admins cannot mint tokens for it.
    expect(
      (
        await errorOf(
          as(USERS.platform).token.create({ name: "sa", scopes: ["read"], serviceAccountId: account.id }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const { token, secret } = await as(USERS.admin).token.create({
      name: "ci",
      scopes: ["read", "write"],
      serviceAccountId: account.id,
    });
    expect(token).toMatchObject({ kind: "SERVICE", user: { id: account.id } });
    const api = await withToken(secret);
    const submitted = await api.workload.submit({ ...draft(), spec: { ...draft().spec, name: "from-ci" } });
    const workload = await t.db.prisma.workload.findUniqueOrThrow({ where: { id: submitted.id } });
    expect(workload).toMatchObject({ state: "DRAFT", submittedById: account.id });
    expect((await as(USERS.admin).token.serviceAccounts()).find((a) => a.id === account.id)).toMatchObject({
      activeTokens: 1,
      role: "ML_ENGINEER",
      teams: [{ id: "team-applied-ml" }],
    });
    expect((await as(USERS.admin).token.list({ owner: "all" })).rows.map((l) => l.id)).toContain(token.id);
    // A service account never signs in.
    expect(
      await resolveSsoSignIn(t.db.prisma, ssoConfigFromEnv({}), {
        iss: "https://idp.example",
        sub: "service-account",
        email: account.email,
        email_verified: true,
      }),
    ).toMatchObject({ ok: false, reason: "account_disabled" });
    await as(USERS.admin).token.setServiceAccountDisabled({ id: account.id, disabled: true });
    await expect(resolve(secret)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("binds agent tokens to one site and keeps them off every other procedure", async () => {
    expect(
      (await errorOf(as(USERS.engineer).token.createAgent({ name: "agent", siteId: "site-dc-ashburn" })))
        .code,
    ).toBe("FORBIDDEN");
    expect(
      (await errorOf(as(USERS.platform).token.createAgent({ name: "agent", siteId: "site-nowhere" }))).fields,
    ).toEqual(["siteId"]);
    const { token, secret } = await as(USERS.platform).token.createAgent({
      name: "agent",
      siteId: "site-dc-ashburn",
    });
    expect(token).toMatchObject({ kind: "AGENT", scopes: [], site: { id: "site-dc-ashburn" } });
    const agent = await resolve(secret);
    expect(agent.token).toMatchObject({ kind: "AGENT", siteId: "site-dc-ashburn" });
    const api = as(agent);
    for (const call of [api.site.list({}), api.node.list({}), api.workload.submit(draft()), api.me.get()]) {
      const error = await errorOf(call);
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toContain("agent token");
    }
  });

  it("refuses anonymous callers", async () => {
    expect((await errorOf(as(null).token.list({}))).code).toBe("UNAUTHORIZED");
  });
});
