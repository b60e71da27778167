import { randomBytes } from "node:crypto";
import { hashPassword, type PrismaClient, verifyPassword } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TSessionUser } from "./session.ts";
import { claimAccountAttempt, claimAddressAttempt, recordSuccess } from "./throttle.ts";

export { SIGN_IN_LIMITS } from "./throttle.ts";

/** What a sign-in puts into the session token: the user and the session version it was issued under. */
export type TSignedIn = TSessionUser & { sessionVersion: number };

export type TSignInOptions = {
  now?: Date;
  /** The client's address (see clientAddress in the console), or null when it is unknown. */
  address?: string | null;
};

// A hash of a random password with the same scrypt parameters as real ones: an unknown email
// (or an account without a password) is checked against it, so it takes as long as a real one.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString("base64url"));
  return dummyHash;
};

function tooMany(retryAfterMs: number, what: string, logMessage: string) {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? "" : "s"}`
      : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;
  return new AppError("TOO_MANY_REQUESTS", logMessage, {
    userMessage: `Too many failed sign-ins ${what}: try again in ${wait}.`,
  });
}

/**
 * Email + password sign-in, throttled per account and per client address (see throttle.ts).
 * Unknown emails, disabled accounts, accounts without a password and wrong passwords all get
 * the same answer after the same work (one scrypt check), so the answer and its timing never
 * tell whether an email has an account.
 */
export async function signInWithPassword(
  prisma: PrismaClient,
  credentials: { email: string; password: string },
  options: TSignInOptions = {},
): Promise<TSignedIn> {
  const now = options.now ?? new Date();
  const address = options.address ?? null;
  const email = credentials.email.trim().toLowerCase();
  const dummy = getDummyHash();

  if (address) {
    const claim = await claimAddressAttempt(prisma, address, now);
    if (!claim.allowed)
      throw tooMany(
        claim.retryAfterMs,
        "from your network",
        `sign-in refused: address ${address} over its limit`,
      );
  }
  const claim = await claimAccountAttempt(prisma, email, now);
  if (!claim.allowed)
    throw tooMany(claim.retryAfterMs, "for this account", `sign-in refused: ${email} is backing off`);

  const user = await prisma.user.findUnique({ where: { email } });
  const usable = user && !user.disabled && user.passwordHash ? user : null;
  const matches = await verifyPassword(credentials.password, usable?.passwordHash ?? (await dummy));
  if (!usable || !matches)
    throw new AppError("UNAUTHORIZED", `sign-in failed for ${email}`, {
      userMessage: "Wrong email or password.",
    });

  await recordSuccess(prisma, email, address);
  await prisma.user.update({ where: { id: usable.id }, data: { lastSignInAt: now } });
  return {
    id: usable.id,
    email: usable.email,
    name: usable.name,
    role: usable.role,
    sessionVersion: usable.sessionVersion,
  };
}
