import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signing of webhook deliveries, and the check a receiver runs. Every request carries:
 *
 *   X-Switchyard-Event:     the event type, e.g. workload.state_changed
 *   X-Switchyard-Delivery:  the delivery id; the same on every retry and redelivery, so a
 *                           receiver can drop duplicates with it
 *   X-Switchyard-Timestamp: unix seconds when this attempt was signed
 *   X-Switchyard-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * The timestamp is inside the signed text so a captured request cannot be replayed later
 * with a fresh timestamp; receivers should refuse old ones (WEBHOOK_SIGNATURE_TOLERANCE_SECONDS).
 * The key is the whole secret string as shown once in the console ("whsec_…"), as UTF-8.
 */
export const WEBHOOK_HEADERS = {
  event: "X-Switchyard-Event",
  delivery: "X-Switchyard-Delivery",
  timestamp: "X-Switchyard-Timestamp",
  signature: "X-Switchyard-Signature",
} as const;

/** How old a signed timestamp verifyWebhookSignature accepts by default (either direction). */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";

/** A new signing secret: 32 random bytes, base64url, with a recognisable prefix. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** What the console shows instead of a secret: enough to tell two secrets apart, no more. */
export function webhookSecretHint(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

/** The X-Switchyard-Signature value for a body signed at `timestamp` (unix seconds). */
export function signWebhookPayload(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * For receivers: whether a request really comes from Switchyard. Pass the raw body exactly
 * as received (before any JSON parsing) and the two headers. Compares in constant time, and
 * refuses a timestamp more than `toleranceSeconds` away from `now` (replays).
 *
 * ```ts
 * import { verifyWebhookSignature } from "@switchyard/api/webhooks";
 * const ok = verifyWebhookSignature(
 *   process.env.SWITCHYARD_WEBHOOK_SECRET,
 *   req.headers["x-switchyard-timestamp"],
 *   rawBody,
 *   req.headers["x-switchyard-signature"],
 * );
 * if (!ok) return res.writeHead(401).end();
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | null | undefined,
  body: string,
  header: string | null | undefined,
  options: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  if (!header || timestamp === null || timestamp === undefined) return false;
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1_000);
  if (Math.abs(now - seconds) > (options.toleranceSeconds ?? WEBHOOK_SIGNATURE_TOLERANCE_SECONDS))
    return false;
  const expected = Buffer.from(signWebhookPayload(secret, seconds, body));
  const actual = Buffer.from(header.trim());
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
