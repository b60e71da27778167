import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError, ERROR_CODE_MAP } from "../errors.ts";
import { appErrorFromDatabase } from "../lib/database-errors.ts";
import { humanFieldErrors } from "../lib/messages.ts";
import { logger } from "../observability/logger.ts";

/** Seconds a client is told to wait (Retry-After) when the database cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

/** The one error body of /api/v1. */
export type TRestErrorBody = {
  error: { code: string; message: string; fieldErrors: Record<string, string[]> | null; requestId: string };
};

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: Record<string, string[]> | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function restErrorBody(error: RestError, requestId: string): TRestErrorBody {
  return { error: { code: error.code, message: error.message, fieldErrors: error.fieldErrors, requestId } };
}

export function restErrorResponse(error: RestError, requestId: string): Response {
  const body = restErrorBody(error, requestId);
  return Response.json(body, {
    status: error.status,
    headers: { "X-Request-Id": requestId, "Cache-Control": "no-store", ...error.headers },
  });
}

/** Per-field messages in people's words (lib/messages.ts), as in tRPC errors. */
function fieldErrorsOf(error: ZodError): Record<string, string[]> {
  return humanFieldErrors(error.issues);
}

/** tRPC codes that come from the transport or a middleware, not from a service. */
const TRPC_STATUS: Partial<Record<TRPCError["code"], { status: number; code: string }>> = {
  PARSE_ERROR: { status: 400, code: "MALFORMED_JSON" },
  BAD_REQUEST: { status: 400, code: "VALIDATION_FAILED" },
  UNAUTHORIZED: { status: 401, code: "UNAUTHORIZED" },
  FORBIDDEN: { status: 403, code: "FORBIDDEN" },
  NOT_FOUND: { status: 404, code: "NOT_FOUND" },
  METHOD_NOT_SUPPORTED: { status: 405, code: "METHOD_NOT_ALLOWED" },
  CONFLICT: { status: 409, code: "CONFLICT" },
  PRECONDITION_FAILED: { status: 412, code: "PRECONDITION_FAILED" },
  PAYLOAD_TOO_LARGE: { status: 413, code: "PAYLOAD_TOO_LARGE" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  UNPROCESSABLE_CONTENT: { status: 422, code: "UNPROCESSABLE" },
  TOO_MANY_REQUESTS: { status: 429, code: "TOO_MANY_REQUESTS" },
};

/**
 * Any error a request ends with, as the REST error: schema violations are 400 naming each
 * field, AppErrors keep their code and status (a broken domain rule is 422), database errors
 * thrown outside a procedure (resolving a token, opening the database) map as inside one
 * (unreachable: 503 with Retry-After), middleware refusals map by their tRPC code; anything
 * else is a logged 500 with no detail.
 */
export function toRestError(thrown: unknown): RestError {
  if (thrown instanceof RestError) return thrown;
  const raw = thrown instanceof TRPCError ? (thrown.cause ?? thrown) : thrown;
  const cause = appErrorFromDatabase(raw) ?? raw;
  // Input validation only: a ZodError under INTERNAL_SERVER_ERROR is a response that failed
  // its output schema, the server's fault.
  const isInputError = !(thrown instanceof TRPCError) || thrown.code === "BAD_REQUEST";
  if (cause instanceof ZodError && isInputError) {
    const fieldErrors = fieldErrorsOf(cause);
    const summary = Object.entries(fieldErrors)
      .map(([field, messages]) => `${field}: ${messages.join(", ")}`)
      .join("; ");
    return new RestError(400, "VALIDATION_FAILED", `Invalid request: ${summary}`, fieldErrors);
  }
  if (cause instanceof AppError) {
    return new RestError(
      ERROR_CODE_MAP[cause.code].http,
      cause.code,
      cause.userMessage,
      cause.field ? { [cause.field]: [cause.userMessage] } : null,
      cause.code === "UNAVAILABLE" ? { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_S) } : {},
    );
  }
  if (thrown instanceof TRPCError) {
    const mapped = TRPC_STATUS[thrown.code];
    if (mapped) return new RestError(mapped.status, mapped.code, thrown.message);
  }
  logger().error({ err: thrown }, "REST request failed");
  return new RestError(500, "INTERNAL", "Something went wrong on the server.");
}
