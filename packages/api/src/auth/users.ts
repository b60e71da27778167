import { appendAuditEvent, type Prisma, type PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TRole, TSessionClaims, TSessionUser } from "./session.ts";

type TActor = Pick<TSessionUser, "id" | "email">;
type TDb = Pick<PrismaClient, "user">;

/**
 * The user a session token belongs to, read from the user row (one primary-key lookup):
 * null when the user is gone, disabled, or the token's session version is no longer current
 * (signed out, role changed, disabled since the token was issued).
 */
export async function resolveSessionUser(prisma: TDb, claims: TSessionClaims): Promise<TSessionUser | null> {
  const user = await prisma.user.findUnique({
    where: { id: claims.uid },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      sessionVersion: true,
      kind: true,
    },
  });
  if (!user || user.disabled || user.kind === "SERVICE" || user.sessionVersion !== claims.sv) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/**
 * Ends the sessions issued under `sessionVersion` (sign-out): the version moves on, so every
 * token that carries the old one is refused from the next request on. A token already stale
 * changes nothing.
 */
export async function endSessions(prisma: TDb, claims: TSessionClaims): Promise<void> {
  await prisma.user.updateMany({
    where: { id: claims.uid, sessionVersion: claims.sv },
    data: { sessionVersion: { increment: 1 } },
  });
}

async function findUserOrThrow(tx: Prisma.TransactionClient, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user)
    throw new AppError("NOT_FOUND", `user ${userId} not found`, {
      userMessage: "This user does not exist.",
      field: "userId",
    });
  return user;
}

/** Changes a user's role; their open sessions end, so the new role applies from their next sign-in. */
export async function setUserRole(prisma: PrismaClient, actor: TActor, userId: string, role: TRole) {
  return prisma.$transaction(async (tx) => {
    const before = await findUserOrThrow(tx, userId);
    if (before.role === role) return { id: before.id, role: before.role };
    await assertNotLastAdmin(tx, before, role !== "ADMIN");
    const after = await tx.user.update({
      where: { id: userId },
      data: { role, sessionVersion: { increment: 1 } },
      select: { id: true, role: true },
    });
    await appendAuditEvent(tx, {
      actorId: actor.id,
      actorLabel: actor.email,
      action: "user.role_changed",
      objectType: "User",
      objectId: userId,
      before: { role: before.role },
      after: { role: after.role },
    });
    return after;
  });
}

/** Disables (or enables again) a user; disabling ends their sessions at once. */
export async function setUserDisabled(
  prisma: PrismaClient,
  actor: TActor,
  userId: string,
  disabled: boolean,
) {
  return prisma.$transaction(async (tx) => {
    const before = await findUserOrThrow(tx, userId);
    if (before.disabled === disabled) return { id: before.id, disabled };
    if (disabled) await assertNotLastAdmin(tx, before, true);
    const after = await tx.user.update({
      where: { id: userId },
      data: { disabled, sessionVersion: { increment: 1 } },
      select: { id: true, disabled: true },
    });
    await appendAuditEvent(tx, {
      actorId: actor.id,
      actorLabel: actor.email,
      action: disabled ? "user.disabled" : "user.enabled",
      objectType: "User",
      objectId: userId,
      before: { disabled: before.disabled },
      after: { disabled: after.disabled },
    });
    return after;
  });
}

/** Nobody may demote or disable the last enabled admin: the console would have no one to administer it. */
async function assertNotLastAdmin(
  tx: Prisma.TransactionClient,
  user: { id: string; role: TRole; disabled: boolean },
  losesAdmin: boolean,
) {
  if (!losesAdmin || user.role !== "ADMIN" || user.disabled) return;
  // Lock the enabled admins so two concurrent demotions cannot both pass this check.
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "User" WHERE "role" = 'ADMIN' AND "disabled" = false FOR UPDATE`;
  if (admins.every((admin) => admin.id === user.id))
    throw new AppError("CONFLICT", `user ${user.id} is the last admin`, {
      userMessage: "This is the last enabled admin: make someone else an admin first.",
      field: "userId",
    });
}
