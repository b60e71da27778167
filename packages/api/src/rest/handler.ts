import type { PrismaClient } from "@switchyard/db";
import { getPathRegExp, normalizePath } from "trpc-to-openapi";
import type { z } from "zod";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { currentEtag, parseEntityTags, type THttpPreconditions } from "../lib/preconditions.ts";
import { requestIdFor } from "../observability/context.ts";
import { observeRequest, setRequestRoute } from "../observability/http.ts";
import { logger } from "../observability/logger.ts";
import { appRouter } from "../root.ts";
import { createCallerFactory, createInnerContext, type TMeta } from "../trpc.ts";
import { getOpenApiDocument } from "./document.ts";
import { RestError, restErrorBody, toRestError } from "./errors.ts";
import { ETAG_READS, ETAG_WRITES } from "./etag-routes.ts";
import { claimIdempotencyKey, idempotencyKeyOf, requestHashOf, type TStoredAnswer } from "./idempotency.ts";
import { DEFAULT_RATE_LIMIT, rateLimitFromEnv, type TRateLimit, takeRateToken } from "./rate-limit.ts";
import { unknownFields } from "./unknown-fields.ts";

/** Read at start (apps/web's instrumentation) so a bad setting stops the console there. */
export { rateLimitFromEnv } from "./rate-limit.ts";

export const REST_PREFIX = "/api/v1";
/** Request bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

/** `path` is the procedure's (workload.list); `template` the REST path (/workloads/{workloadId}). */
type TRoute = {
  method: string;
  regex: RegExp;
  path: string;
  template: string;
  inputs: z.ZodType[];
  maxBodyBytes: number;
};

/** The REST routes, from the procedures' openapi meta: the same list trpc-to-openapi routes on. */
const ROUTES: TRoute[] = Object.entries(appRouter._def.procedures).flatMap(([path, procedure]) => {
  const def = (procedure as unknown as { _def: { meta?: TMeta; inputs: z.ZodType[] } })._def;
  const openapi = def.meta?.openapi;
  if (!openapi) return [];
  return [
    {
      method: openapi.method,
      regex: getPathRegExp(normalizePath(openapi.path)),
      path,
      template: openapi.path,
      inputs: def.inputs,
      maxBodyBytes: def.meta?.maxBodyBytes ?? MAX_BODY_BYTES,
    },
  ];
});

/** The largest body a route takes (`maxBodyBytes` in its meta, else MAX_BODY_BYTES). */
export function restBodyLimit(method: string, template: string): number {
  return ROUTES.find((r) => r.method === method && r.template === template)?.maxBodyBytes ?? MAX_BODY_BYTES;
}

export type TRestOptions = {
  /** The Prisma client, or how to get it (the process's client is opened on first use). */
  prisma: PrismaClient | (() => Promise<PrismaClient>);
  /** Who the request acts as: a Bearer token's owner or the session; throws AppError UNAUTHORIZED for a bad token. */
  resolveUser: (request: Request) => Promise<TSessionUser | null>;
  /** The public base URL for the document's `servers`. */
  baseUrl?: string;
  /** Requests per caller and window; default from SWITCHYARD_API_RATE_LIMIT / _WINDOW_SECONDS. */
  rateLimit?: TRateLimit;
  /** How long a request waits for an earlier one with the same Idempotency-Key (default 10 s). */
  idempotencyWaitMs?: number;
};

// JSON has no 64-bit integers: REST answers byte counts and sequence numbers (bigint in the
// database) as decimal strings, as the OpenAPI document says. JSON.stringify throws on a
// bigint without this.
if (!("toJSON" in BigInt.prototype)) {
  Object.defineProperty(BigInt.prototype, "toJSON", {
    value(this: bigint) {
      return this.toString();
    },
    configurable: true,
    writable: true,
  });
}

let envRateLimit: TRateLimit | null = null;

/**
 * Serves /api/v1: finds the route (from the procedures' openapi meta, the same routes the
 * document lists), reads and checks the body (size, JSON, unknown fields), resolves the
 * caller, counts the request against the caller's rate limit, claims the Idempotency-Key of
 * a POST (or replays its first answer), then calls the tRPC procedure, so its validation
 * and authorisation are the ones the console gets. (trpc-to-openapi's own handler is not
 * used: it switches the procedures' shared zod schemas to coercion on every request, which
 * broke the second call of a refined input and would loosen the console's validation too.)
 * Every error leaves as one body: `{"error": {"code", "message", "fieldErrors", "requestId"}}`.
 * Observed (observability/http.ts): request id, access log line, HTTP metrics by route template.
 */
export function handleRestRequest(request: Request, options: TRestOptions): Promise<Response> {
  return observeRequest(request, REST_PREFIX, () => serveRestRequest(request, options));
}

