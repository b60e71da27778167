import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUserByIdentity, resolveSsoSignIn, roleFromGroups, ssoConfigFromEnv } from "../src/auth/sso.ts";

const ISSUER = "https://idp.example.com";
const strict = ssoConfigFromEnv({});

describe("SSO settings", () => {
  it("reads trusted domains, JIT provisioning and the group-to-role map from the environment", () => {
    const config = ssoConfigFromEnv({
      OIDC_TRUSTED_DOMAINS: "Corp.example, lab.example",
      OIDC_JIT: "1",
      OIDC_JIT_DEFAULT_ROLE: "ml_engineer",
      OIDC_JIT_ALLOWED_DOMAINS: "corp.example",
      OIDC_GROUP_ROLES: "sw-admins=ADMIN,sw-platform=PLATFORM_ENGINEER",
    });
    expect(config.trustedDomains).toEqual(["corp.example", "lab.example"]);
    expect(config.jit).toMatchObject({
      enabled: true,
      defaultRole: "ML_ENGINEER",
      allowedDomains: ["corp.example"],
    });
    expect(roleFromGroups(config.jit, ["staff", "sw-platform", "sw-admins"])).toBe("ADMIN");
    expect(roleFromGroups(config.jit, ["staff"])).toBe("ML_ENGINEER");
    expect(() => ssoConfigFromEnv({ OIDC_JIT_DEFAULT_ROLE: "OWNER" })).toThrow(/unknown role "OWNER"/);
    expect(() => ssoConfigFromEnv({ OIDC_GROUP_ROLES: "admins" })).toThrow(/group=ROLE/);
  });
});

describe.each(await testDbKinds())("SSO sign-in [%s]", { timeout: 240_000 }, (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await t.db.prisma.user.createMany({
      data: [
        { id: "u1", email: "admin@corp.example", name: "Admin", role: "ADMIN" },
        { id: "u2", email: "eng@corp.example", name: "Eng", role: "ML_ENGINEER" },
        { id: "u3", email: "gone@corp.example", name: "Gone", role: "VIEWER", disabled: true },
        { id: "u4", email: "trusted@lab.example", name: "Lab", role: "VIEWER" },
      ],
    });
  }, 300_000);
  afterAll(() => t.cleanup());

  it("refuses an unverified email, even one that names an existing admin", async () => {
    const result = await resolveSsoSignIn(t.db.prisma, strict, {
      iss: ISSUER,
      sub: "attacker",
      email: "admin@corp.example",
      email_verified: false,
    });
    expect(result).toEqual({ ok: false, reason: "unverified_email" });
    expect(await t.db.prisma.userIdentity.count()).toBe(0);
  });

  it("binds issuer + sub on the first verified sign-in and matches by it afterwards, whatever the email", async () => {
    const first = await resolveSsoSignIn(t.db.prisma, strict, {
      iss: ISSUER,
      sub: "eng-sub",
      email: "ENG@corp.example",
      email_verified: true,
    });
    expect(first).toMatchObject({ ok: true, user: { id: "u2", role: "ML_ENGINEER" } });
    const renamed = await resolveSsoSignIn(t.db.prisma, strict, {
      iss: ISSUER,
      sub: "eng-sub",
      email: "someone-else@other.example",
      email_verified: false,
    });
    expect(renamed).toMatchObject({ ok: true, user: { id: "u2" } });
    expect(await findUserByIdentity(t.db.prisma, ISSUER, "eng-sub")).toMatchObject({
      id: "u2",
      sessionVersion: 0,
    });
  });

  it("refuses another identity of the same issuer that claims an email already bound", async () => {
    const result = await resolveSsoSignIn(t.db.prisma, strict, {
      iss: ISSUER,
      sub: "second-account",
      email: "eng@corp.example",
      email_verified: true,
    });
    expect(result).toEqual({ ok: false, reason: "identity_conflict" });
  });

  it("names each other refusal: no email, no user, disabled account", async () => {
    const sign = (claims: Record<string, unknown>) =>
      resolveSsoSignIn(t.db.prisma, strict, { iss: ISSUER, sub: `s-${Math.random()}`, ...claims });
    expect(await sign({})).toEqual({ ok: false, reason: "missing_email" });
    expect(await sign({ email: "new@corp.example", email_verified: true })).toEqual({
      ok: false,
      reason: "no_user",
    });
    expect(await sign({ email: "gone@corp.example", email_verified: true })).toEqual({
      ok: false,
      reason: "account_disabled",
    });
  });

  it("accepts an email without email_verified when its domain is trusted for this provider", async () => {
    const config = ssoConfigFromEnv({ OIDC_TRUSTED_DOMAINS: "lab.example" });
    expect(
      await resolveSsoSignIn(t.db.prisma, config, {
        iss: ISSUER,
        sub: "lab-sub",
        email: "trusted@lab.example",
      }),
    ).toMatchObject({ ok: true, user: { id: "u4" } });
  });

  it("provisions a verified user just in time, in an allowed domain, with the role of their groups", async () => {
    const config = ssoConfigFromEnv({
      OIDC_JIT: "1",
      OIDC_JIT_ALLOWED_DOMAINS: "corp.example",
      OIDC_GROUP_ROLES: "sw-platform=PLATFORM_ENGINEER",
    });
    const created = await resolveSsoSignIn(t.db.prisma, config, {
      iss: ISSUER,
      sub: "new-sub",
      email: "new@corp.example",
      email_verified: true,
      name: "New Person",
      groups: ["staff", "sw-platform"],
    });
    expect(created).toMatchObject({
      ok: true,
      created: true,
      user: { email: "new@corp.example", name: "New Person", role: "PLATFORM_ENGINEER" },
    });
    expect(
      await resolveSsoSignIn(t.db.prisma, config, {
        iss: ISSUER,
        sub: "outsider",
        email: "someone@elsewhere.example",
        email_verified: true,
      }),
    ).toEqual({ ok: false, reason: "domain_not_allowed" });
    const audit = await t.db.prisma.auditEvent.findMany({ where: { action: "user.provisioned" } });
    expect(audit).toHaveLength(1);
  });

  it("signs out a bound identity whose user is disabled", async () => {
    await t.db.prisma.user.update({ where: { id: "u2" }, data: { disabled: true } });
    expect(
      await resolveSsoSignIn(t.db.prisma, strict, { iss: ISSUER, sub: "eng-sub", email: "eng@corp.example" }),
    ).toEqual({ ok: false, reason: "account_disabled" });
    expect(await findUserByIdentity(t.db.prisma, ISSUER, "eng-sub")).toBeNull();
  });
});
