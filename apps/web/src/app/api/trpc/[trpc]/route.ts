// GET|POST /api/trpc/* – the console's tRPC endpoint; also takes `Authorization: Bearer <token>`
import { handleTrpcRequest } from "@switchyard/api/trpc-handler";
import { getPrisma } from "@switchyard/db";
import { observed } from "~/server/observed";
import { getRequestUser } from "~/server/request-user";
import { bodyLimitFor, withBodyLimit } from "~/server/security/request-guard";

export const dynamic = "force-dynamic";

// Origin, content type and declared size were checked by src/proxy.ts; the body is counted here.
// Observed from the outside, so a body over the limit is counted and logged too.
const handler = observed("/api/trpc", async (incoming: Request) => {
  const request = await withBodyLimit(incoming, bodyLimitFor(new URL(incoming.url).pathname));
  if (request instanceof Response) return request;
  return handleTrpcRequest(request, { prisma: getPrisma, resolveUser: getRequestUser });
});

export { handler as GET, handler as POST };
