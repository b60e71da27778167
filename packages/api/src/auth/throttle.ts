import type { PrismaClient } from "@switchyard/db";

/**
 * Sign-in throttling, kept in the database so every console replica counts the same attempts.
 *
 * - Per account (keyed by the email typed, whether or not such a user exists, so the answers
 *   never tell which emails are real): the first `accountFreeFailures` failures in a row are
 *   free; after that the next attempt waits `accountBaseDelayMs`, doubling with every further
 *   failure up to `accountMaxDelayMs` (15 minutes only after 15 failures in a row). A success
 *   clears it, and failures older than `accountForgetAfterMs` are forgotten. There is no hard
 *   lock: someone guessing at an account can hold it for at most one window at a time.
 * - Per client address: at most `addressMaxFailures` failed attempts in `addressWindowMs`.
 *
 * Every attempt is counted before its password is checked, in one atomic statement that also
 * refuses it when the key is in its waiting window: a concurrent burst gets exactly the
 * allowed number of guesses, never more (PostgreSQL locks the row for each upsert).
 */
export const SIGN_IN_LIMITS = {
  accountFreeFailures: 5,
  accountBaseDelayMs: 1_000,
  accountMaxDelayMs: 15 * 60_000,
  accountForgetAfterMs: 60 * 60_000,
  addressMaxFailures: 50,
  addressWindowMs: 15 * 60_000,
} as const;

type TDb = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/** How long an account waits after `failures` failures in a row (0: not at all). */
export function accountDelayMs(failures: number): number {
  const { accountFreeFailures, accountBaseDelayMs, accountMaxDelayMs } = SIGN_IN_LIMITS;
  if (failures < accountFreeFailures) return 0;
  return Math.min(accountBaseDelayMs * 2 ** (failures - accountFreeFailures), accountMaxDelayMs);
}

export type TClaim = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts one attempt at an account, unless the account is waiting out a back-off window, in
 * which case nothing is counted and the answer says how long is left.
 */
export async function claimAccountAttempt(prisma: TDb, email: string, now: Date): Promise<TClaim> {
  const key = accountKey(email);
  const at = now.toISOString();
  const { accountFreeFailures: free, accountBaseDelayMs: base, accountMaxDelayMs: cap } = SIGN_IN_LIMITS;
  const forgetSeconds = SIGN_IN_LIMITS.accountForgetAfterMs / 1000;
  // The failure count after this attempt: reset when the last failure is long past.
  const rows = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO "SignInThrottle" AS t ("key", "failures", "blockedUntil", "windowStart", "updatedAt")
    VALUES (${key}, 1, NULL, ${at}::timestamp(3), ${at}::timestamp(3))
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."windowStart" <= ${at}::timestamp(3) - make_interval(secs => ${forgetSeconds}::float8)
        THEN 1 ELSE t."failures" + 1 END,
      "blockedUntil" = CASE
        WHEN (CASE WHEN t."windowStart" <= ${at}::timestamp(3) - make_interval(secs => ${forgetSeconds}::float8)
              THEN 1 ELSE t."failures" + 1 END) < ${free}::int THEN NULL
        ELSE ${at}::timestamp(3) + make_interval(secs => LEAST(
          ${base}::float8 * power(2::float8, ((CASE WHEN t."windowStart" <= ${at}::timestamp(3) - make_interval(secs => ${forgetSeconds}::float8)
              THEN 1 ELSE t."failures" + 1 END) - ${free}::int)::float8),
          ${cap}::float8) / 1000.0)
      END,
      "windowStart" = ${at}::timestamp(3),
      "updatedAt" = ${at}::timestamp(3)
    WHERE t."blockedUntil" IS NULL OR t."blockedUntil" <= ${at}::timestamp(3)
    RETURNING "failures"`;
  if (rows.length > 0) return { allowed: true };
  return { allowed: false, retryAfterMs: await blockedForMs(prisma, key, now) };
}

async function blockedForMs(prisma: TDb, key: string, now: Date): Promise<number> {
  const rows = await prisma.$queryRaw<{ until: number | null }[]>`
    SELECT (EXTRACT(EPOCH FROM "blockedUntil") * 1000)::float8 AS "until" FROM "SignInThrottle" WHERE "key" = ${key}`;
  const until = rows[0]?.until;
  return until ? Math.max(1_000, Math.ceil(until - now.getTime())) : 1_000;
}

/** Counts one attempt from a client address; refused once the address has used up its window. */
export async function claimAddressAttempt(prisma: TDb, address: string, now: Date): Promise<TClaim> {
  const key = addressKey(address);
  const at = now.toISOString();
  const windowSeconds = SIGN_IN_LIMITS.addressWindowMs / 1000;
  const rows = await prisma.$queryRaw<{ failures: number; windowStart: number }[]>`
    INSERT INTO "SignInThrottle" AS t ("key", "failures", "blockedUntil", "windowStart", "updatedAt")
    VALUES (${key}, 1, NULL, ${at}::timestamp(3), ${at}::timestamp(3))
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."windowStart" <= ${at}::timestamp(3) - make_interval(secs => ${windowSeconds}::float8)
        THEN 1 ELSE t."failures" + 1 END,
      "windowStart" = CASE WHEN t."windowStart" <= ${at}::timestamp(3) - make_interval(secs => ${windowSeconds}::float8)
        THEN ${at}::timestamp(3) ELSE t."windowStart" END,
      "updatedAt" = ${at}::timestamp(3)
    RETURNING "failures", (EXTRACT(EPOCH FROM "windowStart") * 1000)::float8 AS "windowStart"`;
  const row = rows[0];
  if (!row || row.failures <= SIGN_IN_LIMITS.addressMaxFailures) return { allowed: true };
  return {
    allowed: false,
    retryAfterMs: Math.max(
      1_000,
      Math.ceil(row.windowStart + SIGN_IN_LIMITS.addressWindowMs - now.getTime()),
    ),
  };
}

/** A successful sign-in: the account's failures are cleared and the address's attempt is not held against it. */
export async function recordSuccess(prisma: TDb, email: string, address: string | null): Promise<void> {
  await prisma.$executeRaw`DELETE FROM "SignInThrottle" WHERE "key" = ${accountKey(email)}`;
  if (address)
    await prisma.$executeRaw`
      UPDATE "SignInThrottle" SET "failures" = GREATEST("failures" - 1, 0) WHERE "key" = ${addressKey(address)}`;
}
