// GET|POST /api/trpc/* – the console's tRPC endpoint; also takes `Authorization: Bearer <token>`
import { handleTrpcRequest } from "@switchyard/api/trpc-handler";
import { getPrisma } from "@switchyard/db";
import { getRequestUser } from "~/server/request-user";
import { bodyLimitFor, withBodyLimit } from "~/server/security/request-guard";

export const dynamic = "force-dynamic";

// Origin, content type and declared size were checked by src/proxy.ts; the body is counted here.
async function handler(incoming: Request) {
  const request = await withBodyLimit(incoming, bodyLimitFor(new URL(incoming.url).pathname));
  if (request instanceof Response) return request;
  return handleTrpcRequest(request, { prisma: getPrisma, resolveUser: getRequestUser });
}

export { handler as GET, handler as POST };
