import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The token Prometheus sends to scrape /api/metrics: one shared secret set on every console
 * (`SWITCHYARD_METRICS_TOKEN`), not an API token. A scraper is not a person: an API token acts
 * as its owner (role, teams, scopes) and would stop working when that person leaves, while
 * the metrics are estate-wide counts that no role narrows. Prometheus reads the secret from
 * a file (`authorization.credentials_file`) like any other bearer token.
 */
export const METRICS_TOKEN_MIN_LENGTH = 32;

/** SWITCHYARD_METRICS_TOKEN, checked at start: unset (metrics answer 401), or long enough. */
export function metricsTokenFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  const token = env.SWITCHYARD_METRICS_TOKEN?.trim();
  if (!token) return null;
  if (token.length < METRICS_TOKEN_MIN_LENGTH || /\s/.test(token)) {
    throw new Error(
      `SWITCHYARD_METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters without spaces (e.g. \`openssl rand -hex 32\`).`,
    );
  }
  return token;
}

/** Why a scrape is refused (a sentence for the 401's body), or null when its token is the configured one. */
export function metricsRefusal(authorization: string | null, configured: string | null): string | null {
  if (!configured)
    return "Metrics are off on this server: set SWITCHYARD_METRICS_TOKEN and send it as `Authorization: Bearer <token>`.";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization?.trim() ?? "");
  if (!match?.[1]) return "Send the metrics token as `Authorization: Bearer <token>`.";
  // Compare digests of equal length in constant time: neither the token nor its length leaks.
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(match[1]), digest(configured)) ? null : "This metrics token is not valid.";
}
