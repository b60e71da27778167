/**
 * The one domain error of Switchyard. Services throw it; the tRPC error formatter and the
 * REST error handler translate it with ERROR_CODE_MAP, so services never import @trpc/server.
 */
export const ERROR_CODE_MAP = {
  /** The object does not exist or the caller may not know it exists. */
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404 },
  /** Signed in, but this role or team may not do this. */
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403 },
  /** Not signed in, or the credentials are wrong. */
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401 },
  /** The request clashes with the current state (illegal transition, duplicate). */
  CONFLICT: { trpc: "CONFLICT", http: 409 },
  /** Input passed schema validation but breaks a domain rule. */
  INVALID_REQUEST: { trpc: "BAD_REQUEST", http: 422 },
  /** Scheduling would exceed a node's GPUs, a quota or a budget. */
  CAPACITY_EXCEEDED: { trpc: "CONFLICT", http: 409 },
  /** No site can run the workload now; callers usually save it as PENDING instead. */
  NO_FEASIBLE_PLACEMENT: { trpc: "PRECONDITION_FAILED", http: 409 },
  /** An If-Match precondition failed: the object changed since the caller read it. */
  PRECONDITION_FAILED: { trpc: "PRECONDITION_FAILED", http: 412 },
  /** Too many attempts; try again later. */
  TOO_MANY_REQUESTS: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  /** The database cannot be reached now; the request may be tried again in a few seconds. */
  UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  INTERNAL: { trpc: "INTERNAL_SERVER_ERROR", http: 500 },
} as const;

export type TAppErrorCode = keyof typeof ERROR_CODE_MAP;

export class AppError extends Error {
  readonly code: TAppErrorCode;
  /** Safe to show to the user; `message` may carry internal detail for logs. */
  readonly userMessage: string;
  /** The input field the error is about, for forms. */
  readonly field?: string;

  constructor(
    code: TAppErrorCode,
    message: string,
    options: { userMessage?: string; field?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = options.userMessage ?? message;
    this.field = options.field;
  }
}
