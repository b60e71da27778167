import type { PrismaClient } from "@switchyard/db";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TSessionUser } from "./auth/session.ts";
import { AppError, ERROR_CODE_MAP } from "./errors.ts";
import { appErrorFromDatabase } from "./lib/database-errors.ts";
import { requestIdFor } from "./observability/context.ts";
import { observeRequest } from "./observability/http.ts";
import { logger } from "./observability/logger.ts";
import { UNAVAILABLE_RETRY_AFTER_S } from "./rest/errors.ts";
import { appRouter } from "./root.ts";
import { createInnerContext } from "./trpc.ts";

export type TTrpcHandlerOptions = {
  /** The process's Prisma client; a call that cannot reach the database is a 503, not a 500. */
  prisma: () => Promise<PrismaClient>;
  /** Who the request acts as: a Bearer token's owner or the session; throws AppError UNAUTHORIZED for a bad token. */
  resolveUser: (request: Request) => Promise<TSessionUser | null>;
  endpoint?: string;
};

/**
 * What went wrong while the context was built (resolving the caller, opening the database),
 * as the tRPC error a client should see: a bad token is 401 and an unreachable database 503,
 * like the same failures inside a procedure; anything else stays a 500.
 */
function contextError(error: unknown): unknown {
  const appError = error instanceof AppError ? error : appErrorFromDatabase(error);
  if (!appError) return error;
  return new TRPCError({
    code: ERROR_CODE_MAP[appError.code].trpc,
    message: appError.userMessage,
    cause: appError,
  });
}

/**
 * Serves /api/trpc: the console's tRPC endpoint, and the same for API clients with
 * `Authorization: Bearer <token>`. The route handler in apps/web calls this after its body
 * limit; the fault tests serve it from a plain node HTTP server. Observed like REST
 * (observability/http.ts): every log line of the call carries its request id.
 */
export function handleTrpcRequest(request: Request, options: TTrpcHandlerOptions): Promise<Response> {
  return observeRequest(request, options.endpoint ?? "/api/trpc", () => serveTrpcRequest(request, options));
}

function serveTrpcRequest(request: Request, options: TTrpcHandlerOptions): Promise<Response> {
  return fetchRequestHandler({
    endpoint: options.endpoint ?? "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => {
      try {
        const [prisma, user] = await Promise.all([options.prisma(), options.resolveUser(request)]);
        return createInnerContext({
          prisma,
          user,
          requestId: requestIdFor(request.headers),
        });
      } catch (error) {
        throw contextError(error);
      }
    },
    responseMeta({ errors }) {
      return errors.some((error) => error.code === "SERVICE_UNAVAILABLE")
        ? { headers: { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_S) } }
        : {};
    },
    onError({ error, path }) {
      // The server's fault with its stack; a client's (bad input, refused, not found) as a plain line.
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger().error({ err: error.cause ?? error, path }, "tRPC procedure failed");
      else if (error.code === "SERVICE_UNAVAILABLE")
        logger().warn({ code: error.code, path, message: error.message }, "tRPC procedure unavailable");
      else logger().info({ code: error.code, path, message: error.message }, "client error");
    },
  });
}
