import "server-only";
import { observeRequest } from "@switchyard/api/observability";

/**
 * A route handler, observed: a request id on every log line and in `X-Request-Id`, an access
 * line, and switchyard_http_requests_total under `route` (the route's template, as in
 * `/api/export/[table]`), so every /api route reports alike (observability/http.ts).
 */
export function observed<A extends unknown[]>(
  route: string,
  handler: (request: Request, ...rest: A) => Promise<Response> | Response,
): (request: Request, ...rest: A) => Promise<Response> {
  return (request, ...rest) => observeRequest(request, route, async () => handler(request, ...rest));
}
