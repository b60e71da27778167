import "server-only";
import {
  AppError,
  appErrorFromDatabase,
  ERROR_CODE_MAP,
  humanFieldErrors,
  summariseIssues,
} from "@switchyard/api";
import { logger } from "@switchyard/api/observability";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";

/**
 * One mapping from thrown errors to REST responses: 422 for bad input, AppError codes, else
 * 500. A procedure called from a route throws a TRPCError wrapping the AppError or ZodError.
 */
export function handleApiError(thrown: unknown): Response {
  const unwrapped = thrown instanceof TRPCError && thrown.cause ? unwrap(thrown) : thrown;
  const error =
    unwrapped instanceof AppError || unwrapped instanceof ZodError
      ? unwrapped
      : (appErrorFromDatabase(unwrapped) ?? unwrapped);
  if (error instanceof TRPCError) {
    // Refused by a middleware (sign-in, role): no domain error underneath.
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: getHTTPStatusCodeFromError(error) },
    );
  }
  if (error instanceof ZodError) {
    const fields = humanFieldErrors(error.issues);
    return Response.json(
      { error: { code: "INVALID_REQUEST", message: summariseIssues(error.issues), fields } },
      { status: 422 },
    );
  }
  if (error instanceof AppError) {
    return Response.json(
      {
        error: {
          code: error.code,
          message: error.userMessage,
          ...(error.field ? { fields: { [error.field]: [error.userMessage] } } : {}),
        },
      },
      { status: ERROR_CODE_MAP[error.code].http },
    );
  }
  logger().error({ err: error }, "route handler failed");
  return Response.json(
    { error: { code: "INTERNAL", message: "Something went wrong on the server." } },
    { status: 500 },
  );
}

function unwrap(error: TRPCError): unknown {
  return error.cause instanceof AppError || error.cause instanceof ZodError ? error.cause : error;
}
