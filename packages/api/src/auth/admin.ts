import { createHash, randomBytes } from "node:crypto";
import { appendAuditEvent, hashPassword, type Prisma, type PrismaClient } from "@switchyard/db";
import { z } from "zod";
import { AppError } from "../errors.ts";

/** How long a set-password link works. */
export const SET_PASSWORD_TTL_MS = 24 * 60 * 60_000;
export const MIN_PASSWORD_LENGTH = 12;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A one-time set-password token for a user: the token is returned once, only its hash is stored. */
export async function issueSetPasswordToken(
  tx: Prisma.TransactionClient,
  userId: string,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  // A new link replaces any earlier one that was never used.
  await tx.setPasswordToken.deleteMany({ where: { userId, usedAt: null } });
  await tx.setPasswordToken.create({
    data: { userId, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + SET_PASSWORD_TTL_MS) },
  });
  return token;
}

const ZEmail = z.email("an email address such as admin@example.com");

export type TCreateAdminResult = {
  userId: string;
  email: string;
  created: boolean;
  /** The one-time set-password token (not the link: the caller knows the console's URL). */
  token: string;
};

/**
 * Makes `email` an admin: creates the user (no password yet) or promotes an existing one
 * (ending their sessions), and issues a one-time set-password token. The same person also
 * signs in through SSO when their provider asserts the email (bound on first sign-in).
 */
export async function createAdmin(
  prisma: PrismaClient,
  input: { email: string; name?: string; onlyIfNoUsers?: boolean },
  now = new Date(),
): Promise<TCreateAdminResult | null> {
  const parsed = ZEmail.safeParse(input.email.trim().toLowerCase());
  if (!parsed.success)
    throw new AppError("INVALID_REQUEST", `bad admin email ${input.email}`, {
      userMessage: `The admin email "${input.email}" is not an email address.`,
      field: "email",
    });
  const email = parsed.data;
  return prisma.$transaction(async (tx) => {
    // Serialises concurrent starts of several replicas: one of them creates the admin.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7301002)`;
    if (input.onlyIfNoUsers && (await tx.user.count()) > 0) return null;
    const existing = await tx.user.findUnique({ where: { email } });
    const user = existing
      ? await tx.user.update({
          where: { id: existing.id },
          data:
            existing.role === "ADMIN" && !existing.disabled
              ? {}
              : { role: "ADMIN", disabled: false, sessionVersion: { increment: 1 } },
        })
      : await tx.user.create({
          data: { email, name: input.name?.trim() || email.split("@")[0] || email, role: "ADMIN" },
        });
    const token = await issueSetPasswordToken(tx, user.id, now);
    await appendAuditEvent(tx, {
      actorLabel: "system:create-admin",
      action: existing ? "user.made_admin" : "user.created",
      objectType: "User",
      objectId: user.id,
      before: existing ? { role: existing.role, disabled: existing.disabled } : undefined,
      after: { email, role: "ADMIN" },
    });
    return { userId: user.id, email, created: !existing, token };
  });
}

/**
 * Sets a password with a one-time token: refused when unknown, expired or already used (the
 * token is claimed atomically, so two concurrent uses cannot both succeed). The user's other
 * sessions end.
 */
export async function setPasswordWithToken(
  prisma: PrismaClient,
  input: { token: string; password: string },
  now = new Date(),
): Promise<{ email: string }> {
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new AppError("INVALID_REQUEST", "password too short", {
      userMessage: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
      field: "password",
    });
  if (input.password.length > 1024)
    throw new AppError("INVALID_REQUEST", "password too long", {
      userMessage: "Choose a password of at most 1,024 characters.",
      field: "password",
    });
  const invalid = new AppError("NOT_FOUND", "set-password token unknown, used or expired", {
    userMessage:
      "This link is not valid any more: it was used already or has expired. Ask an admin for a new one.",
    field: "token",
  });
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const row = await tx.setPasswordToken.findUnique({
      where: { tokenHash: hashToken(input.token) },
      select: { id: true, expiresAt: true, user: { select: { id: true, email: true, disabled: true } } },
    });
    if (!row || row.expiresAt <= now || row.user.disabled) throw invalid;
    const claimed = await tx.setPasswordToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) throw invalid;
    await tx.user.update({
      where: { id: row.user.id },
      data: { passwordHash, sessionVersion: { increment: 1 } },
    });
    await appendAuditEvent(tx, {
      actorId: row.user.id,
      actorLabel: row.user.email,
      action: "user.password_set",
      objectType: "User",
      objectId: row.user.id,
    });
    return { email: row.user.email };
  });
}

/** The console URL of a set-password link. */
export function setPasswordLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, "")}/set-password?token=${encodeURIComponent(token)}`;
}
