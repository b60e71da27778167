/**
 * Fault test: the database restarted under load (issue 11). A private PostgreSQL server is
 * stopped (pg_ctl fast, immediate, SIGKILL of the postmaster) and started again while
 * several clients keep reading and submitting over real HTTP, through the same tRPC and REST
 * handlers the console's route handlers call. While the database is down every answer is a
 * 503 with the one error body and Retry-After, never another 5xx and never a hang; the
 * handlers recover by themselves within 5 s of the database accepting connections; every
 * accepted submission is there afterwards and the estate is consistent.
 */
import { createDb, type Db, migrate } from "@switchyard/db";
import { seedDemo } from "@switchyard/db/seed";
import { describeOnPostgres } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { handleTrpcRequest } from "../src/trpc-handler.ts";
import { USERS } from "./helpers.ts";
import { checkEstateConsistency } from "./support/estate-consistency.ts";
import { serveFetch, type TFetchServer } from "./support/fetch-server.ts";
import { startPostgresServer, type TPostgresServer, type TStopMode } from "./support/postgres-server.ts";
import { sleep, waitFor } from "./support/processes.ts";

const CLIENTS = 6;
const RESTARTS: TStopMode[] = ["fast", "immediate", "kill", "fast", "kill"];
/** How long the database stays down, and how long the load runs between restarts. */
const DOWN_MS = 1_500;
const UP_MS = 1_500;
const RECOVERY_LIMIT_MS = 5_000;
/** A 503 must come at once: a client waiting longer than this for it is left hanging. */
const UNAVAILABLE_WITHIN_MS = 5_000;
/** Any answer, even a submission placed on a loaded machine, within this. */
const HANG_MS = 15_000;

const SPEC = {
  name: "fault-eval",
  kind: "BATCH_INFERENCE",
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4"],
  estimatedHours: 1,
};

type TAnswer = {
  op: string;
  start: number;
  end: number;
  status: number;
  body: unknown;
  retryAfter: string | null;
};

type TRestart = { mode: TStopMode; stopAt: number; downAt: number; startAt: number; readyAt: number };

/** A small seeded generator: the same mix of operations on every run. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The one error body of an unreachable database: REST's `{error}` or tRPC's error shape. */
function unavailableProblem(answer: TAnswer): string | null {
  if (answer.status !== 503) return `answered ${answer.status}`;
  if (answer.retryAfter === null) return "503 without Retry-After";
  const body = answer.body as {
    error?: {
      code?: string;
      message?: string;
      fieldErrors?: unknown;
      requestId?: string;
      json?: { message?: string; data?: { appCode?: string; httpStatus?: number } };
    };
  };
  const rest = answer.op.startsWith("rest.");
  const code = rest ? body.error?.code : body.error?.json?.data?.appCode;
  const message = rest ? body.error?.message : body.error?.json?.message;
  if (code !== "UNAVAILABLE") return `503 with code ${code} (${JSON.stringify(answer.body).slice(0, 200)})`;
  if (!message || !/database is not reachable/i.test(message)) return `503 with message ${message}`;
  if (rest && typeof body.error?.requestId !== "string") return "503 without requestId";
  return null;
}

