import type { PrismaClient } from "@switchyard/db";

/** Requests per caller per window; `limit` 0 switches the limit off. */
export type TRateLimit = { limit: number; windowSeconds: number };

export const DEFAULT_RATE_LIMIT: TRateLimit = { limit: 600, windowSeconds: 60 };

/**
 * SWITCHYARD_API_RATE_LIMIT (requests per window, 0 = off) and
 * SWITCHYARD_API_RATE_WINDOW_SECONDS; a value that is not a whole number is refused at
 * start rather than silently replaced by the default.
 */
export function rateLimitFromEnv(env: Record<string, string | undefined> = process.env): TRateLimit {
  const read = (name: string, fallback: number, min: number) => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 1_000_000_000) {
      throw new Error(`${name} must be a whole number of at least ${min}; it is "${raw}".`);
    }
    return Number(raw);
  };
  return {
    limit: read("SWITCHYARD_API_RATE_LIMIT", DEFAULT_RATE_LIMIT.limit, 0),
    windowSeconds: read("SWITCHYARD_API_RATE_WINDOW_SECONDS", DEFAULT_RATE_LIMIT.windowSeconds, 1),
  };
}

export type TRateDecision = {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds until the window ends. */
  resetSeconds: number;
};

/**
 * Counts one request of `bucket` in the current fixed window: one atomic upsert, so every
 * replica on the database shares the count, and the window comes from the database's clock,
 * so replicas with skewed clocks still agree on it. The first request of a window also drops
 * counters two windows old.
 */
export async function takeRateToken(
  prisma: PrismaClient,
  bucket: string,
  { limit, windowSeconds }: TRateLimit,
): Promise<TRateDecision> {
  const rows = await prisma.$queryRaw<{ count: number; resetSeconds: number }[]>`
    INSERT INTO "ApiRateCounter" ("bucket", "windowStart", "count")
    VALUES (
      ${bucket},
      to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ${windowSeconds}::int) * ${windowSeconds}::int) AT TIME ZONE 'UTC',
      1
    )
    ON CONFLICT ("bucket", "windowStart") DO UPDATE SET "count" = "ApiRateCounter"."count" + 1
    RETURNING "count",
      ceil(extract(epoch FROM "windowStart") + ${windowSeconds}::int - extract(epoch FROM clock_timestamp()))::int AS "resetSeconds"`;
  const count = Number(rows[0]?.count ?? 1);
  const resetSeconds = Math.max(1, Number(rows[0]?.resetSeconds ?? windowSeconds));
  if (count === 1) {
    await prisma.$executeRaw`
      DELETE FROM "ApiRateCounter"
      WHERE "windowStart" < (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${2 * windowSeconds}::int)`;
  }
  const allowed = count <= limit;
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": String(Math.max(0, limit - count)),
    "RateLimit-Reset": String(resetSeconds),
  };
  if (!allowed) headers["Retry-After"] = String(resetSeconds);
  return { allowed, headers, resetSeconds };
}
