import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endSessions, resolveSessionUser, setUserDisabled, setUserRole } from "../src/auth/users.ts";

describe.each(await testDbKinds())(
  "sessions checked against the user row [%s]",
  { timeout: 240_000 },
  (kind) => {
    let t: TTestDb;
    const admin = { id: "a1", email: "admin@example.com" };
    beforeAll(async () => {
      t = await createTestDb(kind);
      await t.db.prisma.user.createMany({
        data: [
          { id: "a1", email: "admin@example.com", name: "Admin", role: "ADMIN" },
          { id: "u1", email: "ops@example.com", name: "Ops", role: "ADMIN" },
          { id: "u2", email: "viewer@example.com", name: "Viewer", role: "VIEWER" },
        ],
      });
    }, 300_000);
    afterAll(() => t.cleanup());

    it("reads the role from the row and refuses a token of another session version", async () => {
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 0 })).toEqual({
        id: "u2",
        email: "viewer@example.com",
        name: "Viewer",
        role: "VIEWER",
      });
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 1 })).toBeNull();
      expect(await resolveSessionUser(t.db.prisma, { uid: "missing", sv: 0 })).toBeNull();
    });

    it("sign-out ends the session: the same token is refused afterwards, and a stale token changes nothing", async () => {
      await endSessions(t.db.prisma, { uid: "u2", sv: 0 });
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 0 })).toBeNull();
      await endSessions(t.db.prisma, { uid: "u2", sv: 0 });
      const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: "u2" } });
      expect(row.sessionVersion).toBe(1);
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 1 })).toMatchObject({ role: "VIEWER" });
    });

    it("a role change ends the user's sessions and is audited", async () => {
      expect(await resolveSessionUser(t.db.prisma, { uid: "u1", sv: 0 })).toMatchObject({ role: "ADMIN" });
      await setUserRole(t.db.prisma, admin, "u1", "VIEWER");
      expect(await resolveSessionUser(t.db.prisma, { uid: "u1", sv: 0 })).toBeNull();
      expect(await resolveSessionUser(t.db.prisma, { uid: "u1", sv: 1 })).toMatchObject({ role: "VIEWER" });
      const events = await t.db.prisma.auditEvent.findMany({ where: { objectId: "u1" } });
      expect(events.map((e) => e.action)).toEqual(["user.role_changed"]);
    });

    it("disabling ends the user's sessions at once; enabling does not bring old tokens back", async () => {
      await setUserDisabled(t.db.prisma, admin, "u2", true);
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 1 })).toBeNull();
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 2 })).toBeNull();
      await setUserDisabled(t.db.prisma, admin, "u2", false);
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 2 })).toBeNull();
      expect(await resolveSessionUser(t.db.prisma, { uid: "u2", sv: 3 })).toMatchObject({ role: "VIEWER" });
    });

    it("never demotes or disables the last enabled admin", async () => {
      await expect(setUserRole(t.db.prisma, admin, "a1", "VIEWER")).rejects.toMatchObject({
        code: "CONFLICT",
        field: "userId",
      });
      await expect(setUserDisabled(t.db.prisma, admin, "a1", true)).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await expect(setUserRole(t.db.prisma, admin, "nobody", "VIEWER")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });
  },
);
