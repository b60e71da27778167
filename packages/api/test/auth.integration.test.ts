import { hashPassword } from "@switchyard/db";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SIGN_IN_LIMITS, signInWithPassword } from "../src/auth/sign-in.ts";

describeEachDb("password sign-in", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    const passwordHash = await hashPassword("correct horse");
    await t.db.prisma.user.createMany({
      data: [
        { id: "u1", email: "ops@example.com", name: "Ops", role: "PLATFORM_ENGINEER", passwordHash },
        { id: "u2", email: "guess@example.com", name: "Guess", role: "VIEWER", passwordHash },
        { id: "u3", email: "gone@example.com", name: "Gone", role: "VIEWER", passwordHash, disabled: true },
      ],
    });
  });
  afterAll(() => t.cleanup());

  it("signs in with the right password, whatever the email's case", async () => {
    const user = await signInWithPassword(t.db.prisma, {
      email: " OPS@example.com ",
      password: "correct horse",
    });
    expect(user).toEqual({ id: "u1", email: "ops@example.com", name: "Ops", role: "PLATFORM_ENGINEER" });
    const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: "u1" } });
    expect(row.lastSignInAt).toBeInstanceOf(Date);
  });

  it("gives the same answer for a wrong password, an unknown email and a disabled user", async () => {
    for (const credentials of [
      { email: "ops@example.com", password: "wrong" },
      { email: "nobody@example.com", password: "correct horse" },
      { email: "gone@example.com", password: "correct horse" },
    ]) {
      await expect(signInWithPassword(t.db.prisma, credentials)).rejects.toMatchObject({
        code: "UNAUTHORIZED",
        userMessage: "Wrong email or password.",
      });
    }
  });

  it("slows repeated failures down, then locks the account even for the right password", async () => {
    const delays: number[] = [];
    const sleep = async (ms: number) => {
      delays.push(ms);
    };
    const now = new Date("2026-11-28T12:00:00Z");
    for (let i = 1; i < SIGN_IN_LIMITS.lockAfter; i++) {
      await expect(
        signInWithPassword(
          t.db.prisma,
          { email: "guess@example.com", password: `guess-${i}` },
          { now, sleep },
        ),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(
      signInWithPassword(t.db.prisma, { email: "guess@example.com", password: "guess-last" }, { now, sleep }),
    ).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    // Attempts after the third waited 400 ms, then 800 ms.
    expect(delays).toEqual([400, 800]);
    await expect(
      signInWithPassword(
        t.db.prisma,
        { email: "guess@example.com", password: "correct horse" },
        { now, sleep },
      ),
    ).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      userMessage: expect.stringContaining("locked for 15 more minutes"),
    });
    const later = new Date(now.getTime() + (SIGN_IN_LIMITS.lockMinutes + 1) * 60_000);
    await expect(
      signInWithPassword(
        t.db.prisma,
        { email: "guess@example.com", password: "correct horse" },
        { now: later, sleep },
      ),
    ).resolves.toMatchObject({ id: "u2" });
  });
});
