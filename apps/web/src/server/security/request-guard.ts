import { errorResponse } from "./error-response";
import { API_CONTENT_SECURITY_POLICY, withSecurityHeaders } from "./headers";
import { allowedOrigins, isHttps } from "./origin";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Largest request body by default: JSON for tRPC and REST is far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The catalog import takes a CSV file of up to 5 MB as text inside JSON: escaping (quotes,
 * newlines) can double it, so its procedures get 12 MiB.
 */
export const MAX_CATALOG_BODY_BYTES = 12 * 1024 * 1024;

/** An agent's telemetry batch: up to 10,000 samples of ~180 bytes (the REST handler checks 4 MiB too). */
export const MAX_TELEMETRY_BODY_BYTES = 4 * 1024 * 1024;

/** A batch of up to 100 workloads, each with a command of up to 20,000 characters (the REST handler checks 4 MiB too). */
export const MAX_BATCH_SUBMIT_BODY_BYTES = 4 * 1024 * 1024;

/** The body limit of a request to `pathname` (tRPC batches name their procedures in the path). */
export function bodyLimitFor(pathname: string): number {
  const procedures = pathname.startsWith("/api/trpc/") ? pathname.slice("/api/trpc/".length).split(",") : [];
  if (procedures.some((p) => p.startsWith("catalog."))) return MAX_CATALOG_BODY_BYTES;
  if (pathname === "/api/v1/agent/telemetry" || procedures.includes("agent.telemetry"))
    return MAX_TELEMETRY_BODY_BYTES;
  if (pathname === "/api/v1/workloads/batch" || procedures.includes("workload.submitBatch"))
    return MAX_BATCH_SUBMIT_BODY_BYTES;
  return MAX_BODY_BYTES;
}

/**
 * What the proxy does for an API request, done by a route the proxy skips (the REST API, where
 * the proxy's own run cost more than the checks): a state-changing request from another origin
 * is refused (403), a declared body over the route's limit too (413), and every answer gets the
 * API's constant policy and the security headers.
 */
export async function guardedApiRequest(
  request: Request,
  handle: (request: Request) => Promise<Response>,
): Promise<Response> {
  const refusal =
    crossOriginRefusal(request) ?? declaredBodyRefusal(request, bodyLimitFor(new URL(request.url).pathname));
  return withSecurityHeaders(
    refusal ?? (await handle(request)),
    API_CONTENT_SECURITY_POLICY,
    isHttps(request.headers),
  );
}

/**
 * Cross-site request forgery: a state-changing request that a browser sent from another
 * site is refused. Browsers always say where such a request comes from, in Origin (and in
 * Sec-Fetch-Site); a request with neither is not from a browser page (a script with an API
 * token, the CLI) and has no ambient cookie to abuse, so it passes. Same-site is not
 * enough: another app on a sibling subdomain is a different origin.
 */
export function crossOriginRefusal(request: Request): Response | null {
  if (!STATE_CHANGING.has(request.method)) return null;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (allowedOrigins(request.headers).has(origin)) return null;
    return forbidden();
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return forbidden();
  return null;
}

function forbidden() {
  return errorResponse(
    403,
    "FORBIDDEN",
    "Cross-origin request refused: this console accepts changes only from its own pages or from clients without an Origin header.",
  );
}

/**
 * tRPC takes JSON only. Its fetch adapter would also parse multipart/form-data, and a form
 * on another site can post that (or text/plain) without a CORS preflight: refusing every
 * other content type closes that route even where Origin is missing.
 */
export function trpcContentTypeRefusal(request: Request): Response | null {
  if (!STATE_CHANGING.has(request.method)) return null;
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") return null;
  return errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
}

/** A declared Content-Length over the limit, refused before any of the body is read. */
export function declaredBodyRefusal(request: Request, limit: number): Response | null {
  const declared = request.headers.get("content-length");
  if (declared === null) return null;
  const bytes = Number(declared);
  return Number.isFinite(bytes) && bytes > limit ? tooLarge(limit) : null;
}

export function tooLarge(limit: number): Response {
  return errorResponse(
    413,
    "PAYLOAD_TOO_LARGE",
    `The request body is larger than ${formatBytes(limit)}; send less at once.`,
  );
}

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/**
 * The body, read as it streams in and abandoned as soon as it passes `limit` bytes: a
 * chunked upload without Content-Length (or one that lies) is counted, not trusted.
 */
export async function readBodyWithLimit(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(`request body over ${limit} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The request with its body read under the limit, or the 413 to answer. Handlers that read
 * a body call this first; the returned request can be read as usual.
 */
export async function withBodyLimit(request: Request, limit: number): Promise<Request | Response> {
  if (!STATE_CHANGING.has(request.method)) return request;
  const declared = declaredBodyRefusal(request, limit);
  if (declared) return declared;
  try {
    const body = await readBodyWithLimit(request, limit);
    return new Request(request, { body: body as Uint8Array<ArrayBuffer> });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return tooLarge(limit);
    throw error;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
