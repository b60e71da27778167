// GET|POST /api/trpc/* – the console's tRPC endpoint
import { appRouter, createInnerContext } from "@switchyard/api";
import { getPrisma } from "@switchyard/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUser } from "~/server/auth";

export const dynamic = "force-dynamic";

function handler(request: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () =>
      createInnerContext({
        prisma: await getPrisma(),
        user: await getSessionUser(),
        requestId: request.headers.get("x-request-id") ?? undefined,
      }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
