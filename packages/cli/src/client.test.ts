import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createApi, retryAfterSeconds, unwrap } from "./client.ts";
import { CliError, EXIT } from "./exit-codes.ts";

type THandler = (
  request: IncomingMessage,
  body: string,
) => { status: number; headers?: Record<string, string>; body: unknown };

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A real HTTP server on a free port that answers in turn from `handlers` and records requests. */
async function serve(handlers: THandler[]) {
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => {
      body += c;
    });
    request.on("end", () => {
      seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)] as THandler;
      const answer = handler(request, body);
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const FAST = { retries: 3, maxWaitSeconds: 1, baseWaitSeconds: 0.01 };

describe("HTTP manners", () => {
  it("every POST carries an Idempotency-Key, reused by its retries after 429 and 503 (Retry-After honoured)", async () => {
    const busy =
      (status: number): THandler =>
      () => ({
        status,
        headers: { "retry-after": "0" },
        body: {
          error: { code: "TOO_MANY_REQUESTS", message: "slow down", fieldErrors: null, requestId: "r" },
        },
      });
    const { url, seen } = await serve([busy(429), busy(503), () => ({ status: 200, body: { ok: true } })]);
    const api = createApi(url, "sy_token", FAST);
    expect(await unwrap(api.POST("/audit/verify", {}))).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    const keys = seen.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(seen.every((r) => r.headers.authorization === "Bearer sy_token")).toBe(true);

    // A second logical POST gets a key of its own; GETs carry none.
    await unwrap(api.POST("/audit/verify", {}));
    expect(seen[3]?.headers["idempotency-key"]).not.toBe(keys[0]);
    await unwrap(api.GET("/me"));
    expect(seen[4]?.headers["idempotency-key"]).toBeUndefined();
  });

  it("the body is sent again on every retry", async () => {
    const { url, seen } = await serve([
      () => ({ status: 429, headers: { "retry-after": "0" }, body: {} }),
      () => ({ status: 200, body: { id: "w1", created: true } }),
    ]);
    const body = { spec: { name: "x" } as never, asDraft: false };
    await unwrap(createApi(url, "t", FAST).POST("/workloads", { body }));
    expect(seen.map((r) => JSON.parse(r.body))).toEqual([body, body]);
  });

  it("gives up after a few retries with the server's message", async () => {
    const { url, seen } = await serve([
      () => ({
        status: 429,
        headers: { "retry-after": "0" },
        body: {
          error: {
            code: "TOO_MANY_REQUESTS",
            message: "Too many requests",
            fieldErrors: null,
            requestId: "q",
          },
        },
      }),
    ]);
    const error = await unwrap(createApi(url, "t", FAST).GET("/me")).catch((e: unknown) => e);
    expect(seen).toHaveLength(4);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe("Too many requests");
    expect((error as CliError).exitCode).toBe(EXIT.ERROR);
  });

  it("errors carry the server's message, field errors, request id and the status's exit code", async () => {
    const { url } = await serve([
      () => ({
        status: 400,
        body: {
          error: {
            code: "VALIDATION_FAILED",
            message: "Invalid request: spec.gpu.count: At least 1 GPU",
            fieldErrors: { "spec.gpu.count": ["At least 1 GPU"] },
            requestId: "req-1",
          },
        },
      }),
      () => ({
        status: 404,
        body: {
          error: {
            code: "NOT_FOUND",
            message: "This workload does not exist.",
            fieldErrors: null,
            requestId: "req-2",
          },
        },
      }),
      () => ({
        status: 409,
        body: {
          error: {
            code: "CONFLICT",
            message: "Only a PENDING workload…",
            fieldErrors: null,
            requestId: "req-3",
          },
        },
      }),
    ]);
    const api = createApi(url, "t", FAST);
    const bad = (await unwrap(api.POST("/workloads", { body: { spec: {} as never } })).catch(
      (e) => e,
    )) as CliError;
    expect([bad.exitCode, bad.message, bad.fieldErrors, bad.requestId]).toEqual([
      EXIT.USAGE,
      "Invalid request: spec.gpu.count: At least 1 GPU",
      { "spec.gpu.count": ["At least 1 GPU"] },
      "req-1",
    ]);
    const missing = (await unwrap(api.GET("/workloads/{id}", { params: { path: { id: "nope" } } })).catch(
      (e) => e,
    )) as CliError;
    expect([missing.exitCode, missing.message]).toEqual([EXIT.NOT_FOUND, "This workload does not exist."]);
    const conflict = (await unwrap(
      api.POST("/workloads/{id}/place", { params: { path: { id: "w" } }, body: {} as never }),
    ).catch((e) => e)) as CliError;
    expect(conflict.exitCode).toBe(EXIT.CONFLICT);
  });

  it("a GET whose connection drops is tried again; a POST is not", async () => {
    let connections = 0;
    const server = createServer((request, response) => {
      connections += 1;
      if (connections === 1 || request.method === "POST") {
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: "u1", name: "A", email: "a@x", role: "VIEWER", teams: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const api = createApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "t", FAST);
    expect((await unwrap(api.GET("/me"))).id).toBe("u1");
    expect(connections).toBe(2);
    const before = connections;
    const error = (await unwrap(api.POST("/audit/verify", { body: {} as never })).catch(
      (e) => e,
    )) as CliError;
    expect(error.message).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+: /);
    expect(connections - before).toBe(1);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterSeconds("3")).toBe(3);
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 4_000)).toBe(6);
    expect(retryAfterSeconds("soon")).toBeNull();
    expect(retryAfterSeconds(null)).toBeNull();
  });
});
