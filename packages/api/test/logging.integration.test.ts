import { Writable } from "node:stream";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { createLogger, logger, setLogger } from "../src/observability/logger.ts";
import { runLoopTick } from "../src/observability/loop-tick.ts";
import { handleRestRequest, type TRestOptions } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { handleTrpcRequest } from "../src/trpc-handler.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

type TLine = {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  tickId?: string;
  loop?: string;
  status?: number;
  route?: string;
  code?: string;
  err?: { message: string; stack: string };
};

/** The process logger pointed at an array for the test: every line pino writes, parsed. */
function captureLogs() {
  const lines: TLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let previous: ReturnType<typeof setLogger> = null;
  beforeEach(() => {
    lines.length = 0;
    previous = setLogger(createLogger({ level: "debug", destination }));
  });
  afterEach(() => {
    setLogger(previous);
  });
  return lines;
}

describeEachDb("request ids in logs", (kind) => {
  let t: TTestDb;
  let secret: string;
  const lines = captureLogs();
  const options = (extra: Partial<TRestOptions> = {}): TRestOptions => ({
    prisma: t.db.prisma,
    resolveUser: async (request) => {
      const token = bearerTokenOf(request.headers.get("authorization"));
      return token ? resolveApiToken(t.db.prisma, token) : null;
    },
    rateLimit: { limit: 0, windowSeconds: 60 },
    ...extra,
  });
  const rest = (path: string, init: RequestInit = {}, extra: Partial<TRestOptions> = {}) =>
    handleRestRequest(
      new Request(`http://localhost:3000/api/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) },
      }),
      options(extra),
    );

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const caller = createCaller(createInnerContext({ prisma: t.db.prisma, user: USERS.platform }));
    ({ secret } = await caller.token.create({ name: "logging", scopes: ["read", "write"] }));
  });
  afterAll(() => t.cleanup());

  it("takes a valid incoming X-Request-Id, echoes it and puts it on every line of the request", async () => {
    const response = await rest("/sites", { headers: { "x-request-id": "edge-proxy.42:abc" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("edge-proxy.42:abc");
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((line) => line.requestId === "edge-proxy.42:abc")).toBe(true);
    const access = lines.find((line) => line.msg === "request");
    expect(access).toMatchObject({ level: "info", status: 200, route: "/api/v1/sites" });
    expect(Number.isNaN(Date.parse(access?.time ?? ""))).toBe(false);
  });

  it("gives a request without one (or with an unusable one) a fresh id, on its lines and in the answer", async () => {
    for (const incoming of [undefined, "not a valid id; <script>", "x".repeat(101)]) {
      lines.length = 0;
      const response = await rest("/sites", { headers: incoming ? { "x-request-id": incoming } : {} });
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.map((line) => line.requestId)).toEqual(lines.map(() => id));
    }
  });

  it("logs a client error at info, without a stack, under the request's id; the error body names it too", async () => {
    const response = await rest("/workloads", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "bad-body-1" },
      body: JSON.stringify({ spec: { name: "x" }, colour: "blue" }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { requestId: string } }).error.requestId).toBe("bad-body-1");
    expect(lines.filter((line) => line.level === "error" || line.level === "fatal")).toEqual([]);
    const clientError = lines.find((line) => line.msg === "client error");
    expect(clientError).toMatchObject({ level: "info", requestId: "bad-body-1", code: "UNKNOWN_FIELD" });
    expect(clientError?.err).toBeUndefined();
    expect(lines.find((line) => line.msg === "request")).toMatchObject({ level: "info", status: 400 });
  });

  it("logs a server error at error level with its stack, under the request's id, and answers 500 without detail", async () => {
    const response = await rest(
      "/sites",
      { headers: { "x-request-id": "boom-1" } },
      {
        resolveUser: async () => {
          throw new Error("token store exploded");
        },
      },
    );
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("exploded");
    const failure = lines.find((line) => line.level === "error" && line.err);
    expect(failure?.requestId).toBe("boom-1");
    expect(failure?.err?.message).toBe("token store exploded");
    expect(failure?.err?.stack).toContain("logging.integration.test.ts");
  });

  it("does the same for tRPC: the id is echoed and on its lines", async () => {
    const response = await handleTrpcRequest(
      new Request("http://localhost:3000/api/trpc/site.list?input=%7B%22json%22%3A%7B%7D%7D", {
        headers: { authorization: `Bearer ${secret}`, "x-request-id": "trpc-call-7" },
      }),
      {
        prisma: async () => t.db.prisma,
        resolveUser: options().resolveUser,
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("trpc-call-7");
    expect(lines.find((line) => line.msg === "request")).toMatchObject({
      requestId: "trpc-call-7",
      status: 200,
      route: "/api/trpc",
    });
    expect(lines.every((line) => line.requestId === "trpc-call-7")).toBe(true);
  });
});

describe("loop ticks in logs", () => {
  const lines = captureLogs();

  it("puts a tick id and the loop's name on every line of a tick; a new tick gets a new id", async () => {
    const tick = () =>
      runLoopTick("webhooks", async () => {
        logger().info("first");
        await new Promise((resolve) => setTimeout(resolve, 1));
        logger().info("second");
      });
    await tick();
    await tick();
    expect(lines.map((line) => line.loop)).toEqual(["webhooks", "webhooks", "webhooks", "webhooks"]);
    const [a, b, c, d] = lines.map((line) => line.tickId);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).toBe(c);
  });

  it("logs a failed tick once, at error level with its stack, and rethrows", async () => {
    await expect(
      runLoopTick("reconcile", async () => {
        throw new Error("database went away");
      }),
    ).rejects.toThrow("database went away");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", loop: "reconcile", msg: "reconcile tick failed" });
    expect(lines[0]?.err?.stack).toContain("database went away");
  });
});
