import type { PrismaClient } from "@switchyard/db";

/**
 * Takes or renews the lease on a loop for `seconds`, by the database clock. Returns whether
 * this holder has it. A crashed holder's lease simply expires.
 */
export async function acquireLease(
  prisma: PrismaClient,
  name: string,
  holder: string,
  seconds: number,
): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ holder: string }[]>`
    INSERT INTO "LoopLease" ("name", "holder", "expiresAt", "updatedAt")
    VALUES (${name}, ${holder}, now() + make_interval(secs => ${seconds}), now())
    ON CONFLICT ("name") DO UPDATE
       SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt", "updatedAt" = now()
     WHERE "LoopLease"."expiresAt" < now() OR "LoopLease"."holder" = EXCLUDED."holder"
    RETURNING "holder"`;
  return rows[0]?.holder === holder;
}

export async function releaseLease(prisma: PrismaClient, name: string, holder: string): Promise<void> {
  await prisma.$executeRaw`DELETE FROM "LoopLease" WHERE "name" = ${name} AND "holder" = ${holder}`;
}
