import type { Prisma } from "@switchyard/db";
import { issueSetPasswordToken } from "../auth/admin.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type { TInvitePersonInput, TSetTeamsInput } from "../router/user/user.schema.ts";

// People (users of kind HUMAN) as an admin manages them on Settings → People. Role changes
// and disabling are in auth/users.ts (they end sessions); service accounts are managed with
// their tokens (services/api-tokens.ts).

const PERSON_COLUMNS = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabled: true,
  lastSignInAt: true,
  createdAt: true,
  passwordHash: true,
  memberships: { select: { team: { select: { id: true, name: true } } }, orderBy: { team: { name: "asc" } } },
  _count: { select: { identities: true } },
} satisfies Prisma.UserSelect;

type TPersonRow = Prisma.UserGetPayload<{ select: typeof PERSON_COLUMNS }>;

/** A person as the People page shows them: never the password hash, only whether one is set. */
function toPersonView({ passwordHash, memberships, _count, ...person }: TPersonRow) {
  return {
    ...person,
    teams: memberships.map((m) => m.team),
    hasPassword: passwordHash !== null,
    signsInWithSso: _count.identities > 0,
  };
}
export type TPersonView = ReturnType<typeof toPersonView>;

export async function listPeople(prisma: TMutationContext["prisma"]): Promise<TPersonView[]> {
  const rows = await prisma.user.findMany({
    where: { kind: "HUMAN" },
    select: PERSON_COLUMNS,
    orderBy: { email: "asc" },
  });
  return rows.map(toPersonView);
}

/** The teams by id, refusing the list when one does not exist (naming the field). */
export async function findTeamsOrThrow(
  db: Pick<Prisma.TransactionClient, "team">,
  teamIds: readonly string[],
): Promise<{ id: string; name: string }[]> {
  const teams = await db.team.findMany({
    where: { id: { in: [...teamIds] } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  if (teams.length !== new Set(teamIds).size)
    throw new AppError("INVALID_REQUEST", "unknown team", {
      userMessage: "One of the teams does not exist.",
      field: "teamIds",
    });
  return teams;
}

async function findPersonOrThrow(tx: Prisma.TransactionClient, userId: string) {
  const user = await tx.user.findFirst({ where: { id: userId, kind: "HUMAN" }, select: PERSON_COLUMNS });
  if (!user)
    throw new AppError("NOT_FOUND", `person ${userId} not found`, {
      userMessage: "This person does not exist.",
      field: "userId",
    });
  return user;
}

/**
 * Adds a person with a role and teams, and a one-time set-password token (24 h, once; only
 * its hash is kept). With SSO set up they may instead sign in through the provider: they are
 * matched by their verified email on the first sign-in.
 */
export async function invitePerson(ctx: TMutationContext, input: TInvitePersonInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const teams = await findTeamsOrThrow(tx, input.teamIds);
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } }))
      throw new AppError("CONFLICT", `user ${input.email} exists`, {
        userMessage: `${input.email} is already a Switchyard user: find them in the list.`,
        field: "email",
      });
    const user = await tx.user.create({
      data: {
        email: input.email,
        name: input.name,
        role: input.role,
        memberships: { create: teams.map((team) => ({ teamId: team.id })) },
      },
      select: { id: true, email: true, name: true, role: true },
    });
    const token = await issueSetPasswordToken(tx, user.id, new Date());
    await audit({
      action: "user.invited",
      objectType: "User",
      objectId: user.id,
      after: { ...user, teamIds: teams.map((t) => t.id) },
    });
    return { ...user, token };
  });
}

/** Replaces a person's teams (ML engineers submit and operate work for their teams). */
export async function setPersonTeams(ctx: TMutationContext, input: TSetTeamsInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await findPersonOrThrow(tx, input.userId);
    const teams = await findTeamsOrThrow(tx, input.teamIds);
    const beforeIds = before.memberships.map((m) => m.team.id).sort();
    const afterIds = teams.map((t) => t.id).sort();
    if (beforeIds.join("\n") === afterIds.join("\n")) return { id: before.id, teams };
    await tx.membership.deleteMany({ where: { userId: before.id, teamId: { notIn: afterIds } } });
    await tx.membership.createMany({
      data: afterIds.filter((id) => !beforeIds.includes(id)).map((teamId) => ({ userId: before.id, teamId })),
    });
    await audit({
      action: "user.teams_changed",
      objectType: "User",
      objectId: before.id,
      before: { teamIds: beforeIds },
      after: { teamIds: afterIds },
    });
    return { id: before.id, teams };
  });
}

/** A new one-time set-password token for a person (a lost link, a forgotten password); earlier unused links stop working. */
export async function issuePasswordLink(ctx: TMutationContext, input: { userId: string }) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const person = await findPersonOrThrow(tx, input.userId);
    if (person.disabled)
      throw new AppError("CONFLICT", `user ${person.id} is disabled`, {
        userMessage: "This person is disabled: enable them first.",
        field: "userId",
      });
    const token = await issueSetPasswordToken(tx, person.id, new Date());
    await audit({ action: "user.password_link_issued", objectType: "User", objectId: person.id });
    return { id: person.id, email: person.email, token };
  });
}
