import { currentLogContext, requestIdFor, withLogContext } from "./context.ts";
import { logger } from "./logger.ts";
import { processMetrics } from "./metrics.ts";

/**
 * Serves one HTTP request observed: it gets a request id (a valid incoming `X-Request-Id`, or
 * a new one) that every log line written while it runs carries and the answer echoes in
 * `X-Request-Id`; it is counted in switchyard_http_requests_total and timed under `route`
 * (a template such as `/api/export/[table]`; a handler may narrow it, see setRequestRoute);
 * and one access line is logged: info, or error for a 5xx (the failure itself is logged
 * where it is caught, with its stack). A handler that throws is a logged 500, never a crash.
 * Nested calls (a route handler around handleRestRequest) observe once, at the outside.
 */
export async function observeRequest(
  request: Request,
  route: string,
  handle: () => Promise<Response>,
): Promise<Response> {
  if (currentLogContext()?.isObserved) return handle();
  const requestId = requestIdFor(request.headers);
  return withLogContext({ requestId, route, isObserved: true }, async () => {
    const metrics = processMetrics();
    const started = performance.now();
    let response: Response;
    try {
      response = await handle();
    } catch (error) {
      logger().error({ err: error }, "request failed");
      response = Response.json(
        { error: { code: "INTERNAL", message: "Something went wrong on the server.", requestId } },
        { status: 500 },
      );
    }
    const seconds = (performance.now() - started) / 1_000;
    const labels = { method: request.method, route: currentLogContext()?.route ?? route };
    metrics.httpRequests.inc({ ...labels, status: String(response.status) });
    metrics.httpDuration.observe(labels, seconds);
    const line = { ...labels, status: response.status, durationMs: Math.round(seconds * 1_000_000) / 1_000 };
    if (response.status >= 500) logger().error(line, "request answered with a server error");
    else logger().info(line, "request");
    return withRequestIdHeader(response, requestId);
  });
}

/** The route this request counts under, once the handler knows it (REST: the operation's path template). */
export function setRequestRoute(route: string) {
  const context = currentLogContext();
  if (context?.isObserved) context.route = route;
}

function withRequestIdHeader(response: Response, requestId: string): Response {
  if (response.headers.get("x-request-id")) return response;
  try {
    response.headers.set("X-Request-Id", requestId);
    return response;
  } catch {
    // Some responses (redirects, fetched ones) have immutable headers: copy them.
    const headers = new Headers(response.headers);
    headers.set("X-Request-Id", requestId);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
