import type { PrismaClient } from "@switchyard/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError, z } from "zod";
import { assertCanOperateWorkload } from "./auth/access.ts";
import { ESTATE_EDITOR_ROLES, roleRefusal } from "./auth/rules.ts";
import type { TRole, TSessionUser, TTokenScope } from "./auth/session.ts";
import { assertTokenMay } from "./auth/tokens.ts";
import { AppError, ERROR_CODE_MAP } from "./errors.ts";
import { appErrorFromDatabase } from "./lib/database-errors.ts";
import { findUnsafeInput, summariseIssues, unsafeInputError, zId } from "./lib/input.ts";
import { humanFieldErrors } from "./lib/messages.ts";
import type { THttpPreconditions } from "./lib/preconditions.ts";
import { withTokenUse } from "./lib/token-use.ts";
import { currentLogContext } from "./observability/context.ts";
import { logger } from "./observability/logger.ts";
import { processMetrics } from "./observability/metrics.ts";
import { auditTokenUse } from "./services/api-tokens.ts";

// ---------------------------------------------------------------------------
// Context: built per request by the route handler, or directly in tests.
// ---------------------------------------------------------------------------

export type TContext = {
  prisma: PrismaClient;
  user: TSessionUser | null;
  requestId: string;
  /** REST only: the request's If-Match, and the ETag a write leaves (lib/preconditions.ts). */
  http?: THttpPreconditions;
};

export function createInnerContext(options: {
  prisma: PrismaClient;
  user: TSessionUser | null;
  requestId?: string;
  http?: THttpPreconditions;
}): TContext {
  return {
    prisma: options.prisma,
    user: options.user,
    // The request's own id (observability/context.ts) when one is being served: audit events
    // and log lines then name the same request.
    requestId: options.requestId ?? currentLogContext()?.requestId ?? crypto.randomUUID(),
    ...(options.http ? { http: options.http } : {}),
  };
}

// ---------------------------------------------------------------------------
// Errors: zod issues become per-field messages, AppErrors keep their code.
// ---------------------------------------------------------------------------

export type { TFieldErrors } from "./lib/messages.ts";

/** Per-field messages in people's words (lib/messages.ts), whatever wording the schema had. */
function fieldErrorsOf(error: ZodError) {
  return humanFieldErrors(error.issues);
}

/**
 * What a procedure declares about itself: the token scope it needs beyond the default (read
 * for queries, write for mutations), whether it is an agent procedure, and its REST route.
 */
export type TOpenApiRoute = NonNullable<OpenApiMeta["openapi"]>;
export type TMeta = {
  scope?: TTokenScope;
  agent?: boolean;
  /** REST: the largest body this operation takes, when more than the default (rest/handler.ts). */
  maxBodyBytes?: number;
  openapi?: TOpenApiRoute;
};

/**
 * superjson, except that input it refuses (a "__proto__" or "constructor" key with type
 * metadata) is the client's fault: a 400 naming the problem, not a 500.
 */
const transformer = {
  serialize: (value: unknown) => superjson.serialize(value),
  deserialize: (value: unknown) => {
    try {
      return superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]);
    } catch (error) {
      const issues = [{ path: [], message: `The request cannot be read: ${(error as Error).message}` }];
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: summariseIssues(issues),
        cause: unsafeInputError(issues),
      });
    }
  },
};

const t = initTRPC
  .context<TContext>()
  .meta<TMeta>()
  .create({
    transformer,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const appError = cause instanceof AppError ? cause : null;
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        // A zod error's own message is its issues as JSON; people get one line naming the fields.
        message: appError
          ? appError.userMessage
          : cause instanceof ZodError
            ? summariseIssues(cause.issues)
            : shape.message,
        data: {
          ...data,
          appCode: appError?.code ?? null,
          fieldErrors:
            cause instanceof ZodError
              ? fieldErrorsOf(cause)
              : appError?.field
                ? { [appError.field]: [appError.userMessage] }
                : null,
        },
      };
    },
  });

/**
 * Turns AppErrors thrown by services into tRPC errors with the mapped code, and database
 * errors a client can provoke (a duplicate, an unknown reference, a value too long, the
 * database unreachable) into AppErrors first: no Prisma text ever reaches a client.
 */
const errorConversion = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause =
    result.error.cause instanceof AppError ? result.error.cause : appErrorFromDatabase(result.error.cause);
  if (cause)
    throw new TRPCError({ code: ERROR_CODE_MAP[cause.code].trpc, message: cause.userMessage, cause });
  return result;
});

