// GET|POST /api/auth/* – next-auth: sign-in, sign-out, session, SSO callbacks

import { logger } from "@switchyard/api/observability";
import NextAuth from "next-auth";
import { getAuthOptions } from "~/server/auth";
import { observed } from "~/server/observed";
import { authRequestRefusal, CALLBACK_URL_COOKIES } from "~/server/security/auth-requests";

export const dynamic = "force-dynamic";

/**
 * next-auth answers some requests a client can send with a 500: a callback URL or
 * callback-url cookie it cannot parse ("server configuration" error), a GET on the
 * credentials callback. Those are the client's mistakes, so they get a 4xx here: a browser
 * (GET) goes back to the sign-in page with an error, a script gets the error shape; the
 * cookie that caused it is cleared so the next attempt works.
 */
const handler = observed(
  "/api/auth/[...nextauth]",
  async (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => {
    const refusal = authRequestRefusal(request);
    if (refusal) return refusal;
    try {
      const response = await NextAuth(await getAuthOptions())(request, context);
      if (response.status < 500) return response;
      logger().error(
        { status: response.status, path: new URL(request.url).pathname },
        `next-auth answered ${response.status} to ${request.method}`,
      );
    } catch (error) {
      logger().error({ err: error }, "next-auth failed");
    }
    return authFailure(request);
  },
);

function authFailure(request: Request): Response {
  const signIn = "/signin?error=InvalidRequest";
  const headers = new Headers();
  for (const name of CALLBACK_URL_COOKIES)
    headers.append("set-cookie", `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  if (request.method === "GET" || request.method === "HEAD") {
    headers.set("location", signIn);
    return new Response(null, { status: 303, headers });
  }
  headers.set("content-type", "application/json");
  return new Response(
    JSON.stringify({
      error: { code: "INVALID_REQUEST", message: "This sign-in request is not valid; sign in again." },
      url: signIn,
    }),
    { status: 400, headers },
  );
}

export { handler as GET, handler as POST };
