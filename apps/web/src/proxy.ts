import { type NextRequest, NextResponse } from "next/server";
import {
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  generateNonce,
  withSecurityHeaders,
} from "~/server/security/headers";
import { isHttps } from "~/server/security/origin";
import {
  bodyLimitFor,
  crossOriginRefusal,
  declaredBodyRefusal,
  trpcContentTypeRefusal,
} from "~/server/security/request-guard";

/**
 * Runs before every request but the REST API's (Next.js 16's proxy, formerly middleware; /api/v1/*
 * gets the same checks and headers from guardedApiRequest in its route):
 * 1. state-changing API requests from another origin are refused (403), tRPC takes JSON
 *    only (415), a declared body over the limit is refused before it is read (413); the
 *    route handlers count streamed bodies too (withBodyLimit);
 * 2. API responses get the constant API policy; pages (and Auth.js's routes, which may answer
 *    with a page) get a fresh nonce in this request's Content-Security-Policy, which Next.js
 *    reads to mark its inline scripts, and the layout reads (x-nonce) for next-themes;
 * 3. the security headers go on the response.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const https = isHttps(request.headers);
  if (pathname.startsWith("/api/")) {
    const refusal =
      crossOriginRefusal(request) ??
      (pathname.startsWith("/api/trpc/") ? trpcContentTypeRefusal(request) : null) ??
      declaredBodyRefusal(request, bodyLimitFor(pathname));
    if (refusal) return withSecurityHeaders(refusal, API_CONTENT_SECURITY_POLICY, https);
    if (!pathname.startsWith("/api/auth/"))
      return withSecurityHeaders(NextResponse.next(), API_CONTENT_SECURITY_POLICY, https);
  }

  const nonce = generateNonce();
  const csp = contentSecurityPolicy(nonce, options(https));
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  return withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp, https);
}

const options = (https: boolean) => ({ isDev: process.env.NODE_ENV === "development", isHttps: https });

export const config = {
  // Everything but the build's immutable assets (their headers come from next.config.ts) and
  // the REST API, whose route does the same checks itself (guardedApiRequest): running the
  // proxy cost a REST call about a sixth of its CPU (bench:api, issue 16).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/v1/).*)" }],
};
