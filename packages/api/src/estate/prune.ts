import type { PrismaClient } from "@switchyard/db";

/** How long changes stay in the log: a process that last read longer ago reads everything again. */
export const KEEP_CHANGES_SECONDS = 3_600;

/**
 * Deletes the changes older than `keepSeconds` and moves the horizon to the newest transaction
 * among them, in one statement: a process whose last read might not have seen one of them
 * reads the whole estate again (see EstateCache). Returns how many were deleted.
 */
export async function pruneEstateChanges(
  prisma: PrismaClient,
  keepSeconds = KEEP_CHANGES_SECONDS,
): Promise<number> {
  const [row] = await prisma.$queryRaw<{ pruned: bigint }[]>`
    WITH gone AS (
      DELETE FROM "EstateChange" WHERE "createdAt" < now() - make_interval(secs => ${keepSeconds})
      RETURNING "txid"
    ), horizon AS (
      INSERT INTO "EstateChangeHorizon" ("id", "prunedThrough")
      SELECT 1, max("txid") FROM gone HAVING count(*) > 0
      ON CONFLICT ("id") DO UPDATE
         SET "prunedThrough" = GREATEST("EstateChangeHorizon"."prunedThrough", EXCLUDED."prunedThrough")
    )
    SELECT count(*) AS pruned FROM gone`;
  return Number(row?.pruned ?? 0);
}