/** The one input sanitiser (lib/input.ts), before any procedure's schema parses the input. */
const inputSanitiser = t.middleware(async ({ getRawInput, next }) => {
  const issues = findUnsafeInput(await getRawInput());
  if (issues.length > 0)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: summariseIssues(issues),
      cause: unsafeInputError(issues),
    });
  return next();
});

/**
 * Counts and times every procedure call under its own name: HTTP metrics see a tRPC batch as
 * one request to /api/trpc, this sees each procedure in it. Only procedures that exist reach
 * a middleware, so the label's values are bounded by the router.
 */
const procedureMetrics = t.middleware(async ({ path, type, next }) => {
  const metrics = processMetrics();
  const end = metrics.procedureDuration.startTimer({ procedure: path });
  const result = await next();
  end();
  metrics.procedureCalls.inc({ procedure: path, type, result: result.ok ? "ok" : result.error.code });
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// ---------------------------------------------------------------------------
// Procedures: public, signed in, and signed in with one of some roles.
// ---------------------------------------------------------------------------

/**
 * The one place token scopes are enforced: a request made with an API token needs the
 * procedure's scope (read for queries, write for mutations, approve for approval decisions,
 * admin for admin-only procedures); agent tokens reach agent procedures only. The role and
 * team checks that follow then run against the token owner's current row, so a token acts
 * with the intersection of its scopes and its owner's role. Mutations made with a token are
 * audited as token uses, except dry runs (a POST for its body that writes nothing, declared
 * `scope: "read"`): like queries, they change nothing to record.
 */
const tokenScopes = t.middleware(async ({ ctx, meta, path, type, next }) => {
  assertTokenMay(ctx.user, { path, type, scope: meta?.scope, agent: meta?.agent });
  const grant = ctx.user?.token;
  // Agent reports (heartbeats every few seconds) are not audited as token uses: what they
  // change that matters (a node registered, a node back up) is audited by the service.
  if (!ctx.user || !grant || type !== "mutation" || meta?.scope === "read" || meta?.agent) return next();
  // The change's own audited transaction records the use; one that made none records it after.
  const use = { procedure: path, grant, userId: ctx.user.id, recorded: false };
  const result = await withTokenUse(use, () => next());
  if (result.ok && !use.recorded) {
    // The change is committed: a failed audit write is logged, never turned into an error
    // that would make the client retry a change that happened.
    await auditTokenUse({ prisma: ctx.prisma, user: ctx.user, requestId: ctx.requestId }, path).catch(
      (error: unknown) => logger().error({ err: error, path }, "audit of token use failed"),
    );
  }
  return result;
});

export const publicProcedure = t.procedure
  .use(procedureMetrics)
  .use(errorConversion)
  .use(inputSanitiser)
  .use(tokenScopes);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export function roleProcedure(...roles: readonly TRole[]) {
  // Admin-only procedures need a token's admin scope, reads included.
  const base =
    roles.length === 1 && roles[0] === "ADMIN"
      ? protectedProcedure.meta({ scope: "admin" })
      : protectedProcedure;
  return base.use(({ ctx, next }) => {
    if (roleRefusal(ctx.user.role, roles, "do this")) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs one of the roles ${roles.join(", ")}; you are ${ctx.user.role}.`,
      });
    }
    return next();
  });
}

/**
 * Procedures of the node agent: an agent token only (a session or another token is
 * FORBIDDEN), and `ctx.agent` names the one site the token reports for.
 */
export const agentProcedure = protectedProcedure.meta({ agent: true }).use(({ ctx, next }) => {
  const grant = ctx.user.token;
  if (grant?.kind !== "AGENT" || !grant.siteId) {
    throw new AppError("FORBIDDEN", `${ctx.user.email} called an agent procedure without an agent token`, {
      userMessage: "This needs an agent token bound to the site (Settings → API tokens → New agent token).",
    });
  }
  return next({ ctx: { ...ctx, agent: { tokenId: grant.id, siteId: grant.siteId } } });
});

export { z };

/** Who may change the estate: sites, nodes, prices, quotas. */
export const estateEditorProcedure = roleProcedure(...ESTATE_EDITOR_ROLES);

/**
 * Changes to one workload, whose id is the input's `id`: its team's ML engineers, or the
 * estate's operators (see auth/access.ts). Procedures add the rest of their input.
 */
export const workloadOperatorProcedure = protectedProcedure
  .input(z.object({ id: zId("Workload id") }))
  .use(async ({ ctx, input, next }) => {
    await assertCanOperateWorkload(ctx.prisma, ctx.user, input.id);
    return next();
  });
