import type { PrismaClient } from "@switchyard/db";
import type { TRPCError } from "@trpc/server";
import { createOpenApiNodeHttpHandler, getPathRegExp, normalizePath } from "trpc-to-openapi";
import type { z } from "zod";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { appRouter } from "../root.ts";
import { createInnerContext, type TContext, type TOpenApiRoute } from "../trpc.ts";
import { getOpenApiDocument } from "./document.ts";
import { RestError, restErrorResponse, toRestError } from "./errors.ts";
import { unknownFields } from "./unknown-fields.ts";

export const REST_PREFIX = "/api/v1";
/** Request bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

type TRoute = { method: string; regex: RegExp; path: string; input: z.ZodType | undefined };

/** The REST routes, from the procedures' openapi meta: the same list trpc-to-openapi routes on. */
const ROUTES: TRoute[] = Object.entries(appRouter._def.procedures).flatMap(([path, procedure]) => {
  const def = (procedure as unknown as { _def: { meta?: { openapi?: TOpenApiRoute }; inputs: z.ZodType[] } })
    ._def;
  const openapi = def.meta?.openapi;
  if (!openapi) return [];
  return [
    { method: openapi.method, regex: getPathRegExp(normalizePath(openapi.path)), path, input: def.inputs[0] },
  ];
});

export type TRestOptions = {
  prisma: PrismaClient;
  /** Who the request acts as: a Bearer token's owner or the session; throws AppError UNAUTHORIZED for a bad token. */
  resolveUser: (request: Request) => Promise<TSessionUser | null>;
  /** The public base URL for the document's `servers`. */
  baseUrl?: string;
};

type TPerRequest = { context: TContext; error?: TRPCError };
const perRequest = new WeakMap<object, TPerRequest>();

const openApiHandler = createOpenApiNodeHttpHandler({
  router: appRouter,
  createContext: ({ req }: { req: object }) => {
    const state = perRequest.get(req);
    if (!state) throw new Error("REST request without its context");
    return state.context;
  },
  onError: ({ error, req }: { error: TRPCError; req: object }) => {
    const state = perRequest.get(req);
    if (state) state.error = error;
  },
} as never) as unknown as (req: object, res: object) => Promise<void>;

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

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Serves /api/v1: finds the route, reads and checks the body (size, JSON, unknown fields),
 * resolves the caller, then hands the call to trpc-to-openapi, which runs the procedure
 * with its own validation and authorisation. Every error leaves as one body:
 * `{"error": {"code", "message", "fieldErrors", "requestId"}}`.
 */
export async function handleRestRequest(request: Request, options: TRestOptions): Promise<Response> {
  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
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
    if (!route) {
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

    const hasBody = request.method === "POST" || request.method === "PUT" || request.method === "PATCH";
    const body = hasBody ? await readJsonBody(request) : undefined;
    const query = Object.fromEntries([...url.searchParams.keys()].map((key) => [key, true]));
    const pathParams = route.regex.exec(path)?.groups ?? {};
    if (route.input) {
      const unknown = unknownFields(route.input, { ...(hasBody ? body : query), ...pathParams });
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
    return await callProcedure(request, url, path, body, hasBody, {
      context: createInnerContext({ prisma: options.prisma, user, requestId }),
    });
  } catch (error) {
    return restErrorResponse(toRestError(error), requestId);
  }
}

async function callProcedure(
  request: Request,
  url: URL,
  path: string,
  body: unknown,
  hasBody: boolean,
  state: TPerRequest,
): Promise<Response> {
  const inner = new Request(new URL(`${path}${url.search}`, url.origin), {
    method: request.method,
    headers: hasBody ? { "content-type": "application/json" } : {},
    signal: request.signal,
  });
  const req = new Proxy(inner, {
    get: (target, prop) => (prop === "body" && hasBody ? body : Reflect.get(target, prop, target)),
    has: (target, prop) => (prop === "body" ? hasBody : Reflect.has(target, prop)),
  });
  perRequest.set(req, state);
  const { status, text, headers } = await new Promise<{ status: number; text: string; headers: Headers }>(
    (resolve, reject) => {
      const headers = new Headers();
      let status = 200;
      const res = {
        setHeader: (key: string, value: string | string[]) => {
          for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
        },
        get statusCode() {
          return status;
        },
        set statusCode(code: number) {
          status = code;
        },
        end: (text: string) => resolve({ status, text, headers }),
      };
      openApiHandler(req, res).catch(reject);
    },
  );
  if (status >= 400) throw state.error ?? new RestError(status, "ERROR", "The request failed.");
  headers.set("X-Request-Id", state.context.requestId);
  headers.set("Cache-Control", "no-store");
  return new Response(text, { status, headers });
}

/** The JSON body, at most MAX_BODY_BYTES, as an object; 413, 415 and 400 otherwise. */
async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RestError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
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

const tooLarge = () =>
  new RestError(413, "PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
