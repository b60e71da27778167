import { Prisma, type PrismaClient } from "@switchyard/db";

/**
 * A large list's total without counting every matching row on every request: counted exactly
 * up to this many rows (the count stops there), above it PostgreSQL's planner estimate, which
 * costs a plan and no scan. The API says which (`totalIsEstimate`), the console shows "about N".
 */
export const EXACT_COUNT_UP_TO = 10_000;

export type TCount = { total: number; estimated: boolean };

/**
 * `countUpTo(limit)` counts the matching rows, stopping at `limit`; `estimate` is the statement
 * whose row estimate stands for the total (the list's FROM and WHERE, see plannerRowEstimate).
 */
export async function countOrEstimate(
  prisma: PrismaClient,
  countUpTo: (limit: number) => Promise<number>,
  estimate: Prisma.Sql,
  options: { exactUpTo?: number; now?: number } = {},
): Promise<TCount> {
  const exactUpTo = options.exactUpTo ?? EXACT_COUNT_UP_TO;
  const now = options.now ?? Date.now();
  const key = `${exactUpTo}\u0000${estimate.sql}\u0000${JSON.stringify(estimate.values)}`;
  const estimates = estimatesOf(prisma);
  const known = estimates.get(key);
  if (known && now - known.at < ESTIMATE_FOR_MS) return { total: known.total, estimated: true };
  const counted = await countUpTo(exactUpTo + 1);
  if (counted <= exactUpTo) {
    estimates.delete(key);
    return { total: counted, estimated: false };
  }
  // Never below what was counted: an estimate of a filtered list can be far off.
  const total = Math.max(counted, await plannerRowEstimate(prisma, estimate));
  if (estimates.size >= MAX_ESTIMATES) estimates.delete(estimates.keys().next().value as string);
  estimates.set(key, { total, at: now });
  return { total, estimated: true };
}

/**
 * A large list's estimate is reused this long (per filter set, per process): paging through it
 * costs one select per page. Small lists are counted on every request, so they are exact.
 */
export const ESTIMATE_FOR_MS = 10_000;
const MAX_ESTIMATES = 500;
const estimateCaches = new WeakMap<PrismaClient, Map<string, { total: number; at: number }>>();

function estimatesOf(prisma: PrismaClient) {
  let cache = estimateCaches.get(prisma);
  if (!cache) {
    cache = new Map();
    estimateCaches.set(prisma, cache);
  }
  return cache;
}

/** The rows PostgreSQL expects `statement` to return (EXPLAIN, nothing run). */
export async function plannerRowEstimate(prisma: PrismaClient, statement: Prisma.Sql): Promise<number> {
  const rows = await prisma.$queryRaw<Record<string, unknown>[]>(
    Prisma.sql`EXPLAIN (FORMAT JSON) ${statement}`,
  );
  const plan = Object.values(rows[0] ?? {})[0];
  const parsed = (typeof plan === "string" ? JSON.parse(plan) : plan) as {
    Plan?: { "Plan Rows"?: number };
  }[];
  return Math.round(Number(parsed[0]?.Plan?.["Plan Rows"] ?? 0));
}

/** `AND`-joined conditions (TRUE when there are none). */
export function sqlAnd(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length > 0 ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`;
}

/** An ILIKE pattern matching `text` anywhere, its wildcards escaped (Prisma's `contains`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
