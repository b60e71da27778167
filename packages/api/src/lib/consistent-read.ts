import type { Prisma, PrismaClient } from "@switchyard/db";

/**
 * Runs several reads as of one moment: a REPEATABLE READ transaction, so rows that other
 * processes change together (a node's allocated count and its allocations, an approval and
 * its audit events) are seen together or not at all. PGlite has one connection and runs
 * transactions one at a time, so there every transaction already reads one moment.
 */
export function consistentRead<T>(
  prisma: PrismaClient,
  read: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(read, { isolationLevel: "RepeatableRead", timeout: 60_000, maxWait: 15_000 });
}
