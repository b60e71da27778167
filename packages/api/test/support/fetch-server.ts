/**
 * Serves fetch-style handlers (Request -> Response, as Next.js route handlers are) from a
 * plain node HTTP server on a free port, so tests can drive the real tRPC and REST handlers
 * over real HTTP without building the console.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type TFetchHandler = (request: Request) => Promise<Response>;
export type TFetchServer = { url: string; close: () => Promise<void> };

function toRequest(incoming: IncomingMessage, origin: string, body: Buffer | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = incoming.method ?? "GET";
  return new Request(new URL(incoming.url ?? "/", origin), {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : body,
  });
}

/**
 * Routes each request to the handler of the longest matching path prefix; others are 404.
 * On a free port, or on `port` (a server that comes up where a client already waits).
 */
export async function serveFetch(
  routes: Record<string, TFetchHandler>,
  options: { port?: number } = {},
): Promise<TFetchServer> {
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = toRequest(req, url, chunks.length > 0 ? Buffer.concat(chunks) : undefined);
      const prefix = prefixes.find((p) => new URL(request.url).pathname.startsWith(p));
      const response = prefix
        ? await (routes[prefix] as TFetchHandler)(request)
        : new Response(null, { status: 404 });
      const payload = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(payload);
    } catch (error) {
      // What Next.js does with a route handler that throws: a bare 500.
      console.error("fetch server: handler threw", error);
      res.writeHead(500).end();
    }
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
