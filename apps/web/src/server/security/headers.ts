/**
 * Security headers of every response (set by src/proxy.ts).
 *
 * The Content-Security-Policy allows scripts only from this origin and those carrying the
 * request's nonce: Next.js marks its own inline bootstrap and hydration scripts with it
 * (it reads the nonce from the request's CSP header), and next-themes' inline script gets
 * it through the root layout. 'strict-dynamic' lets those trusted scripts load the page's
 * chunks. Styles allow 'unsafe-inline': React writes style attributes (charts, the map,
 * progress bars) and a style cannot run code. Everything else comes from this origin; no
 * framing, no plugins, forms post only here.
 */
export function contentSecurityPolicy(nonce: string, options: { isDev: boolean; isHttps: boolean }): string {
  const directives = [
    "default-src 'self'",
    // 'unsafe-eval' only for `next dev` (React's dev tools rebuild call stacks with eval).
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${options.isDev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    ...(options.isHttps ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * The policy of the API's responses (JSON, CSV, YAML, metrics, a script file; never a page):
 * nothing may load, run or frame them, as OWASP's REST security guidance advises. Constant,
 * so the proxy makes no nonce and copies no request headers for the API's many requests.
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The other security headers, the same on every response. */
export function securityHeaders(options: { isHttps: boolean }): Record<string, string> {
  return {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    // Only behind TLS: HSTS on plain http is ignored by browsers and wrong for a laptop's localhost.
    ...(options.isHttps ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/**
 * The response with `csp` and the security headers set. A response whose headers cannot be
 * changed (one fetched from elsewhere) is copied first.
 */
export function withSecurityHeaders<T extends Response>(response: T, csp: string, https: boolean): T {
  let out: Response = response;
  try {
    out.headers.set("Content-Security-Policy", csp);
  } catch {
    out = new Response(response.body, response);
    out.headers.set("Content-Security-Policy", csp);
  }
  for (const [name, value] of Object.entries(securityHeaders({ isHttps: https })))
    out.headers.set(name, value);
  return out as T;
}

/** A fresh nonce per request: 16 random bytes, base64. */
export function generateNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
