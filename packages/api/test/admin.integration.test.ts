import { verifyPassword } from "@switchyard/db";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdmin, SET_PASSWORD_TTL_MS, setPasswordWithToken } from "../src/auth/admin.ts";
import { signInWithPassword } from "../src/auth/sign-in.ts";

describe.each(await testDbKinds())("the first admin [%s]", { timeout: 240_000 }, (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  }, 300_000);
  afterAll(() => t.cleanup());

  it("creates an admin on an empty database with a one-time link that sets the password once", async () => {
    const now = new Date();
    const admin = await createAdmin(t.db.prisma, { email: " Root@Example.com ", onlyIfNoUsers: true }, now);
    expect(admin).toMatchObject({ email: "root@example.com", created: true });
    // Only the token's hash is stored.
    const stored = await t.db.prisma.setPasswordToken.findFirstOrThrow();
    expect(stored.tokenHash).not.toContain(admin?.token ?? "x");
    // A second start does nothing: the database has users now.
    expect(await createAdmin(t.db.prisma, { email: "other@example.com", onlyIfNoUsers: true })).toBeNull();

    await expect(
      setPasswordWithToken(t.db.prisma, { token: admin?.token ?? "", password: "short" }),
    ).rejects.toMatchObject({ field: "password" });
    const results = await Promise.allSettled(
      [1, 2, 3].map(() =>
        setPasswordWithToken(t.db.prisma, { token: admin?.token ?? "", password: "a long enough password" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(user.role).toBe("ADMIN");
    expect(await verifyPassword("a long enough password", user.passwordHash ?? "")).toBe(true);
    await expect(
      signInWithPassword(t.db.prisma, { email: "root@example.com", password: "a long enough password" }),
    ).resolves.toMatchObject({ role: "ADMIN" });
  });

  it("refuses unknown and expired tokens, and promotes an existing user with a fresh link", async () => {
    await expect(
      setPasswordWithToken(t.db.prisma, { token: "not-a-token", password: "a long enough password" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", field: "token" });
    await t.db.prisma.user.create({
      data: { id: "v1", email: "viewer@example.com", name: "V", role: "VIEWER" },
    });
    const issued = new Date(Date.now() - SET_PASSWORD_TTL_MS - 1_000);
    const promoted = await createAdmin(t.db.prisma, { email: "viewer@example.com" }, issued);
    expect(promoted).toMatchObject({ created: false });
    const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: "v1" } });
    expect(row).toMatchObject({ role: "ADMIN", sessionVersion: 1 });
    await expect(
      setPasswordWithToken(t.db.prisma, { token: promoted?.token ?? "", password: "a long enough password" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createAdmin(t.db.prisma, { email: "not an email" })).rejects.toMatchObject({
      field: "email",
    });
  });
});
