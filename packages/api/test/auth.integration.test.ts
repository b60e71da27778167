import { hashPassword } from "@switchyard/db";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_LIMITS, signInWithPassword } from "../src/auth/sign-in.ts";
import { accountDelayMs, claimAddressAttempt } from "../src/auth/throttle.ts";

describe("account back-off", () => {
  it("is free for the first failures, then doubles from 1 s and reaches its 15-minute cap only after 15 failures", () => {
    const delays = Array.from({ length: 17 }, (_, i) => accountDelayMs(i + 1));
    expect(delays.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(delays.slice(4, 8)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(accountDelayMs(14)).toBe(512_000);
    expect(accountDelayMs(15)).toBe(SIGN_IN_LIMITS.accountMaxDelayMs);
    expect(accountDelayMs(40)).toBe(15 * 60_000);
  });
});

describe.each(await testDbKinds())("password sign-in [%s]", { timeout: 240_000 }, (kind) => {
  let t: TTestDb;
  const start = new Date("2026-11-28T12:00:00Z");
  const at = (ms: number) => new Date(start.getTime() + ms);
  beforeAll(async () => {
    t = await createTestDb(kind);
    const passwordHash = await hashPassword("correct horse");
    await t.db.prisma.user.createMany({
      data: [
        { id: "u1", email: "ops@example.com", name: "Ops", role: "PLATFORM_ENGINEER", passwordHash },
        { id: "u2", email: "guess@example.com", name: "Guess", role: "VIEWER", passwordHash },
        { id: "u3", email: "gone@example.com", name: "Gone", role: "VIEWER", passwordHash, disabled: true },
        { id: "u4", email: "burst@example.com", name: "Burst", role: "VIEWER", passwordHash },
        { id: "u5", email: "sso-only@example.com", name: "SSO", role: "VIEWER" },
        { id: "u6", email: "twin@example.com", name: "Twin", role: "VIEWER", passwordHash },
      ],
    });
  }, 300_000);
  afterAll(() => t.cleanup());

  it("signs in with the right password, whatever the email's case, and returns the session version", async () => {
    const user = await signInWithPassword(t.db.prisma, {
      email: " OPS@example.com ",
      password: "correct horse",
    });
    expect(user).toEqual({
      id: "u1",
      email: "ops@example.com",
      name: "Ops",
      role: "PLATFORM_ENGINEER",
      sessionVersion: 0,
    });
    const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: "u1" } });
    expect(row.lastSignInAt).toBeInstanceOf(Date);
  });

  it("gives the same answer for a wrong password, an unknown email, a disabled user and an SSO-only user", async () => {
    for (const credentials of [
      { email: "ops@example.com", password: "wrong" },
      { email: "nobody@example.com", password: "correct horse" },
      { email: "gone@example.com", password: "correct horse" },
      { email: "sso-only@example.com", password: "correct horse" },
    ]) {
      await expect(signInWithPassword(t.db.prisma, credentials, { now: at(0) })).rejects.toMatchObject({
        code: "UNAUTHORIZED",
        userMessage: "Wrong email or password.",
      });
    }
  });

  it("backs off exponentially instead of locking: refused only inside the window, then the right password works", async () => {
    const email = "guess@example.com";
    for (let i = 1; i <= SIGN_IN_LIMITS.accountFreeFailures; i++) {
      await expect(
        signInWithPassword(t.db.prisma, { email, password: `guess-${i}` }, { now: at(0) }),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    // Five failures: the next attempt waits 1 s, even with the right password.
    await expect(
      signInWithPassword(t.db.prisma, { email, password: "correct horse" }, { now: at(500) }),
    ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", userMessage: expect.stringContaining("1 second") });
    await expect(
      signInWithPassword(t.db.prisma, { email, password: "guess-6" }, { now: at(1_000) }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // Six failures: 2 s.
    await expect(
      signInWithPassword(t.db.prisma, { email, password: "guess-7" }, { now: at(2_900) }),
    ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", userMessage: expect.stringContaining("1 second") });
    await expect(
      signInWithPassword(t.db.prisma, { email, password: "correct horse" }, { now: at(3_000) }),
    ).resolves.toMatchObject({ id: "u2" });
    // Success cleared the count: five free attempts again.
    for (let i = 1; i <= SIGN_IN_LIMITS.accountFreeFailures; i++) {
      await expect(
        signInWithPassword(t.db.prisma, { email, password: `again-${i}` }, { now: at(3_000) }),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("throttles an unknown email exactly like a real one, so the answers never reveal which exists", async () => {
    const answers = async (email: string) => {
      const codes: string[] = [];
      for (let i = 0; i < SIGN_IN_LIMITS.accountFreeFailures + 1; i++) {
        const error = await signInWithPassword(
          t.db.prisma,
          { email, password: "nope" },
          { now: at(10_000) },
        ).catch((e: { code: string; userMessage: string }) => `${e.code}: ${e.userMessage}`);
        codes.push(String(error));
      }
      return codes;
    };
    expect(await answers("nobody-here@example.com")).toEqual(await answers("twin@example.com"));
  });

  it("gives a concurrent burst exactly the allowed number of guesses, not more", async () => {
    const burst = 40;
    const results = await Promise.allSettled(
      Array.from({ length: burst }, (_, i) =>
        signInWithPassword(
          t.db.prisma,
          { email: "burst@example.com", password: `burst-${i}` },
          { now: at(20_000) },
        ),
      ),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "OK"));
    expect(codes.filter((c) => c === "UNAUTHORIZED")).toHaveLength(SIGN_IN_LIMITS.accountFreeFailures);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(
      burst - SIGN_IN_LIMITS.accountFreeFailures,
    );
  });

  it("limits attempts per client address across accounts, atomically, and forgets them after the window", async () => {
    const address = "203.0.113.7";
    const now = at(60_000);
    // Counting is what a burst races on: claim without the (slow) password checks.
    const claims = await Promise.all(
      Array.from({ length: SIGN_IN_LIMITS.addressMaxFailures + 5 }, () =>
        claimAddressAttempt(t.db.prisma, address, now),
      ),
    );
    expect(claims.filter((c) => c.allowed)).toHaveLength(SIGN_IN_LIMITS.addressMaxFailures);
    // The address is refused even with the right password; another address is not affected.
    await expect(
      signInWithPassword(
        t.db.prisma,
        { email: "ops@example.com", password: "correct horse" },
        { now, address },
      ),
    ).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      userMessage: expect.stringContaining("from your network"),
    });
    await expect(
      signInWithPassword(
        t.db.prisma,
        { email: "ops@example.com", password: "correct horse" },
        { now, address: "198.51.100.1" },
      ),
    ).resolves.toMatchObject({ id: "u1" });
    await expect(
      signInWithPassword(
        t.db.prisma,
        { email: "ops@example.com", password: "correct horse" },
        { now: new Date(now.getTime() + SIGN_IN_LIMITS.addressWindowMs), address },
      ),
    ).resolves.toMatchObject({ id: "u1" });
  });

  it("takes as long for an unknown email as for a wrong password (one scrypt check each)", async () => {
    const time = async (email: string) => {
      const started = performance.now();
      await signInWithPassword(
        t.db.prisma,
        { email, password: "wrong" },
        { now: at(7_200_000 + Math.random()) },
      ).catch(() => {});
      return performance.now() - started;
    };
    await time("warm-up@example.com");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await time("ops@example.com"));
      unknown.push(await time(`unknown-${i}@example.com`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // Before the fix an unknown email answered ~20x faster; now both do the same scrypt work.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknown)).toBeLessThan(median(known) * 2);
  }, 180_000);

  it("gives every demo user their own salt", async () => {
    const { seedDemo } = await import("@switchyard/db/seed");
    const seeded = await createTestDb(kind);
    try {
      await seedDemo(seeded.db);
      const users = await seeded.db.prisma.user.findMany({ select: { passwordHash: true } });
      const hashes = users.map((u) => u.passwordHash);
      expect(hashes.length).toBeGreaterThan(1);
      expect(new Set(hashes).size).toBe(hashes.length);
      const salts = hashes.map((h) => h?.split("$")[4]);
      expect(new Set(salts).size).toBe(salts.length);
    } finally {
      await seeded.cleanup();
    }
  }, 300_000);
});
