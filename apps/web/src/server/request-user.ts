import "server-only";
import type { TSessionUser } from "@switchyard/api/session";
import { bearerTokenOf, resolveApiToken } from "@switchyard/api/tokens";
import { getPrisma } from "@switchyard/db";
import { getSessionUser } from "./auth";
import { clientAddress } from "./client-address";

/**
 * Who a tRPC or REST request acts as: with `Authorization: Bearer <token>`, the token's
 * owner as the database has them now (disabled: refused; role and teams fresh) narrowed to
 * the token's scopes and team; without it, the browser session. A request that sends a
 * token never falls back to the session: a bad token is a 401 (AppError UNAUTHORIZED).
 */
export async function getRequestUser(request: Request): Promise<TSessionUser | null> {
  const token = bearerTokenOf(request.headers.get("authorization"));
  if (token) return resolveApiToken(await getPrisma(), token, { ip: clientAddress(request.headers) });
  return getSessionUser();
}
