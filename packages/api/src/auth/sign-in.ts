import { type PrismaClient, verifyPassword } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TSessionUser } from "./session.ts";

/** Failures before each attempt is slowed down, and before the account locks. */
export const SIGN_IN_LIMITS = { slowAfter: 3, lockAfter: 5, lockMinutes: 15, delayStepMs: 400 } as const;

export type TSignInOptions = { now?: Date; sleep?: (ms: number) => Promise<void> };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Email + password sign-in with brute-force protection: after `slowAfter` failures each
 * answer is delayed a little more, and after `lockAfter` the account is locked for
 * `lockMinutes`. Unknown emails and wrong passwords give the same error.
 */
export async function signInWithPassword(
  prisma: PrismaClient,
  credentials: { email: string; password: string },
  options: TSignInOptions = {},
): Promise<TSessionUser> {
  const now = options.now ?? new Date();
  const sleep = options.sleep ?? sleepFor;
  const email = credentials.email.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email } });
  const invalid = new AppError("UNAUTHORIZED", `sign-in failed for ${email}`, {
    userMessage: "Wrong email or password.",
  });
  if (!user || user.disabled || !user.passwordHash) throw invalid;

  if (user.lockedUntil && user.lockedUntil > now) {
    const minutes = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000);
    throw new AppError("TOO_MANY_REQUESTS", `account ${email} is locked`, {
      userMessage: `Too many failed sign-ins: this account is locked for ${minutes} more minute${minutes === 1 ? "" : "s"}.`,
    });
  }

  if (user.failedSignIns >= SIGN_IN_LIMITS.slowAfter) {
    await sleep((user.failedSignIns - SIGN_IN_LIMITS.slowAfter + 1) * SIGN_IN_LIMITS.delayStepMs);
  }

  if (await verifyPassword(credentials.password, user.passwordHash)) {
    await prisma.user.update({
      where: { id: user.id },
      data: { failedSignIns: 0, lockedUntil: null, lastSignInAt: now },
    });
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  // Count atomically so that parallel guesses cannot slip past the limit.
  const updated = await prisma.user.update({
    where: { id: user.id },
    data: { failedSignIns: { increment: 1 } },
    select: { failedSignIns: true },
  });
  if (updated.failedSignIns >= SIGN_IN_LIMITS.lockAfter) {
    await prisma.user.update({
      where: { id: user.id },
      data: { lockedUntil: new Date(now.getTime() + SIGN_IN_LIMITS.lockMinutes * 60_000), failedSignIns: 0 },
    });
    throw new AppError("TOO_MANY_REQUESTS", `account ${email} locked after repeated failures`, {
      userMessage: `Too many failed sign-ins: this account is locked for ${SIGN_IN_LIMITS.lockMinutes} minutes.`,
    });
  }
  throw invalid;
}

/** Finds the user an SSO sign-in belongs to; SSO never creates accounts on its own. */
export async function findUserForSso(prisma: PrismaClient, email: string): Promise<TSessionUser | null> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  // Service accounts act only through their API tokens, never through a sign-in.
  if (!user || user.disabled || user.kind === "SERVICE") return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
