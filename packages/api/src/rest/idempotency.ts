import { createHash } from "node:crypto";
import type { PrismaClient } from "@switchyard/db";
import { RestError } from "./errors.ts";

/** Keys are kept this long after their first use. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** A claim this old without an answer belongs to a process that died: the next request takes it over. */
const STALE_CLAIM_SECONDS = 120;
/** Headers of the first answer that a replay repeats. */
const REPLAYED_HEADERS = ["etag", "location"];

const KEY_PATTERN = /^[A-Za-z0-9._~:+/=-]{1,255}$/;

/** The Idempotency-Key header, checked: 1–255 letters, digits and `. _ ~ : + / = -`. */
export function idempotencyKeyOf(request: Request): string | null {
  const raw = request.headers.get("idempotency-key");
  if (raw === null) return null;
  // The IETF draft sends the key as a structured-field string: "…" in quotes.
  const key = /^".*"$/.test(raw.trim()) ? raw.trim().slice(1, -1) : raw.trim();
  if (!KEY_PATTERN.test(key)) {
    const message =
      key.length === 0
        ? "Idempotency-Key is empty: send 1 to 255 characters, e.g. a UUID."
        : key.length > 255
          ? `Idempotency-Key is ${key.length} characters long; at most 255 are allowed.`
          : "Idempotency-Key may hold only letters, digits and . _ ~ : + / = - (e.g. a UUID).";
    throw new RestError(400, "INVALID_IDEMPOTENCY_KEY", message, { "Idempotency-Key": [message] });
  }
  return key;
}

/** JSON with object keys sorted at every level: two bodies that mean the same hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHashOf(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method}\n${path}\n${canonicalJson(body)}`)
    .digest("hex");
}

export type TStoredAnswer = { status: number; body: string; headers: Record<string, string> };

export type TIdempotencyClaim =
  | { kind: "claimed"; store: (answer: TStoredAnswer) => Promise<void>; release: () => Promise<void> }
  | { kind: "replay"; answer: TStoredAnswer };

type TRow = {
  requestHash: string;
  status: number | null;
  responseBody: string | null;
  responseHeaders: Record<string, string> | null;
};

/**
 * Claims `key` for this request, or finds the answer of the request that claimed it first.
 *
 * 1. Insert the claim; on conflict take over only an expired key or a stale claim (one
 *    statement, so of any number of concurrent requests, on any replica, exactly one wins).
 * 2. Otherwise read the key: another body is 422; an answer is replayed.
 * 3. A claim still in flight is polled until it answers or `waitMs` passes: then 409.
 */
export async function claimIdempotencyKey(
  prisma: PrismaClient,
  options: { caller: string; key: string; requestHash: string; requestId: string; waitMs: number },
): Promise<TIdempotencyClaim> {
  const { caller, key, requestHash, requestId } = options;
  const claimed = await prisma.$queryRaw<{ caller: string }[]>`
    INSERT INTO "IdempotencyKey" ("caller", "key", "requestHash", "requestId", "createdAt", "lockedAt", "expiresAt")
    SELECT ${caller}, ${key}, ${requestHash}, ${requestId},
      clock.t, clock.t, clock.t + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}::int)
    -- One reading of the clock: three clock_timestamp() calls differ by microseconds, so the
    -- key would live a little longer than its TTL and the times would not agree.
    FROM (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS t) AS clock
    ON CONFLICT ("caller", "key") DO UPDATE SET
      "requestHash" = EXCLUDED."requestHash", "requestId" = EXCLUDED."requestId",
      "status" = NULL, "responseBody" = NULL, "responseHeaders" = NULL,
      "createdAt" = EXCLUDED."createdAt", "lockedAt" = EXCLUDED."lockedAt", "expiresAt" = EXCLUDED."expiresAt"
    WHERE "IdempotencyKey"."expiresAt" < EXCLUDED."createdAt"
      OR ("IdempotencyKey"."status" IS NULL
        AND "IdempotencyKey"."requestHash" = EXCLUDED."requestHash"
        AND "IdempotencyKey"."lockedAt" < EXCLUDED."lockedAt" - make_interval(secs => ${STALE_CLAIM_SECONDS}::int))
    RETURNING "caller"`;
  if (claimed.length === 1) {
    // Expired keys of every caller go now and then; the claim above already replaces this one.
    if (Math.random() < 0.02) {
      await prisma.$executeRaw`DELETE FROM "IdempotencyKey" WHERE "expiresAt" < clock_timestamp() AT TIME ZONE 'UTC'`;
    }
    return {
      kind: "claimed",
      store: async (answer) => {
        const headers = Object.fromEntries(
          Object.entries(answer.headers).filter(([name]) => REPLAYED_HEADERS.includes(name.toLowerCase())),
        );
        await prisma.$executeRaw`
          UPDATE "IdempotencyKey"
          SET "status" = ${answer.status}, "responseBody" = ${answer.body},
            "responseHeaders" = ${JSON.stringify(headers)}::jsonb
          WHERE "caller" = ${caller} AND "key" = ${key} AND "requestId" = ${requestId}`;
      },
      // A server fault is not an answer to keep: the key is freed so a retry runs again.
      release: async () => {
        await prisma.$executeRaw`
          DELETE FROM "IdempotencyKey"
          WHERE "caller" = ${caller} AND "key" = ${key} AND "requestId" = ${requestId} AND "status" IS NULL`;
      },
    };
  }

  const deadline = Date.now() + options.waitMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const row = await prisma.$queryRaw<TRow[]>`
      SELECT "requestHash", "status", "responseBody", "responseHeaders"
      FROM "IdempotencyKey" WHERE "caller" = ${caller} AND "key" = ${key}`;
    const found = row[0];
    // Released (its request failed) between our insert and this read: try to claim it again.
    if (!found)
      return claimIdempotencyKey(prisma, { ...options, waitMs: Math.max(0, deadline - Date.now()) });
    if (found.requestHash !== requestHash) {
      const message =
        "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.";
      throw new RestError(422, "IDEMPOTENCY_KEY_REUSED", message, { "Idempotency-Key": [message] });
    }
    if (found.status !== null) {
      return {
        kind: "replay",
        answer: {
          status: found.status,
          body: found.responseBody ?? "null",
          headers: found.responseHeaders ?? {},
        },
      };
    }
    if (Date.now() + delay > deadline) {
      throw new RestError(
        409,
        "IDEMPOTENCY_KEY_IN_USE",
        "A request with this Idempotency-Key is still being processed. Retry after a second to get its answer.",
        null,
        { "Retry-After": "1" },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
