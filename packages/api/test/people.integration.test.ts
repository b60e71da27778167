import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { setPasswordWithToken } from "../src/auth/admin.ts";
import type { TSessionUser } from "../src/auth/session.ts";
import { signInWithPassword } from "../src/auth/sign-in.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

describeEachDb("people (Settings → People)", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser | null) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("an admin invites a person with a role and teams; the one-time link sets their password once", async () => {
    const invited = await as(USERS.admin).user.invite({
      email: "  Grace@Example.com ",
      name: "Grace Hopper",
      role: "ML_ENGINEER",
      teamIds: ["team-applied-ml"],
    });
    expect(invited).toMatchObject({ email: "grace@example.com", role: "ML_ENGINEER" });
    expect(invited.token.length).toBeGreaterThan(30);
    expect(await auditCount(t.db, invited.id, "user.invited")).toBe(1);

    const listed = (await as(USERS.admin).user.list()).find((p) => p.id === invited.id);
    expect(listed).toMatchObject({
      hasPassword: false,
      disabled: false,
      lastSignInAt: null,
      teams: [{ id: "team-applied-ml" }],
    });
    expect(listed).not.toHaveProperty("passwordHash");
    // Service accounts are managed with their tokens, not here.
    expect((await as(USERS.admin).user.list()).every((p) => !p.email.endsWith(".invalid"))).toBe(true);

    await setPasswordWithToken(t.db.prisma, { token: invited.token, password: "correct horse battery" });
    await expect(
      setPasswordWithToken(t.db.prisma, { token: invited.token, password: "another long password" }),
    ).rejects.toMatchObject({ field: "token" });
    await expect(
      signInWithPassword(t.db.prisma, { email: "grace@example.com", password: "correct horse battery" }),
    ).resolves.toMatchObject({ role: "ML_ENGINEER" });
  });

  it("refuses a second user with the same email, bad fields and unknown teams, writing nothing", async () => {
    const before = await t.db.prisma.user.count();
    expect(
      await errorOf(
        as(USERS.admin).user.invite({ email: "VIEWER@switchyard.demo", name: "V", role: "VIEWER" }),
      ),
    ).toMatchObject({ code: "CONFLICT", fields: ["email"] });
    expect(
      await errorOf(as(USERS.admin).user.invite({ email: "not an email", name: "", role: "VIEWER" })),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["email", "name"] });
    expect(
      await errorOf(
        as(USERS.admin).user.invite({
          email: "new@example.com",
          name: "New",
          role: "VIEWER",
          teamIds: ["team-nowhere"],
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["teamIds"] });
    expect(await t.db.prisma.user.count()).toBe(before);
    // Only admins invite.
    expect(
      await errorOf(as(USERS.platform).user.invite({ email: "p@example.com", name: "P", role: "ADMIN" })),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  it("replaces a person's teams (audited once per change), and their team access follows", async () => {
    const engineer = USERS.engineer.id;
    const teamsOf = async () =>
      (await t.db.prisma.membership.findMany({ where: { userId: engineer }, select: { teamId: true } }))
        .map((m) => m.teamId)
        .sort();
    const original = await teamsOf();
    expect(original.length).toBeGreaterThan(0);

    const changed = await as(USERS.admin).user.setTeams({ userId: engineer, teamIds: ["team-applied-ml"] });
    expect(changed.teams.map((team) => team.id)).toEqual(["team-applied-ml"]);
    expect(await teamsOf()).toEqual(["team-applied-ml"]);
    // The same teams again change nothing and write no second event.
    await as(USERS.admin).user.setTeams({ userId: engineer, teamIds: ["team-applied-ml"] });
    expect(await auditCount(t.db, engineer, "user.teams_changed")).toBe(1);

    // A workload of a team they left is now another team's to them.
    const otherTeam = original.find((id) => id !== "team-applied-ml");
    if (otherTeam === undefined) throw new Error("the demo engineer is expected in two teams");
    const theirs = await t.db.prisma.workload.findFirst({
      where: { teamId: otherTeam },
      select: { id: true },
    });
    if (theirs === null) throw new Error(`the demo seed has no workload of ${otherTeam}`);
    expect(await errorOf(as(USERS.engineer).workload.cancel({ id: theirs.id }))).toMatchObject({
      code: "NOT_FOUND",
    });

    await as(USERS.admin).user.setTeams({ userId: engineer, teamIds: original });
    expect(await teamsOf()).toEqual(original);
    expect(
      await errorOf(as(USERS.admin).user.setTeams({ userId: engineer, teamIds: ["team-nowhere"] })),
    ).toMatchObject({ code: "BAD_REQUEST", fields: ["teamIds"] });
    expect(await teamsOf()).toEqual(original);
  });

  it("issues a new password link that replaces the unused one, and none for a disabled person", async () => {
    const invited = await as(USERS.admin).user.invite({
      email: "lin@example.com",
      name: "Lin",
      role: "VIEWER",
    });
    const again = await as(USERS.admin).user.passwordLink({ userId: invited.id });
    await expect(
      setPasswordWithToken(t.db.prisma, { token: invited.token, password: "a long enough password" }),
    ).rejects.toMatchObject({ field: "token" });
    await setPasswordWithToken(t.db.prisma, { token: again.token, password: "a long enough password" });

    await as(USERS.admin).user.setDisabled({ userId: invited.id, disabled: true });
    expect(await errorOf(as(USERS.admin).user.passwordLink({ userId: invited.id }))).toMatchObject({
      code: "CONFLICT",
      fields: ["userId"],
    });
    expect(await auditCount(t.db, invited.id, "user.password_link_issued")).toBe(1);
  });
});