async function serveRestRequest(request: Request, options: TRestOptions): Promise<Response> {
  const requestId = requestIdFor(request.headers);
  // Headers every answer from here on carries (the rate-limit state once it is counted).
  const headers: Record<string, string> = { "X-Request-Id": requestId, "Cache-Control": "no-store" };
  try {
    const url = new URL(request.url);
    const path = normalizePath(url.pathname.slice(REST_PREFIX.length) || "/");
    if (request.method === "GET" && path === "/openapi.json") {
      return Response.json(getOpenApiDocument(options.baseUrl ?? url.origin), {
        headers: { "X-Request-Id": requestId, "Cache-Control": "public, max-age=60" },
      });
    }
    const matches = ROUTES.filter((route) => route.regex.test(path));
    const route = matches.find((r) => r.method === request.method);
    if (route) setRequestRoute(`${REST_PREFIX}${route.template}`);
    else {
      if (matches.length === 0)
        throw new RestError(404, "NOT_FOUND", `There is no endpoint ${REST_PREFIX}${path}.`);
      const allow = [...new Set(matches.map((r) => r.method))].join(", ");
      throw new RestError(
        405,
        "METHOD_NOT_ALLOWED",
        `${request.method} is not allowed here; use ${allow}.`,
        null,
        {
          Allow: allow,
        },
      );
    }
    const idempotencyKey = request.method === "POST" ? idempotencyKeyOf(request) : null;
    const ifMatch = parseEntityTags(request.headers.get("if-match"));
    if (ifMatch !== null && request.method !== "GET" && !ETAG_WRITES.has(route.path)) {
      const message = `${request.method} ${REST_PREFIX}${path} does not take If-Match: only updates of sites, team quotas and nodes do.`;
      throw new RestError(400, "PRECONDITION_NOT_SUPPORTED", message, { "If-Match": [message] });
    }

    const hasBody = request.method === "POST" || request.method === "PUT" || request.method === "PATCH";
    const body = hasBody ? await readJsonBody(request, route.maxBodyBytes) : undefined;
    const query = Object.fromEntries([...url.searchParams.keys()].map((key) => [key, true]));
    const pathParams = route.regex.exec(path)?.groups ?? {};
    if (route.inputs.length > 0) {
      // tRPC merges a procedure's inputs (a middleware's `id` and the procedure's own): a
      // field is unknown only when no input knows it.
      const value = { ...(hasBody ? body : query), ...pathParams };
      const perInput = route.inputs.map((input) => new Set(unknownFields(input, value)));
      const unknown = [...(perInput[0] ?? [])].filter((field) => perInput.every((set) => set.has(field)));
      if (unknown.length > 0) {
        throw new RestError(
          400,
          "UNKNOWN_FIELD",
          `Unknown field${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}.`,
          Object.fromEntries(
            unknown.map((field) => [field, ["Unknown field: check its spelling against the API reference."]]),
          ),
        );
      }
    }

    const user = await options.resolveUser(request).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "UNAUTHORIZED") {
        throw new RestError(401, "UNAUTHORIZED", error.userMessage, null, {
          "WWW-Authenticate": 'Bearer realm="switchyard"',
        });
      }
      throw error;
    });
    const caller = user ? (user.token ? `token:${user.token.id}` : `user:${user.id}`) : null;

    // The database is opened lazily: failing to open it is a 503 like any other outage.
    const prisma = typeof options.prisma === "function" ? await options.prisma() : options.prisma;

    // 1. Rate limit: every authenticated request counts, replays included.
    envRateLimit ??= options.rateLimit ? null : rateLimitFromEnv();
    const rateLimit = options.rateLimit ?? envRateLimit ?? DEFAULT_RATE_LIMIT;
    if (caller && rateLimit.limit > 0) {
      const decision = await takeRateToken(prisma, caller, rateLimit);
      Object.assign(headers, decision.headers);
      if (!decision.allowed) {
        throw new RestError(
          429,
          "TOO_MANY_REQUESTS",
          `More than ${rateLimit.limit} requests in ${rateLimit.windowSeconds} s with these credentials: retry after ${decision.resetSeconds} s.`,
        );
      }
    }

    const input =
      route.inputs.length === 0
        ? undefined
        : { ...(hasBody ? body : coerceQuery(url, route.inputs)), ...pathParams };
    const call = () =>
      callProcedure(prisma, user, requestId, route.path, input, {
        ifMatch: ETAG_WRITES.has(route.path) ? ifMatch : null,
        ifNoneMatch: parseEntityTags(request.headers.get("if-none-match")),
      });

    // 2. Idempotency: the first request with a key runs and stores its answer; the others
    // get that answer.
    if (idempotencyKey && caller) {
      const claim = await claimIdempotencyKey(prisma, {
        caller,
        key: idempotencyKey,
        requestHash: requestHashOf(request.method, path, body),
        requestId,
        waitMs: options.idempotencyWaitMs ?? 10_000,
      });
      if (claim.kind === "replay") {
        return answer(claim.answer, { ...headers, "Idempotent-Replayed": "true" });
      }
      const first = await call().catch((error: unknown) => errorAnswer(error, requestId));
      if (first.status >= 500) await claim.release();
      else await claim.store(first);
      return answer(first, headers);
    }
    return answer(await call(), headers);
  } catch (error) {
    return answer(errorAnswer(error, requestId), headers);
  }
}

