/**
 * The retry schedule of webhook deliveries. A delivery is tried at most
 * WEBHOOK_MAX_ATTEMPTS times; after the n-th failed attempt the next one waits
 * WEBHOOK_BASE_DELAY_MS × 2^(n−1), at most WEBHOOK_MAX_DELAY_MS: 30 s, 1, 2, 4, 8, 16 and
 * 32 min, then hourly. Ten attempts span about three hours, enough to ride out a receiver's
 * deploy or a short outage without hammering it; after that the delivery is FAILED and an
 * admin can redeliver it from the delivery log.
 */
export const WEBHOOK_MAX_ATTEMPTS = 10;
export const WEBHOOK_BASE_DELAY_MS = 30_000;
export const WEBHOOK_MAX_DELAY_MS = 60 * 60_000;

/** How long a receiver has to answer (connect, headers and body) before the attempt fails. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The wait after `attempts` failed attempts, honouring a receiver's Retry-After when longer. */
export function webhookRetryDelayMs(attempts: number, retryAfterMs?: number | null): number {
  const exponential = WEBHOOK_BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1);
  return Math.min(WEBHOOK_MAX_DELAY_MS, Math.max(exponential, retryAfterMs ?? 0));
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds from `now`, or null. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
