import "server-only";
import type { TSessionUser } from "@switchyard/api/session";
import { bearerTokenOf, resolveApiToken } from "@switchyard/api/tokens";
import { getPrisma } from "@switchyard/db";
import { getSessionUser } from "./auth";

/** The client's address as the proxy in front reports it, for a token's "last used from". */
export function clientAddressOf(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || null;
}

/**
 * Who a tRPC or REST request acts as: with `Authorization: Bearer <token>`, the token's
 * owner as the database has them now (disabled: refused; role and teams fresh) narrowed to
 * the token's scopes and team; without it, the browser session. A request that sends a
 * token never falls back to the session: a bad token is a 401 (AppError UNAUTHORIZED).
 */
export async function getRequestUser(request: Request): Promise<TSessionUser | null> {
  const token = bearerTokenOf(request.headers.get("authorization"));
  if (token) return resolveApiToken(await getPrisma(), token, { ip: clientAddressOf(request) });
  return getSessionUser();
}
