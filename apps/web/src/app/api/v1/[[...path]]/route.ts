// /api/v1/* – the REST API (and /api/v1/openapi.json), served from the tRPC procedures
import { handleRestRequest } from "@switchyard/api/rest";
import { getPrisma } from "@switchyard/db";
import { getRequestUser } from "~/server/request-user";
import { guardedApiRequest } from "~/server/security/request-guard";

export const dynamic = "force-dynamic";

// handleRestRequest observes itself (request id, access line, metrics by operation). The proxy
// skips this route: guardedApiRequest refuses cross-origin changes and oversized bodies and sets
// the security headers instead.
async function handler(request: Request) {
  return guardedApiRequest(request, (checked) =>
    handleRestRequest(checked, {
      prisma: getPrisma,
      resolveUser: getRequestUser,
      baseUrl: process.env.NEXTAUTH_URL,
    }),
  );
}

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
