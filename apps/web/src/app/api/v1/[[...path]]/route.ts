// /api/v1/* – the REST API (and /api/v1/openapi.json), served from the tRPC procedures
import { handleRestRequest } from "@switchyard/api/rest";
import { getPrisma } from "@switchyard/db";
import { getRequestUser } from "~/server/request-user";

export const dynamic = "force-dynamic";

// handleRestRequest observes itself (request id, access line, metrics by operation).
async function handler(request: Request) {
  return handleRestRequest(request, {
    prisma: getPrisma,
    resolveUser: getRequestUser,
    baseUrl: process.env.NEXTAUTH_URL,
  });
}

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
