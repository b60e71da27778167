import type { Prisma, PrismaClient } from "@switchyard/db";
import type { z } from "zod";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import {
  MAX_SAVED_VIEWS_PER_TABLE,
  type TSavedViewTable,
  type ZSaveViewInput,
} from "../router/saved-view/saved-view.schema.ts";

const VIEW_COLUMNS = {
  id: true,
  table: true,
  name: true,
  query: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.SavedViewSelect;

type TCtx = { prisma: PrismaClient; user: TSessionUser };

/** The caller's own views of one table, by name. */
export function listSavedViews(ctx: TCtx, table: TSavedViewTable) {
  return ctx.prisma.savedView.findMany({
    where: { userId: ctx.user.id, table },
    orderBy: { name: "asc" },
    select: VIEW_COLUMNS,
  });
}

/** Saves the view under its name; a view of the same table with the same name is replaced. */
export function saveView(ctx: TCtx, input: z.output<typeof ZSaveViewInput>) {
  const { table, name, query } = input;
  const userId = ctx.user.id;
  return ctx.prisma.$transaction(async (tx) => {
    // Serialises one person's saves, so two at once cannot both pass the cap.
    await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    const existing = await tx.savedView.findUnique({
      where: { userId_table_name: { userId, table, name } },
      select: { id: true },
    });
    if (!existing) {
      const count = await tx.savedView.count({ where: { userId, table } });
      if (count >= MAX_SAVED_VIEWS_PER_TABLE) {
        throw new AppError("INVALID_REQUEST", `user ${userId} has ${count} saved views of ${table}`, {
          userMessage: `You can keep at most ${MAX_SAVED_VIEWS_PER_TABLE} saved views of a table; delete one first.`,
          field: "name",
        });
      }
    }
    return tx.savedView.upsert({
      where: { userId_table_name: { userId, table, name } },
      create: { userId, table, name, query },
      update: { query },
      select: VIEW_COLUMNS,
    });
  });
}

/** Deletes one of the caller's views; another person's view answers like a missing one. */
export async function removeSavedView(ctx: TCtx, id: string) {
  const { count } = await ctx.prisma.savedView.deleteMany({ where: { id, userId: ctx.user.id } });
  if (count === 0) {
    throw new AppError("NOT_FOUND", `saved view ${id} not found for user ${ctx.user.id}`, {
      userMessage: "That saved view no longer exists.",
    });
  }
  return { id };
}
