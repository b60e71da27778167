// GET|POST /api/trpc/* – the console's tRPC endpoint; also takes `Authorization: Bearer <token>`
import { AppError, appRouter, createInnerContext } from "@switchyard/api";
import { getPrisma } from "@switchyard/db";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getRequestUser } from "~/server/request-user";
import { bodyLimitFor, withBodyLimit } from "~/server/security/request-guard";

export const dynamic = "force-dynamic";

async function userOf(request: Request) {
  try {
    return await getRequestUser(request);
  } catch (error) {
    if (error instanceof AppError && error.code === "UNAUTHORIZED") {
      throw new TRPCError({ code: "UNAUTHORIZED", message: error.userMessage, cause: error });
    }
    throw error;
  }
}

// Origin, content type and declared size were checked by src/proxy.ts; the body is counted here.
async function handler(incoming: Request) {
  const request = await withBodyLimit(incoming, bodyLimitFor(new URL(incoming.url).pathname));
  if (request instanceof Response) return request;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () =>
      createInnerContext({
        prisma: await getPrisma(),
        user: await userOf(request),
        requestId: request.headers.get("x-request-id") ?? undefined,
      }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
