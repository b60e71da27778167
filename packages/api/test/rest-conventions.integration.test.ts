import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createDb, type Db } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb, describeOnPostgres } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser, TTokenScope } from "../src/auth/session.ts";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { handleRestRequest, type TRestOptions } from "../src/rest/handler.ts";
import type { TRateLimit } from "../src/rest/rate-limit.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);

type TCall = {
  status: number;
  text: string;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; fieldErrors: Record<string, string[]> | null };
  };
  headers: Headers;
};

const spec = (name: string) => ({
  name,
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4"],
  estimatedHours: 1,
});

/** A REST "replica": the real handler on its own database client (its own connection pool). */
function replica(prisma: Db["prisma"], extra: Partial<TRestOptions> = {}) {
  const options: TRestOptions = {
    prisma,
    baseUrl: "http://localhost:3000",
    resolveUser: async (request: Request) => {
      const token = bearerTokenOf(request.headers.get("authorization"));
      return token ? resolveApiToken(prisma, token) : null;
    },
    rateLimit: { limit: 0, windowSeconds: 60 },
    ...extra,
  };
  return async function call(
    method: string,
    path: string,
    init: { token: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<TCall> {
    const response = await handleRestRequest(
      new Request(`http://localhost:3000/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${init.token}`,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
      options,
    );
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : {}, headers: response.headers };
  };
}

async function tokenFor(db: Db, user: TSessionUser, scopes: TTokenScope[], name = "conventions") {
  const caller = createCaller(createInnerContext({ prisma: db.prisma, user }));
  return (await caller.token.create({ name, scopes })).secret;
}

const workloadsNamed = (db: Db, name: string) => db.prisma.workload.count({ where: { name } });

describeEachDb("REST Idempotency-Key", (kind) => {
  let t: TTestDb;
  let call: ReturnType<typeof replica>;
  let admin: string;
  let engineer: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    call = replica(t.db.prisma);
    admin = await tokenFor(t.db, USERS.admin, ["read", "write", "approve", "admin"]);
    engineer = await tokenFor(t.db, USERS.engineer, ["read", "write"]);
  });
  afterAll(() => t.cleanup());

  it("replays the first answer to the same key and body, once created, with Idempotent-Replayed", async () => {
    const headers = { "Idempotency-Key": "submit-0001" };
    const first = await call("POST", "/workloads", {
      token: admin,
      body: { spec: spec("idem-one") },
      headers,
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // The same body with its keys in another order is the same request.
    const reordered = { spec: Object.fromEntries(Object.entries(spec("idem-one")).reverse()) };
    const again = await call("POST", "/workloads", { token: admin, body: reordered, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.text).toBe(first.text);
    expect(await workloadsNamed(t.db, "idem-one")).toBe(1);
  });

  it("refuses the same key with another body (422) and keys are per caller", async () => {
    const headers = { "Idempotency-Key": "submit-0002" };
    const mine = await call("POST", "/workloads", {
      token: admin,
      body: { spec: spec("idem-two") },
      headers,
    });
    expect(mine.status).toBe(200);
    const other = await call("POST", "/workloads", {
      token: admin,
      body: { spec: spec("idem-2b") },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.error?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(other.body.error?.fieldErrors).toHaveProperty("Idempotency-Key");
    // Another path with the same key and body is another request too.
    const otherPath = await call("POST", "/placement/recommend", {
      token: admin,
      body: spec("idem-two"),
      headers,
    });
    expect(otherPath.body.error?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await workloadsNamed(t.db, "idem-2b")).toBe(0);
    // The engineer's token has its own keys: the same key runs afresh (once the admin's
    // workload is cancelled: a team has one active workload per name).
    const cancelled = await call("POST", `/workloads/${String(mine.body.id)}/cancel`, {
      token: admin,
      body: {},
    });
    expect(cancelled.status).toBe(200);
    const theirs = await call("POST", "/workloads", {
      token: engineer,
      body: { spec: spec("idem-two") },
      headers,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(await workloadsNamed(t.db, "idem-two")).toBe(2);
  });

  it("checks the key: 1 to 255 letters, digits and . _ ~ : + / = -", async () => {
    for (const key of ["", "a".repeat(256), "has space", "naïve", "semi;colon"]) {
      const result = await call("POST", "/workloads", {
        token: admin,
        body: { spec: spec("idem-bad-key") },
        headers: { "Idempotency-Key": key },
      });
      expect({ key, status: result.status, code: result.body.error?.code }).toEqual({
        key,
        status: 400,
        code: "INVALID_IDEMPOTENCY_KEY",
      });
      expect(result.body.error?.fieldErrors).toHaveProperty("Idempotency-Key");
    }
    expect(await workloadsNamed(t.db, "idem-bad-key")).toBe(0);
    // A UUID, and the structured-field form in quotes, are fine.
    const uuid = crypto.randomUUID();
    for (const key of [uuid, `"${uuid}"`]) {
      const ok = await call("POST", "/workloads", {
        token: admin,
        body: { spec: spec("idem-uuid") },
        headers: { "Idempotency-Key": key },
      });
      expect(ok.status).toBe(200);
    }
    expect(await workloadsNamed(t.db, "idem-uuid")).toBe(1);
  });

  it("replays client errors too, but frees the key after a server fault", async () => {
    const headers = { "Idempotency-Key": "cancel-missing-1" };
    const first = await call("POST", "/workloads/workload-nowhere/cancel", {
      token: admin,
      body: {},
      headers,
    });
    expect(first.status).toBe(404);
    const again = await call("POST", "/workloads/workload-nowhere/cancel", {
      token: admin,
      body: {},
      headers,
    });
    expect(again.status).toBe(404);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.text).toBe(first.text);

    // A resolver that fails like a lost database: 500, and nothing is kept for the key.
    let broken = true;
    const flaky = replica(t.db.prisma, {
      resolveUser: async (request) => {
        const user = await resolveApiToken(
          t.db.prisma,
          bearerTokenOf(request.headers.get("authorization")) ?? "",
        );
        if (broken) {
          broken = false;
          const original = user;
          return new Proxy(original, {
            get(target, property) {
              // The procedure's middleware reads the role: this makes the call itself fail.
              if (property === "role") throw new Error("the database went away");
              return Reflect.get(target, property);
            },
          });
        }
        return user;
      },
    });
    const crashHeaders = { "Idempotency-Key": "submit-crash-1" };
    const crashed = await flaky("POST", "/workloads", {
      token: admin,
      body: { spec: spec("idem-crash") },
      headers: crashHeaders,
    });
    expect(crashed.status).toBe(500);
    const retried = await flaky("POST", "/workloads", {
      token: admin,
      body: { spec: spec("idem-crash") },
      headers: crashHeaders,
    });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await workloadsNamed(t.db, "idem-crash")).toBe(1);
  });

  it("waits a bounded time for a request still in flight, then answers 409; expired keys run again", async () => {
    const body = { spec: spec("idem-flight") };
    const headers = { "Idempotency-Key": "submit-flight-1" };
    const first = await call("POST", "/workloads", { token: admin, body, headers });
    const tokenId = (await t.db.prisma.apiToken.findFirstOrThrow({ where: { userId: USERS.admin.id } })).id;
    const where = { caller_key: { caller: `token:${tokenId}`, key: "submit-flight-1" } };
    // As if another replica had just claimed the key and not answered yet.
    await t.db.prisma.idempotencyKey.update({
      where,
      data: { status: null, responseBody: null, lockedAt: new Date() },
    });
    const patient = replica(t.db.prisma, { idempotencyWaitMs: 400 });
    const started = Date.now();
    const busy = await patient("POST", "/workloads", { token: admin, body, headers });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(busy.status).toBe(409);
    expect(busy.body.error?.code).toBe("IDEMPOTENCY_KEY_IN_USE");
    expect(busy.headers.get("retry-after")).toBe("1");
    // The first request answers while the second waits: the second gets that answer.
    const waiting = patient("POST", "/workloads", { token: admin, body, headers });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.db.prisma.idempotencyKey.update({ where, data: { status: 200, responseBody: first.text } });
    const answered = await waiting;
    expect({ status: answered.status, text: answered.text }).toEqual({ status: 200, text: first.text });
    expect(answered.headers.get("idempotent-replayed")).toBe("true");

    // After 24 hours the key is forgotten: the same request runs again (the first workload
    // has long finished by then, which frees its name).
    await t.db.prisma.workload.update({ where: { id: String(first.body.id) }, data: { state: "SUCCEEDED" } });
    const row = await t.db.prisma.idempotencyKey.findUniqueOrThrow({ where });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(24 * 3600 * 1000);
    await t.db.prisma.idempotencyKey.update({ where, data: { expiresAt: new Date(Date.now() - 1000) } });
    const fresh = await call("POST", "/workloads", { token: admin, body, headers });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(await workloadsNamed(t.db, "idem-flight")).toBe(2);
  });

  it("100 concurrent requests with one key create exactly one workload and all get the same answer", async () => {
    const body = { spec: spec("idem-hundred") };
    const headers = { "Idempotency-Key": "submit-hundred" };
    const results = await Promise.all(
      Array.from({ length: 100 }, () => call("POST", "/workloads", { token: admin, body, headers })),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true").length).toBe(99);
    expect(await workloadsNamed(t.db, "idem-hundred")).toBe(1);
  });
});

describeOnPostgres("REST Idempotency-Key and rate limits across two replicas", () => {
  let t: TTestDb;
  let second: Db;
  let admin: string;
  let engineer: string;

  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
    second = await createDb({ kind: "postgres", url: t.url as string });
    admin = await tokenFor(t.db, USERS.admin, ["read", "write", "approve", "admin"]);
    engineer = await tokenFor(t.db, USERS.engineer, ["read", "write"]);
  });
  afterAll(async () => {
    await second.close();
    await t.cleanup();
  });

  it("100 concurrent requests with one key on two replicas create exactly one workload, one answer", async () => {
    const replicas = [replica(t.db.prisma), replica(second.prisma)];
    const body = { spec: spec("idem-two-replicas") };
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (replicas[i % 2] as ReturnType<typeof replica>)("POST", "/workloads", {
          token: admin,
          body,
          headers,
        }),
      ),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") !== "true").length).toBe(1);
    expect(await workloadsNamed(t.db, "idem-two-replicas")).toBe(1);
  });

  it("a rate limit holds across replicas: 30 concurrent requests against a limit of 10 let exactly 10 through", async () => {
    const rateLimit: TRateLimit = { limit: 10, windowSeconds: 3600 };
    const replicas = [replica(t.db.prisma, { rateLimit }), replica(second.prisma, { rateLimit })];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (replicas[i % 2] as ReturnType<typeof replica>)("GET", "/sites?limit=1", { token: engineer }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(10);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBe(20);
    for (const r of refused) {
      expect(r.body.error?.code).toBe("TOO_MANY_REQUESTS");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(r.headers.get("ratelimit-remaining")).toBe("0");
    }
    const remaining = results
      .filter((r) => r.status === 200)
      .map((r) => Number(r.headers.get("ratelimit-remaining")))
      .sort((a, b) => a - b);
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describeEachDb("REST rate limits", (kind) => {
  let t: TTestDb;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    admin = await tokenFor(t.db, USERS.admin, ["read", "write", "approve", "admin"]);
    viewer = await tokenFor(t.db, USERS.viewer, ["read"]);
  });
  afterAll(() => t.cleanup());

  it("counts each token's requests in a window: RateLimit-* on every answer, 429 with Retry-After over it", async () => {
    const call = replica(t.db.prisma, { rateLimit: { limit: 3, windowSeconds: 2 } });
    // Align to the start of a window so all four requests fall in one.
    const windowMs = 2000;
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 50));
    const answers: TCall[] = [];
    for (let i = 0; i < 4; i++) answers.push(await call("GET", "/sites?limit=1", { token: admin }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get("ratelimit-limit"))).toEqual(["3", "3", "3", "3"]);
    expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    const over = answers[3] as TCall;
    expect(over.body.error).toEqual({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("retry after"),
      fieldErrors: null,
      requestId: over.headers.get("x-request-id"),
    });
    const retryAfter = Number(over.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(over.headers.get("ratelimit-reset")).toBe(String(retryAfter));
    // Errors count and carry the headers too; another token has its own budget.
    const other = await call("GET", "/sites/nowhere", { token: viewer });
    expect(other.status).toBe(404);
    expect(other.headers.get("ratelimit-remaining")).toBe("2");
    // The next window starts afresh.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 50));
    const later = await call("GET", "/sites?limit=1", { token: admin });
    expect(later.status).toBe(200);
    expect(later.headers.get("ratelimit-remaining")).toBe("2");
  });

  it("is off at 0: no counting and no headers", async () => {
    const call = replica(t.db.prisma, { rateLimit: { limit: 0, windowSeconds: 60 } });
    const before = await t.db.prisma.apiRateCounter.count();
    const answer = await call("GET", "/sites?limit=1", { token: admin });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("ratelimit-limit")).toBeNull();
    expect(await t.db.prisma.apiRateCounter.count()).toBe(before);
  });
});

describeEachDb("REST ETag and If-Match on estate objects", (kind) => {
  let t: TTestDb;
  let call: ReturnType<typeof replica>;
  let admin: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    call = replica(t.db.prisma);
    admin = await tokenFor(t.db, USERS.admin, ["read", "write", "approve", "admin"]);
  });
  afterAll(() => t.cleanup());

  const siteBody = async (id: string, name: string) => {
    const site = await t.db.prisma.site.findUniqueOrThrow({
      where: { id },
      include: { prices: true, latencies: true },
    });
    return {
      data: {
        slug: site.slug,
        name,
        kind: site.kind,
        provider: site.provider,
        region: site.region,
        country: site.country,
        jurisdiction: site.jurisdiction,
        certifications: site.certifications,
        wanGbps: Number(site.wanGbps),
        egressUsdPerGb: Number(site.egressUsdPerGb),
        carbonGPerKwh: site.carbonGPerKwh,
        latitude: site.latitude,
        longitude: site.longitude,
        prices: site.prices.map((p) => ({ gpuModel: p.gpuModel, usdPerGpuHour: Number(p.usdPerGpuHour) })),
        latencies: site.latencies
          .filter((l) => /^[a-z]+(-[a-z0-9]+)*$/.test(l.userRegion))
          .map((l) => ({ userRegion: l.userRegion, latencyMs: l.latencyMs })),
      },
    };
  };

  it("GET answers a strong ETag on sites, nodes, datasets and teams, and 304 to If-None-Match", async () => {
    for (const path of [
      "/sites/site-dc-frankfurt",
      "/nodes/node-dc-frankfurt-h100-001",
      "/datasets/dataset-claims-2025",
      "/teams/team-applied-ml",
    ]) {
      const got = await call("GET", path, { token: admin });
      const etag = got.headers.get("etag");
      expect(etag, path).toMatch(/^"[0-9a-z]+"$/);
      const unchanged = await call("GET", path, {
        token: admin,
        headers: { "If-None-Match": `"old", ${etag}` },
      });
      expect({ path, status: unchanged.status, text: unchanged.text }).toEqual({
        path,
        status: 304,
        text: "",
      });
      expect(unchanged.headers.get("etag")).toBe(etag);
      const weak = await call("GET", path, { token: admin, headers: { "If-None-Match": `W/${etag}` } });
      expect(weak.status).toBe(304);
      const changed = await call("GET", path, { token: admin, headers: { "If-None-Match": '"other"' } });
      expect(changed.status).toBe(200);
    }
    // Not found stays 404, even with If-None-Match: *.
    expect(
      (await call("GET", "/sites/nowhere", { token: admin, headers: { "If-None-Match": "*" } })).status,
    ).toBe(404);
  });

  it("PUT /sites/{id} with a stale If-Match is 412 and changes nothing; with the current one it writes", async () => {
    const id = "site-dc-frankfurt";
    const etag = (await call("GET", `/sites/${id}`, { token: admin })).headers.get("etag") as string;
    const first = await call("PUT", `/sites/${id}`, {
      token: admin,
      body: await siteBody(id, "Frankfurt DC (renamed once)"),
      headers: { "If-Match": etag },
    });
    expect(first.status).toBe(200);
    const newEtag = first.headers.get("etag");
    expect(newEtag).toMatch(/^"[0-9a-z]+"$/);
    expect(newEtag).not.toBe(etag);
    expect((await call("GET", `/sites/${id}`, { token: admin })).headers.get("etag")).toBe(newEtag);

    const stale = await call("PUT", `/sites/${id}`, {
      token: admin,
      body: await siteBody(id, "Frankfurt DC (lost update)"),
      headers: { "If-Match": etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error?.code).toBe("PRECONDITION_FAILED");
    expect(stale.body.error?.message).toContain("changed since you read it");
    expect(stale.body.error?.fieldErrors).toHaveProperty("If-Match");
    expect((await t.db.prisma.site.findUniqueOrThrow({ where: { id } })).name).toBe(
      "Frankfurt DC (renamed once)",
    );
    // A weak tag never matches If-Match; * matches any current version; no header: last write wins.
    const weak = await call("PUT", `/sites/${id}`, {
      token: admin,
      body: await siteBody(id, "weak"),
      headers: { "If-Match": `W/${newEtag}` },
    });
    expect(weak.status).toBe(412);
    const any = await call("PUT", `/sites/${id}`, {
      token: admin,
      body: await siteBody(id, "Frankfurt DC (any)"),
      headers: { "If-Match": "*" },
    });
    expect(any.status).toBe(200);
    expect(
      (await call("PUT", `/sites/${id}`, { token: admin, body: await siteBody(id, "Frankfurt DC") })).status,
    ).toBe(200);
  });

  it("team quotas and node cordon check If-Match; If-Match on one node only; refused where not supported", async () => {
    const team = await call("GET", "/teams/team-inference-platform", { token: admin });
    const teamEtag = team.headers.get("etag") as string;
    const quotas = { quotas: [{ gpuModel: "L4", guaranteedGpus: 32, limitGpus: 100 }] };
    const put = await call("PUT", "/teams/team-inference-platform/quotas", {
      token: admin,
      body: quotas,
      headers: { "If-Match": teamEtag },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).not.toBe(teamEtag);
    const stale = await call("PUT", "/teams/team-inference-platform/quotas", {
      token: admin,
      body: { quotas: [] },
      headers: { "If-Match": teamEtag },
    });
    expect(stale.status).toBe(412);
    expect(await t.db.prisma.quota.count({ where: { teamId: "team-inference-platform" } })).toBe(1);

    const node = "node-dc-frankfurt-a100-80gb-016";
    const nodeEtag = (await call("GET", `/nodes/${node}`, { token: admin })).headers.get("etag") as string;
    const cordoned = await call("POST", "/nodes/cordon", {
      token: admin,
      body: { ids: [node] },
      headers: { "If-Match": nodeEtag },
    });
    expect(cordoned.status).toBe(200);
    expect(cordoned.body).toMatchObject({ status: "CORDONED" });
    const staleDrain = await call("POST", "/nodes/drain", {
      token: admin,
      body: { ids: [node] },
      headers: { "If-Match": nodeEtag },
    });
    expect(staleDrain.status).toBe(412);
    expect((await t.db.prisma.gpuNode.findUniqueOrThrow({ where: { id: node } })).status).toBe("CORDONED");
    const two = await call("POST", "/nodes/uncordon", {
      token: admin,
      body: { ids: [node, "node-dc-frankfurt-a100-80gb-015"] },
      headers: { "If-Match": cordoned.headers.get("etag") as string },
    });
    expect(two.status).toBe(422);
    expect(two.body.error?.fieldErrors).toHaveProperty("If-Match");
    const back = await call("POST", "/nodes/uncordon", {
      token: admin,
      body: { ids: [node] },
      headers: { "If-Match": cordoned.headers.get("etag") as string },
    });
    expect(back.status).toBe(200);

    const unsupported = await call("POST", "/workloads", {
      token: admin,
      body: { spec: spec("if-match-nowhere") },
      headers: { "If-Match": '"x"' },
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error?.code).toBe("PRECONDITION_NOT_SUPPORTED");
  });

  it("checks If-Match inside the write's transaction: of two concurrent updates with one ETag, one wins", async () => {
    const id = "site-dc-singapore";
    const etag = (await call("GET", `/sites/${id}`, { token: admin })).headers.get("etag") as string;
    const [a, b] = await Promise.all(
      ["Singapore DC (A)", "Singapore DC (B)"].map(async (name) =>
        call("PUT", `/sites/${id}`, {
          token: admin,
          body: await siteBody(id, name),
          headers: { "If-Match": etag },
        }),
      ),
    );
    expect([a?.status, b?.status].sort()).toEqual([200, 412]);
    const winner = a?.status === 200 ? "Singapore DC (A)" : "Singapore DC (B)";
    expect((await t.db.prisma.site.findUniqueOrThrow({ where: { id } })).name).toBe(winner);
  });
});

describe("rate-limit configuration", () => {
  it("is read from the environment with defaults, and refuses nonsense", async () => {
    const { rateLimitFromEnv } = await import("../src/rest/rate-limit.ts");
    expect(rateLimitFromEnv({})).toEqual({ limit: 600, windowSeconds: 60 });
    expect(
      rateLimitFromEnv({ SWITCHYARD_API_RATE_LIMIT: "0", SWITCHYARD_API_RATE_WINDOW_SECONDS: "10" }),
    ).toEqual({ limit: 0, windowSeconds: 10 });
    expect(() => rateLimitFromEnv({ SWITCHYARD_API_RATE_LIMIT: "lots" })).toThrow(
      /SWITCHYARD_API_RATE_LIMIT/,
    );
    expect(() => rateLimitFromEnv({ SWITCHYARD_API_RATE_WINDOW_SECONDS: "0" })).toThrow(
      /SWITCHYARD_API_RATE_WINDOW_SECONDS/,
    );
  });
});

describe("the OpenAPI document states the conventions", () => {
  it("Idempotency-Key on every POST, If-Match and 412 on estate writes, ETag and 304 on estate reads, rate-limit headers", async () => {
    const { getOpenApiDocument } = await import("../src/rest/document.ts");
    const document = getOpenApiDocument("http://localhost:3000") as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            parameters?: { $ref?: string }[];
            responses: Record<string, { headers?: Record<string, unknown> }>;
          }
        >
      >;
      components: { headers: Record<string, unknown>; parameters: Record<string, unknown> };
    };
    const refs = (op: { parameters?: { $ref?: string }[] }) => (op.parameters ?? []).map((p) => p.$ref);
    let posts = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(Object.keys(op.responses["200"]?.headers ?? {}), name).toEqual(
          expect.arrayContaining(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]),
        );
        expect(Object.keys(op.responses["429"]?.headers ?? {}), name).toContain("Retry-After");
        if (method === "post") {
          posts++;
          expect(refs(op), name).toContain("#/components/parameters/Idempotency-Key");
        } else expect(refs(op), name).not.toContain("#/components/parameters/Idempotency-Key");
      }
    }
    expect(posts).toBeGreaterThanOrEqual(10);
    for (const [path, method] of [
      ["/sites/{id}", "put"],
      ["/teams/{teamId}/quotas", "put"],
      ["/nodes/cordon", "post"],
      ["/nodes/drain", "post"],
      ["/nodes/uncordon", "post"],
    ] as const) {
      const op = document.paths[path]?.[method];
      expect(op, path).toBeDefined();
      expect(refs(op as never)).toContain("#/components/parameters/If-Match");
      expect(op?.responses).toHaveProperty("412");
      expect(op?.responses["200"]?.headers).toHaveProperty("ETag");
    }
    for (const path of ["/sites/{id}", "/nodes/{id}", "/datasets/{id}", "/teams/{id}"]) {
      const op = document.paths[path]?.get;
      expect(refs(op as never), path).toContain("#/components/parameters/If-None-Match");
      expect(op?.responses).toHaveProperty("304");
      expect(op?.responses["200"]?.headers).toHaveProperty("ETag");
    }
  });
});

/** Starts one replica process (support/rest-replica.ts) and resolves with its base URL. */
function startReplicaProcess(databaseUrl: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/api/test/support/rest-replica.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const port = /^listening (\d+)$/.exec(line)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}/api/v1`);
    });
    child.on("exit", (code) => reject(new Error(`rest-replica exited with ${code} before listening`)));
  });
  return { child, ready };
}

describeOnPostgres("REST conventions across two server processes on one database", () => {
  let t: TTestDb;
  let admin: string;
  let engineer: string;
  const children: ChildProcess[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    t = await createTestDb("postgres");
    await seedDemo(t.db);
    admin = await tokenFor(t.db, USERS.admin, ["read", "write", "approve", "admin"]);
    engineer = await tokenFor(t.db, USERS.engineer, ["read", "write"]);
    const started = [0, 1].map(() =>
      startReplicaProcess(t.url as string, {
        SWITCHYARD_API_RATE_LIMIT: "150",
        SWITCHYARD_API_RATE_WINDOW_SECONDS: "3600",
      }),
    );
    children.push(...started.map((s) => s.child));
    urls = await Promise.all(started.map((s) => s.ready));
    // Warm each process up (its first query, the first submit's code paths) with a token of
    // its own, so the timed requests below are not the cold start.
    const warm = await tokenFor(t.db, USERS.platform, ["read", "write"]);
    for (const url of urls) {
      await send(url, "GET", "/sites?limit=1", warm);
      await send(url, "POST", "/placement/recommend", warm, { body: JSON.stringify(spec("warm-up")) });
    }
  }, 120_000);
  afterAll(async () => {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : null,
      ),
    );
    await t.cleanup();
  });

  const send = async (base: string, method: string, path: string, token: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };

  it("100 concurrent POSTs with one key over HTTP to two processes create one workload, one answer", async () => {
    const body = JSON.stringify({ spec: spec("idem-two-processes") });
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        send(urls[i % 2] as string, "POST", "/workloads", admin, { body, headers }),
      ),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(results.filter((r) => r.headers.get("idempotent-replayed") !== "true").length).toBe(1);
    expect(await workloadsNamed(t.db, "idem-two-processes")).toBe(1);
    // Those 100 requests counted against the admin token's 150, on both processes together.
    const next = await send(urls[1] as string, "GET", "/sites?limit=1", admin);
    expect(next.headers.get("ratelimit-limit")).toBe("150");
    expect(next.headers.get("ratelimit-remaining")).toBe("49");
  });

  it("the rate limit from the environment holds across both processes", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => send(urls[i % 2] as string, "GET", "/teams?limit=1", engineer)),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(150);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBe(50);
    expect(JSON.parse(refused[0]?.text ?? "{}").error.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(refused[0]?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describeEachDb("REST audit paging with a keyset cursor", (kind) => {
  let t: TTestDb;
  let call: ReturnType<typeof replica>;
  let admin: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    call = replica(t.db.prisma);
    admin = await tokenFor(t.db, USERS.admin, ["read", "write", "approve", "admin"]);
  });
  afterAll(() => t.cleanup());

  it("continues after the last event seen, however many are written between pages", async () => {
    type TPage = { rows: { seq: string }[]; nextCursor: string | null; total: number };
    for (let i = 0; i < 6; i++) {
      await call("POST", "/workloads", { token: admin, body: { spec: spec(`audit-before-${i}`) } });
    }
    const first = (await call("GET", "/audit/events?limit=3", { token: admin })).body as unknown as TPage;
    expect(first.rows).toHaveLength(3);
    // New events land at the head of the newest-first list meanwhile.
    for (let i = 0; i < 4; i++) {
      await call("POST", "/workloads", { token: admin, body: { spec: spec(`audit-between-${i}`) } });
    }
    const second = (await call("GET", `/audit/events?limit=3&cursor=${first.nextCursor}`, { token: admin }))
      .body as unknown as TPage;
    const last = BigInt(first.rows[2]?.seq ?? "0");
    expect(second.rows.map((r) => r.seq)).toEqual([last - 1n, last - 2n, last - 3n].map(String));
    // Oldest first works too, and the last page says so.
    const oldest = (await call("GET", "/audit/events?direction=asc&limit=200", { token: admin }))
      .body as unknown as TPage;
    let cursor = oldest.nextCursor;
    let pages = 1;
    let seen = oldest.rows.length;
    while (cursor) {
      const page = (
        await call("GET", `/audit/events?direction=asc&limit=200&cursor=${cursor}`, { token: admin })
      ).body as unknown as TPage;
      seen += page.rows.length;
      cursor = page.nextCursor;
      pages++;
    }
    expect(seen).toBe(oldest.total);
    expect(pages).toBe(Math.ceil(oldest.total / 200));
    // An offset cursor from another list is refused, naming the field.
    const sites = (await call("GET", "/sites?limit=1", { token: admin })).body as unknown as TPage;
    const wrong = await call("GET", `/audit/events?cursor=${sites.nextCursor}`, { token: admin });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.fieldErrors).toHaveProperty("cursor");
  });
});
