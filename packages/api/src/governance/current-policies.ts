import type { Policy, Prisma, PrismaClient } from "@switchyard/db";

type TPolicyReader = Pick<PrismaClient | Prisma.TransactionClient, "policy">;

/**
 * The rules in force: the newest version of every policy key, enabled or not. Rules are
 * versioned by writing a new row, so "current" is always the highest version of a key.
 */
export async function currentPolicyVersions(db: TPolicyReader): Promise<Policy[]> {
  const rows = await db.policy.findMany({ orderBy: [{ key: "asc" }, { version: "desc" }] });
  const newest = new Map<string, Policy>();
  for (const row of rows) if (!newest.has(row.key)) newest.set(row.key, row);
  return [...newest.values()].sort((a, b) => a.stepOrder - b.stepOrder || a.key.localeCompare(b.key));
}

/** The enabled rules in force, in step order: what placement evaluates. */
export async function enabledPolicies(db: TPolicyReader): Promise<Policy[]> {
  return (await currentPolicyVersions(db)).filter((p) => p.enabled);
}
