import type { Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import type {
  TTeamFairShareInput,
  TTeamGroupInput,
  TTeamGroupUpdate,
} from "../router/fair-share/fair-share.schema.ts";

const GROUP_SELECT = {
  id: true,
  slug: true,
  name: true,
  kind: true,
  parentId: true,
  weight: true,
} as const;

const groupNotFound = (id: string, field = "id") =>
  new AppError("NOT_FOUND", `team group ${id} not found`, {
    userMessage: "This group does not exist.",
    field,
  });

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

/** The hierarchy: every group (organisation, department) and every team with its group and weight. */
export async function fairShareHierarchy(prisma: PrismaClient) {
  const [groups, teams] = await Promise.all([
    prisma.teamGroup.findMany({ select: GROUP_SELECT, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
    prisma.team.findMany({
      select: { id: true, slug: true, name: true, groupId: true, fairShareWeight: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return {
    groups,
    teams: teams.map(({ fairShareWeight, ...t }) => ({ ...t, weight: fairShareWeight })),
  };
}

/**
 * The engine's hierarchy has one organisation at the root and departments under it: an
 * organisation has no parent and there is only one; a department sits under the organisation
 * (or, with none yet, at the top, and is placed under it once it exists).
 */
async function assertPlace(
  tx: Prisma.TransactionClient,
  group: { id: string | null; kind: "ORGANISATION" | "DEPARTMENT"; parentId: string | null },
) {
  if (group.kind === "ORGANISATION") {
    if (group.parentId)
      throw new AppError("INVALID_REQUEST", "an organisation has no parent", {
        userMessage: "An organisation is the top of the hierarchy: leave its parent empty.",
        field: "parentId",
      });
    const other = await tx.teamGroup.findFirst({
      where: { kind: "ORGANISATION", ...(group.id ? { id: { not: group.id } } : {}) },
      select: { name: true },
    });
    if (other)
      throw new AppError("CONFLICT", "a second organisation", {
        userMessage: `There is already an organisation (${other.name}); add departments under it.`,
        field: "kind",
      });
    return;
  }
  if (!group.parentId) return;
  const parent = await tx.teamGroup.findUnique({ where: { id: group.parentId }, select: { kind: true } });
  if (!parent) throw groupNotFound(group.parentId, "parentId");
  if (parent.kind !== "ORGANISATION")
    throw new AppError("INVALID_REQUEST", "a department under a department", {
      userMessage: "A department sits under the organisation, not under another department.",
      field: "parentId",
    });
}

export async function createTeamGroup(ctx: TMutationContext, input: TTeamGroupInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await assertPlace(tx, { id: null, kind: input.kind, parentId: input.parentId });
    const group = await tx.teamGroup.create({ data: input, select: GROUP_SELECT }).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new AppError("CONFLICT", `team group ${input.slug} exists`, {
          userMessage: `A group with the slug ${input.slug} already exists.`,
          field: "slug",
        });
      throw error;
    });
    await audit({ action: "team-group.create", objectType: "TeamGroup", objectId: group.id, after: group });
    return group;
  });
}

export async function updateTeamGroup(ctx: TMutationContext, input: TTeamGroupUpdate) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await tx.teamGroup.findUnique({ where: { id: input.id }, select: GROUP_SELECT });
    if (!before) throw groupNotFound(input.id);
    await assertPlace(tx, { id: input.id, kind: before.kind, parentId: input.parentId ?? before.parentId });
    const { id, ...data } = input;
    const after = await tx.teamGroup.update({ where: { id }, data, select: GROUP_SELECT });
    await audit({ action: "team-group.update", objectType: "TeamGroup", objectId: id, before, after });
    return after;
  });
}

/** Deletes an empty group; one with subgroups is refused (its teams just lose their group). */
export async function deleteTeamGroup(ctx: TMutationContext, id: string) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await tx.teamGroup.findUnique({
      where: { id },
      select: { ...GROUP_SELECT, _count: { select: { children: true } } },
    });
    if (!before) throw groupNotFound(id);
    if (before._count.children > 0)
      throw new AppError("CONFLICT", `team group ${id} has subgroups`, {
        userMessage: "Move or delete this group's subgroups first.",
        field: "id",
      });
    await tx.teamGroup.delete({ where: { id } });
    const { _count, ...view } = before;
    await audit({ action: "team-group.delete", objectType: "TeamGroup", objectId: id, before: view });
    return { id };
  });
}

/** Puts a team in a group (null: none) with its fair-share weight. */
export async function setTeamFairShare(ctx: TMutationContext, input: TTeamFairShareInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const select = { id: true, groupId: true, fairShareWeight: true } as const;
    const before = await tx.team.findUnique({ where: { id: input.teamId }, select });
    if (!before)
      throw new AppError("NOT_FOUND", `team ${input.teamId} not found`, {
        userMessage: "This team does not exist.",
        field: "teamId",
      });
    if (input.groupId) {
      const group = await tx.teamGroup.findUnique({ where: { id: input.groupId }, select: { id: true } });
      if (!group) throw groupNotFound(input.groupId, "groupId");
    }
    const after = await tx.team.update({
      where: { id: input.teamId },
      data: { groupId: input.groupId, fairShareWeight: input.weight },
      select,
    });
    const view = (t: typeof before) => ({ groupId: t.groupId, weight: t.fairShareWeight });
    await audit({
      action: "team.fair-share.update",
      objectType: "Team",
      objectId: input.teamId,
      before: view(before),
      after: view(after),
    });
    return { teamId: after.id, ...view(after) };
  });
}