describeOnPostgres("fault: the database restarted under load", () => {
  let pgServer: TPostgresServer;
  let db: Db;
  let http: TFetchServer;
  const tokens = { engineer: "", admin: "" };

  beforeAll(async () => {
    pgServer = await startPostgresServer();
    db = await createDb({ kind: "postgres", url: pgServer.url() });
    await migrate(db);
    await seedDemo(db);
    const caller = (user: (typeof USERS)[keyof typeof USERS]) =>
      createCallerFactory(appRouter)(createInnerContext({ prisma: db.prisma, user }));
    tokens.engineer = (
      await caller(USERS.engineer).token.create({ name: "fault-load", scopes: ["read", "write"] })
    ).secret;
    tokens.admin = (await caller(USERS.admin).token.create({ name: "fault-read", scopes: ["read"] })).secret;

    // As apps/web's route handlers: a Bearer token resolved against the database on every request.
    const resolveUser = async (request: Request) => {
      const token = bearerTokenOf(request.headers.get("authorization"));
      return token ? resolveApiToken(db.prisma, token) : null;
    };
    const prisma = async () => db.prisma;
    http = await serveFetch({
      "/api/trpc": (request) => handleTrpcRequest(request, { prisma, resolveUser }),
      "/api/v1": (request) => handleRestRequest(request, { prisma, resolveUser }),
    });
  });

  afterAll(async () => {
    await http?.close();
    await db?.close().catch(() => {});
    await pgServer?.close();
  });

  it("answers 503 while it is down, recovers within 5 s, loses no accepted submission", async () => {
    const answers: TAnswer[] = [];
    const accepted = new Map<string, string>(); // clientKey -> workload id
    let running = true;

    async function send(op: string, path: string, token: string, body?: unknown): Promise<TAnswer> {
      const start = Date.now();
      let status = 0;
      let parsed: unknown = null;
      let retryAfter: string | null = null;
      try {
        const response = await fetch(`${http.url}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        retryAfter = response.headers.get("retry-after");
        const text = await response.text();
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      } catch (error) {
        parsed = String(error); // status 0: no answer at all
      }
      const answer = { op, start, end: Date.now(), status, body: parsed, retryAfter };
      answers.push(answer);
      return answer;
    }

    const trpcInput = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));

    async function client(index: number) {
      const random = mulberry32(index + 1);
      let n = 0;
      while (running) {
        const roll = random();
        if (roll < 0.2) await send("rest.list", "/api/v1/workloads?limit=20", tokens.admin);
        else if (roll < 0.35) await send("rest.sites", "/api/v1/sites", tokens.admin);
        else if (roll < 0.55)
          await send(
            "trpc.list",
            `/api/trpc/workload.list?input=${trpcInput({ limit: 20 })}`,
            tokens.engineer,
          );
        else {
          const viaRest = roll < 0.8;
          const clientKey = `fault-${index}-${n++}`;
          const input = { spec: { ...SPEC, name: `fault-${index}-${n}` }, clientKey };
          const answer = viaRest
            ? await send("rest.submit", "/api/v1/workloads", tokens.engineer, input)
            : await send("trpc.submit", "/api/trpc/workload.submit", tokens.engineer, { json: input });
          if (answer.status !== 200) continue;
          const id = viaRest
            ? (answer.body as { id: string }).id
            : (answer.body as { result: { data: { json: { id: string } } } }).result.data.json.id;
          accepted.set(clientKey, id);
          // Half are scheduled (GPUs held), and half of those cancelled (GPUs given back).
          if (random() < 0.5) {
            const scheduled = await send(
              "rest.schedule",
              `/api/v1/workloads/${id}/schedule`,
              tokens.engineer,
              {},
            );
            if (scheduled.status === 200 && random() < 0.5)
              await send("rest.cancel", `/api/v1/workloads/${id}/cancel`, tokens.engineer, {
                reason: "fault test",
              });
          }
        }
      }
    }

    const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
    const restarts: TRestart[] = [];
    try {
      await sleep(UP_MS);
      for (const mode of RESTARTS) {
        const stopAt = Date.now();
        await pgServer.stop(mode);
        const downAt = Date.now();
        await sleep(DOWN_MS);
        const startAt = Date.now();
        await pgServer.start();
        const readyAt = Date.now();
        restarts.push({ mode, stopAt, downAt, startAt, readyAt });
        // Answering again: the first answer to a request sent after the database was ready that is not a 503.
        await waitFor(
          `the handlers to answer again after the ${mode} restart`,
          async () => answers.find((a) => a.start >= readyAt && a.status > 0 && a.status < 500) ?? null,
          15_000,
          20,
        );
        await sleep(UP_MS);
      }
    } finally {
      running = false;
      await Promise.all(clients);
    }

    // Recovered: from the database accepting connections to the later of the first answer
    // that is not a 503 and the last 503 before the next restart (a stale pooled connection
    // would show up as a late 503).
    const recoveries = restarts.map((r, i) => {
      const next = restarts[i + 1]?.stopAt ?? Number.POSITIVE_INFINITY;
      const after = answers.filter((a) => a.start >= r.readyAt && a.end < next);
      const firstOk = Math.min(...after.filter((a) => a.status > 0 && a.status < 500).map((a) => a.end));
      const last503 = Math.max(r.readyAt, ...after.filter((a) => a.status === 503).map((a) => a.end));
      return Math.max(firstOk, last503) - r.readyAt;
    });

    // The figures, for the closing note.
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const sorted = [...recoveries].sort((a, b) => a - b);
    const stored = await db.prisma.workload.findMany({
      where: { id: { in: [...accepted.values()] } },
      select: { id: true, clientKey: true },
    });
    const estate = await checkEstateConsistency(db.prisma);
    const figures = {
      requests: answers.length,
      restarts: restarts.map((r) => r.mode),
      byStatus: Object.fromEntries(byStatus),
      unavailable503: byStatus.get(503) ?? 0,
      other5xx: answers.filter((a) => a.status >= 500 && a.status !== 503).length,
      noAnswer: byStatus.get(0) ?? 0,
      slowestMs: Math.max(...answers.map((a) => a.end - a.start)),
      slowest503Ms: Math.max(...answers.filter((a) => a.status === 503).map((a) => a.end - a.start)),
      recoveryMs: { each: recoveries, median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) },
      submissionsAccepted: accepted.size,
      submissionsFound: stored.length,
      activeAllocations: estate.activeAllocations,
      inconsistencies: estate.problems.length,
    };
    console.log(`database restart figures: ${JSON.stringify(figures)}`);

    // 1. Every 5xx is the one 503 with a clear message and Retry-After; nothing else fails.
    const bad = answers
      .filter((a) => a.status === 0 || a.status >= 500)
      .map((a) => ({ op: a.op, problem: unavailableProblem(a) }))
      .filter((a) => a.problem !== null);
    expect(bad.slice(0, 5)).toEqual([]);
    // 2. While the database is down (fully: stopped and not yet started) every answer is a 503.
    for (const r of restarts) {
      const during = answers.filter((a) => a.start >= r.downAt && a.end <= r.startAt);
      expect(during.length, `requests while down after ${r.mode}`).toBeGreaterThan(0);
      expect(during.filter((a) => a.status !== 503).map((a) => `${a.op} ${a.status}`)).toEqual([]);
    }
    // 3. Never a hang: a 503 comes at once, and every request is answered.
    expect(figures.slowest503Ms).toBeLessThan(UNAVAILABLE_WITHIN_MS);
    expect(figures.slowestMs).toBeLessThan(HANG_MS);
    // 4. Recovery by itself within 5 s of the database accepting connections.
    expect(Math.max(...recoveries)).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
    // 5. Every submission that got a 2xx is stored, under its client key.
    expect(figures.submissionsAccepted).toBeGreaterThan(0);
    expect(stored.length).toBe(accepted.size);
    for (const w of stored) expect(accepted.get(w.clientKey ?? "")).toBe(w.id);
    // 6. No orphaned allocation, no half-written workload, the audit chain verifies.
    expect(estate.problems).toEqual([]);
  });

  it("answers 503 when the database is down before the process ever opened it", async () => {
    // As @switchyard/db's getPrisma on a console's first request: the client is created (and
    // the database probed) on first use, which fails while the server is down.
    const prisma = () => createDb({ kind: "postgres", url: pgServer.url() }).then((opened) => opened.prisma);
    const resolveUser = async () => USERS.engineer;
    await pgServer.stop("fast");
    try {
      const rest = await handleRestRequest(new Request("http://localhost/api/v1/sites"), {
        prisma,
        resolveUser,
      });
      expect(rest.status).toBe(503);
      expect(rest.headers.get("retry-after")).toBe("5");
      expect(((await rest.json()) as { error: { code: string } }).error.code).toBe("UNAVAILABLE");
      const trpc = await handleTrpcRequest(new Request("http://localhost/api/trpc/site.list"), {
        prisma,
        resolveUser,
      });
      expect(trpc.status).toBe(503);
      expect(trpc.headers.get("retry-after")).toBe("5");
      const body = (await trpc.json()) as { error: { json: { message: string; data: { appCode: string } } } };
      expect(body.error.json.data.appCode).toBe("UNAVAILABLE");
      expect(body.error.json.message).toMatch(/database is not reachable/);
    } finally {
      await pgServer.start();
    }
  });
});