/** Calls the procedure; the answer carries ETag for estate reads and writes, or is a 304. */
async function callProcedure(
  prisma: PrismaClient,
  user: TSessionUser | null,
  requestId: string,
  procedurePath: string,
  input: Record<string, unknown> | undefined,
  conditions: { ifMatch: string[] | "*" | null; ifNoneMatch: string[] | "*" | null },
): Promise<TStoredAnswer> {
  const http: THttpPreconditions = { ifMatch: conditions.ifMatch };
  // The ETag is read before the object: a change in between makes it older than the body,
  // so an If-Match built from it fails rather than overwriting a change the client missed.
  const read = ETAG_READS[procedurePath];
  const id = read ? input?.[read.param] : undefined;
  const etagBefore = read && typeof id === "string" ? await currentEtag(prisma, read.table, id) : null;
  const caller = createCaller(createInnerContext({ prisma, user, requestId, http })) as unknown as Record<
    string,
    Record<string, (input: unknown) => Promise<unknown>>
  >;
  const [router, procedure] = procedurePath.split(".") as [string, string];
  const data = await caller[router]?.[procedure]?.(input);
  const etag = etagBefore ?? http.etag;
  if (etagBefore && conditions.ifNoneMatch && matchesWeakly(conditions.ifNoneMatch, etagBefore)) {
    return { status: 304, body: "", headers: { ETag: etagBefore } };
  }
  return {
    status: 200,
    body: JSON.stringify(data ?? null),
    headers: etag ? { ETag: etag } : {},
  };
}

/** If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x". */
function matchesWeakly(tags: string[] | "*", etag: string): boolean {
  if (tags === "*") return true;
  const bare = (tag: string) => tag.replace(/^W\//, "");
  return tags.some((tag) => bare(tag) === bare(etag));
}

function errorAnswer(error: unknown, requestId: string): TStoredAnswer {
  const rest = toRestError(error);
  // A client's mistake is worth a line, not an alarm: no stack (a 5xx was logged by toRestError).
  if (rest.status < 500)
    logger().info({ status: rest.status, code: rest.code, message: rest.message }, "client error");
  return {
    status: rest.status,
    body: JSON.stringify(restErrorBody(rest, requestId)),
    headers: rest.headers,
  };
}

function answer(stored: TStoredAnswer, headers: Record<string, string>): Response {
  const all = { ...headers, ...stored.headers };
  // A versioned object may be kept by the client, but only revalidated (If-None-Match) before use.
  if (stored.headers.ETag) all["Cache-Control"] = "private, no-cache";
  if (stored.status === 304) return new Response(null, { status: 304, headers: all });
  // Bytes, not the string: Response checks a string body for lone surrogates character by
  // character (an eighth of the CPU of a 400 KB answer), and JSON.stringify never writes one.
  return new Response(Buffer.from(stored.body, "utf8"), {
    status: stored.status,
    headers: { "Content-Type": "application/json", ...all },
  });
}

const createCaller = createCallerFactory(appRouter);

/**
 * Query strings carry text: numbers and booleans the input declares are converted (a value
 * that is not one stays text, so validation names the field); a key the input takes a list
 * for may repeat, any other key given twice is refused by name.
 */
function coerceQuery(url: URL, inputs: z.ZodType[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    const declared = inputs.map((input) => fieldKind(input, key)).find((k) => k !== null);
    if (declared !== undefined && declared !== "array" && values.length > 1) {
      const message = `Given ${values.length} times in the query; give it once`;
      throw new RestError(400, "VALIDATION_FAILED", `Invalid request: ${key}: ${message}`, {
        [key]: [message],
      });
    }
    const kind = declared ?? "string";
    const convert = (value: string): unknown =>
      kind === "number" && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : kind === "boolean" && (value === "true" || value === "false")
          ? value === "true"
          : value;
    out[key] = kind === "array" || values.length > 1 ? values.map(convert) : convert(values[0] ?? "");
  }
  return out;
}

type TDef = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: TDef } })._zod.def;

function unwrapped(schema: z.ZodType): TDef {
  let def = defOf(schema);
  for (let depth = 0; depth < 10; depth++) {
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!inner) break;
    def = defOf(inner);
  }
  return def;
}

function fieldKind(input: z.ZodType, key: string): string | null {
  const field = unwrapped(input).shape?.[key];
  return field ? unwrapped(field).type : null;
}

/** The JSON body, at most `maxBytes` (MAX_BODY_BYTES unless the route says), as an object; 413, 415 and 400 otherwise. */
async function readJsonBody(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  }
  // No body and no Content-Type (`curl -X POST` on an action) is an empty object. Anything
  // else must say it is JSON: an HTML form on another site always names its own type.
  if (size === 0 && type === null) return {};
  if (!/^application\/json\s*(;|$)/i.test(type ?? "")) {
    throw new RestError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RestError(400, "MALFORMED_JSON", `The body is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RestError(400, "MALFORMED_JSON", "The body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

const tooLarge = (maxBytes: number) =>
  new RestError(413, "PAYLOAD_TOO_LARGE", `The body is larger than ${maxBytes / 1024} KiB.`);
