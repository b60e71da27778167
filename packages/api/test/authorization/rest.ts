import type { PrismaClient } from "@switchyard/db";
import type { TSessionUser, TTokenScope } from "../../src/auth/session.ts";
import { bearerTokenOf, requiredScope, resolveApiToken } from "../../src/auth/tokens.ts";
import { ERROR_CODE_MAP } from "../../src/errors.ts";
import { getOpenApiDocument } from "../../src/rest/document.ts";
import { handleRestRequest } from "../../src/rest/handler.ts";
import { appRouter } from "../../src/root.ts";
import type { TMeta } from "../../src/trpc.ts";
import { SESSION_USERS, type TOutcome, type TRow, type TTransport } from "./matrix.ts";

/**
 * The authorisation matrix over REST: each procedure's matrix input becomes the request its
 * REST route takes (path parameters in the path, the rest in the query for GET and DELETE or
 * as the JSON body), sent through the real /api/v1 handler. The answer's error code maps back
 * to the matrix's outcomes, so the REST table is the tRPC table, not a copy of it.
 */
export type TRestRoute = { procedure: string; method: string; path: string };

/** Every operation of the OpenAPI document, by the procedure it serves. */
export function restRoutes(): TRestRoute[] {
  const document = getOpenApiDocument("http://localhost");
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { operationId: string }>).map(([method, operation]) => ({
      // trpc-to-openapi names operations by procedure path with a dash (workload-submit).
      procedure: operation.operationId.replace("-", "."),
      method: method.toUpperCase(),
      path,
    })),
  );
}

type TProcedureDef = { _def: { type: "query" | "mutation"; meta?: TMeta } };

/** The token scope a procedure needs, as trpc.ts decides it. */
export function scopeOf(procedure: string): TTokenScope {
  const def = (appRouter._def.procedures as unknown as Record<string, TProcedureDef>)[procedure]?._def;
  if (!def) throw new Error(`no procedure ${procedure}`);
  return requiredScope(def.type, def.meta?.scope);
}

/** REST statuses and codes as the matrix's outcomes (a domain rule broken is BAD_REQUEST there). */
function outcomeOf(status: number, code: string | undefined): string {
  if (status >= 500) return `HTTP ${status} ${code}`;
  if (code && code in ERROR_CODE_MAP) return ERROR_CODE_MAP[code as keyof typeof ERROR_CODE_MAP].trpc;
  const byStatus: Record<number, TOutcome> = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    422: "BAD_REQUEST",
  };
  return byStatus[status] ?? `HTTP ${status} ${code}`;
}

/** How a request proves who it is: the session (a header standing in for the cookie) or a token. */
export type TCredentials = (user: TSessionUser | null) => Record<string, string>;

/** Stands in for the console's session cookie, which the route resolves with next-auth. */
export const SESSION_HEADER = "x-test-session";

export function restOptions(prisma: PrismaClient) {
  return {
    prisma,
    baseUrl: "http://localhost",
    // These suites send thousands of requests with one set of credentials within a minute;
    // the limiter has its own tests (rest-conventions) and would only turn answers into 429s.
    rateLimit: { limit: 0, windowSeconds: 60 },
    resolveUser: async (request: Request) => {
      const token = bearerTokenOf(request.headers.get("authorization"));
      if (token) return resolveApiToken(prisma, token);
      const session = request.headers.get(SESSION_HEADER);
      return Object.values(SESSION_USERS).find((u) => u.id === session) ?? null;
    },
  };
}

/** The request a procedure's input becomes on its REST route. */
export function restRequest(
  route: TRestRoute,
  input: unknown,
  headers: Record<string, string>,
  base = "http://localhost/api/v1",
): Request {
  const rest: Record<string, unknown> = { ...((input as Record<string, unknown> | undefined) ?? {}) };
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value ?? ""));
  });
  const hasBody = route.method !== "GET" && route.method !== "DELETE";
  const query = new URLSearchParams();
  if (!hasBody) {
    for (const [key, value] of Object.entries(rest)) {
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
  }
  const search = query.size > 0 ? `?${query}` : "";
  return new Request(`${base}${path}${search}`, {
    method: route.method,
    headers: { ...headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
    body: hasBody ? JSON.stringify(rest) : undefined,
  });
}

export function restTransport(prisma: PrismaClient, credentials: TCredentials): TTransport {
  const routes = new Map(restRoutes().map((route) => [route.procedure, route]));
  const options = restOptions(prisma);
  return async (user, procedure, input) => {
    const route = routes.get(procedure);
    if (!route) throw new Error(`${procedure} has no REST route`);
    const response = await handleRestRequest(restRequest(route, input, credentials(user)), options);
    const body = (await response.json()) as { error?: { code?: string } } | null;
    if (response.status === 200) return { outcome: "OK", answer: body };
    return { outcome: outcomeOf(response.status, body?.error?.code) };
  };
}

/**
 * The matrix's expectations for a token with these scopes: a procedure whose scope the token
 * lacks is FORBIDDEN for every role (the scope check comes first), anything else is what the
 * owner's role gets over a session.
 */
export function withTokenScopes(rows: readonly TRow[], scopes: readonly TTokenScope[]): TRow[] {
  return rows.map((row) =>
    row.caller !== "ANONYMOUS" && !scopes.includes(scopeOf(row.procedure))
      ? { ...row, expected: "FORBIDDEN" }
      : row,
  );
}
