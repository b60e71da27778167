/**
 * What the REST conventions cost per request, on PostgreSQL (a fresh database with the demo
 * estate), through the real handler in one process: GET /sites/{id} with the rate limit off
 * and on (one upsert), and POST /placement/recommend without and with an Idempotency-Key
 * (claim + store). Sequential requests; prints p50/p95 in ms per case.
 *
 * `npx tsx packages/api/test/support/bench-rest-conventions.ts [requests per case, default 300]`
 */
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb } from "@switchyard/db/testing";
import { bearerTokenOf, resolveApiToken } from "../../src/auth/tokens.ts";
import { handleRestRequest, type TRestOptions } from "../../src/rest/handler.ts";
import { appRouter } from "../../src/root.ts";
import { createCallerFactory, createInnerContext } from "../../src/trpc.ts";
import { USERS } from "../helpers.ts";

const n = Number(process.argv[2] ?? 300);
const t = await createTestDb("postgres");
try {
  await seedDemo(t.db);
  const caller = createCallerFactory(appRouter)(
    createInnerContext({ prisma: t.db.prisma, user: USERS.admin }),
  );
  const token = (await caller.token.create({ name: "bench", scopes: ["read", "write"] })).secret;
  const options = (limit: number): TRestOptions => ({
    prisma: t.db.prisma,
    resolveUser: async (r) =>
      resolveApiToken(t.db.prisma, bearerTokenOf(r.headers.get("authorization")) ?? ""),
    rateLimit: { limit, windowSeconds: 3600 },
  });
  const spec = {
    name: "bench",
    kind: "BATCH_INFERENCE",
    teamId: "team-applied-ml",
    gpu: { count: 1 },
    gpuModels: ["L4"],
    estimatedHours: 1,
  };
  const cases: [string, (i: number) => Request, TRestOptions][] = [
    ["GET /sites/{id}, rate limit off", () => get("/sites/site-dc-ashburn"), options(0)],
    ["GET /sites/{id}, rate limit on", () => get("/sites/site-dc-ashburn"), options(1_000_000)],
    ["POST /placement/recommend, no key", () => post(spec), options(0)],
    ["POST /placement/recommend, Idempotency-Key", (i) => post(spec, `bench-${i}`), options(0)],
  ];
  function get(path: string) {
    return new Request(`http://localhost/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  }
  function post(body: unknown, key?: string) {
    return new Request("http://localhost/api/v1/placement/recommend", {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(key ? { "idempotency-key": key } : {}),
      },
      body: JSON.stringify(body),
    });
  }
  const results: Record<string, { p50: number; p95: number }> = {};
  for (const [name, make, opts] of cases) {
    for (let i = 0; i < 20; i++) await handleRestRequest(make(-i - 1), opts); // warm-up
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      const response = await handleRestRequest(make(i), opts);
      await response.text();
      if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Number((times[Math.floor(q * (times.length - 1))] ?? 0).toFixed(2));
    results[name] = { p50: at(0.5), p95: at(0.95) };
  }
  console.log(JSON.stringify({ requestsPerCase: n, database: "postgres", results }, null, 2));
} finally {
  await t.cleanup();
}
