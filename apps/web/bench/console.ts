/**
 * npm run bench:console — procedure and page times of the console on a large estate
 * (SCALES.large: 500 sites, 50,000 GPU nodes, 5,000 datasets) on PostgreSQL (PGlite when
 * no server answers). Writes bench/results/console.json (BENCH_SCALE=small: 50 sites,
 * 1,000 nodes, into console-small.json). Not part of npm test.
 *
 * Placement is timed three ways: the live preview inside its few-second snapshot cache (what
 * a form sees while typing), the preview on a fresh snapshot (the first keystroke), and the
 * real path: workload.place (fresh snapshot, engine, decision written) then workload.schedule
 * (guarded allocation, approvals checked) on new PENDING workloads.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appRouter, createCallerFactory, createInnerContext, exportCsv } from "@switchyard/api";
import { seedDemoActivity } from "@switchyard/api/demo";
import type { PrismaClient } from "@switchyard/db";
import { PLATFORM, prepareBenchEstate, ROOT, SCALE, startConsoleServer } from "./estate.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3399);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 25);

type TTiming = { name: string; samples: number; p50Ms: number; p95Ms: number; maxMs: number };

function summarise(name: string, times: number[]): TTiming {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    name,
    samples: times.length,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

async function time(name: string, fn: () => Promise<unknown>, samples = SAMPLES): Promise<TTiming> {
  await fn(); // warm-up: plans, caches, JIT
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  const result = summarise(name, times);
  console.log(
    `  ${name.padEnd(46)} p50 ${String(result.p50Ms).padStart(7)} ms   p95 ${String(result.p95Ms).padStart(7)} ms`,
  );
  return result;
}

const benchCaller = (prisma: PrismaClient) =>
  createCallerFactory(appRouter)(createInnerContext({ prisma, user: PLATFORM }));
type TApi = ReturnType<typeof benchCaller>;

/**
 * The real placement path, per sample on a new PENDING workload: workload.place (fresh
 * snapshot, engine, decision written), then workload.schedule of that decision. Creating the
 * workload is not timed. Returns both timings and how the schedules ended.
 */
async function placeAndSchedule(api: TApi, prisma: PrismaClient, samples: number) {
  const placeTimes: number[] = [];
  const scheduleTimes: number[] = [];
  const outcomes: Record<string, number> = {};
  for (let i = 0; i <= samples; i++) {
    const { id } = await api.workload.submit({ spec: { ...BENCH_SPEC, name: `bench-${i}` }, asDraft: true });
    await prisma.workload.update({ where: { id }, data: { state: "PENDING" } });
    let started = performance.now();
    const placed = await api.workload.place({ id });
    const placeMs = performance.now() - started;
    if (!placed?.feasible)
      throw new Error(`bench workload ${i} has no feasible placement: ${placed?.summary}`);
    started = performance.now();
    const scheduled = await api.workload.schedule({ id, decisionId: placed.decisionId });
    const scheduleMs = performance.now() - started;
    if (i === 0) continue; // warm-up
    placeTimes.push(placeMs);
    scheduleTimes.push(scheduleMs);
    outcomes[scheduled.state] = (outcomes[scheduled.state] ?? 0) + 1;
  }
  const place = summarise("workload.place (snapshot + engine + decision)", placeTimes);
  const schedule = summarise("workload.schedule (allocation + approvals)", scheduleTimes);
  for (const t of [place, schedule])
    console.log(
      `  ${t.name.padEnd(46)} p50 ${String(t.p50Ms).padStart(7)} ms   p95 ${String(t.p95Ms).padStart(7)} ms`,
    );
  console.log(`  schedule outcomes: ${JSON.stringify(outcomes)}`);
  return { place, schedule, outcomes };
}

/**
 * The same client under another identity: the preview's snapshot cache is keyed by client,
 * so a call through a fresh view of it always reads the database afresh (no production seam).
 */
function uncached(prisma: PrismaClient): PrismaClient {
  return new Proxy(prisma, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The request every placement timing uses: a 4 x 8 H100 gang reading one dataset. */
const BENCH_SPEC = {
  name: "bench",
  kind: "TRAINING" as const,
  teamId: "team-foundation-models",
  gpu: { nodes: 4, gpusPerNode: 8 },
  gpuModels: ["H100"],
  estimatedHours: 24,
  datasetIds: ["dataset-web-crawl-2026"],
};

async function signIn(base: string): Promise<string> {
  const csrfResponse = await fetch(`${base}/api/auth/csrf`);
  const cookies = csrfResponse.headers.getSetCookie().map((c) => c.split(";")[0]);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email: PLATFORM.email, password: "switchyard", json: "true" }),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c?.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in failed: HTTP ${response.status}`);
  return session;
}

const APPROVAL_COPIES = Number(process.env.BENCH_APPROVALS ?? 1_000);

/** Copies one open approval request (with its steps) `copies` times; returns how many are open. */
async function copyPendingRequest(prisma: PrismaClient, copies: number): Promise<number> {
  const source = await prisma.approvalRequest.findFirstOrThrow({
    where: { status: "PENDING" },
    include: { steps: true },
  });
  const { id: _id, steps, createdAt: _c, updatedAt: _u, ...request } = source;
  for (let i = 0; i < copies; i++) {
    await prisma.approvalRequest.create({
      data: {
        ...request,
        steps: { create: steps.map(({ id: _s, requestId: _r, createdAt: _sc, ...step }) => step) },
      },
    });
  }
  return prisma.approvalRequest.count({ where: { status: "PENDING" } });
}

async function main() {
  const { t, kind, estate } = await prepareBenchEstate("bench:console");
  try {
    const { prisma } = t.db;
    // The demo's approvals through the real services, then copies of its open request: the
    // inbox (and the count every page shows) reads every pending request.
    await seedDemoActivity(prisma);
    const pendingApprovals = await copyPendingRequest(prisma, APPROVAL_COPIES);
    console.log(`  pending approval requests: ${pendingApprovals}`);

    console.log("procedures (in-process caller, as a platform engineer):");
    const api = createCallerFactory(appRouter)(createInnerContext({ prisma, user: PLATFORM }));
    const callers = api as unknown as Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
    const procedures: TTiming[] = [
      await time("overview.get", () => api.overview.get()),
      await time("site.list (page 1, by name)", () => api.site.list({ pageSize: 50 })),
      await time("site.list (page 8, by country desc)", () =>
        api.site.list({ pageSize: 50, page: 8, sort: "country", direction: "desc" }),
      ),
      await time("site.list (kind=CLOUD, search)", () => api.site.list({ kind: "CLOUD", search: "tokyo" })),
      await time("site.byId (dc-ashburn)", () => api.site.byId({ id: "site-dc-ashburn" })),
      await time("site.locations (map)", () => api.site.locations()),
      await time(
        "export sites CSV (all pages)",
        () => exportCsv(prisma, "sites", new URLSearchParams(), PLATFORM),
        5,
      ),
      // The placement service end to end: snapshot from the database (6 queries) + the engine,
      // inside the preview's snapshot cache (every sample after the first hits it).
      await time("workload.preview (cached snapshot + engine)", () => api.workload.preview(BENCH_SPEC), 10),
      // The same on a fresh snapshot each time: what the first preview of a form costs.
      await time(
        "workload.preview (fresh snapshot + engine)",
        () =>
          createCallerFactory(appRouter)(
            createInnerContext({ prisma: uncached(prisma), user: PLATFORM }),
          ).workload.preview(BENCH_SPEC),
        10,
      ),
    ];
    // The real path on new PENDING workloads: place (snapshot, engine, decision), then at once
    // schedule that decision (guarded allocation, approval rules), one workload after another.
    const realPath = await placeAndSchedule(api, prisma, 10);
    procedures.push(realPath.place, realPath.schedule);
    const scheduleOutcomes = realPath.outcomes;
    procedures.push(
      await time("approval.inboxCount (every page)", () => api.approval.inboxCount()),
      await time("approval.list (all pending, page 1)", () => api.approval.list({ view: "open" })),
    );
    // Lists added by other domains are measured when present.
    for (const [router, input] of [
      ["node", { pageSize: 50 }],
      ["dataset", { pageSize: 50 }],
      ["team", { pageSize: 50 }],
      ["workload", { pageSize: 50 }],
    ] as const) {
      const list = callers[router]?.list;
      if (list && `${router}.list` in appRouter._def.procedures)
        procedures.push(await time(`${router}.list (page 1)`, () => list(input)));
    }

    console.log("pages (production build over HTTP, signed in):");
    const server = await startConsoleServer(t, PORT);
    const pages: TTiming[] = [];
    try {
      const { base } = server;
      const cookie = await signIn(base);
      const get = (path: string) => async () => {
        const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
        if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
        await response.text();
      };
      const input = encodeURIComponent(
        JSON.stringify({ 0: { json: { pageSize: 25, sort: "name", direction: "asc" } } }),
      );
      for (const path of [
        "/",
        "/sites",
        "/sites/site-dc-ashburn",
        "/nodes",
        "/datasets",
        "/teams",
        "/approvals",
        `/api/trpc/site.list?batch=1&input=${input}`,
      ]) {
        pages.push(await time(`GET ${path.length > 40 ? `${path.slice(0, 37)}...` : path}`, get(path), 10));
      }
    } finally {
      server.stop();
    }

    const out = join(ROOT, `bench/results/${SCALE === "large" ? "console" : `console-${SCALE}`}.json`);
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          database: kind,
          scale: SCALE,
          estate: { ...estate, pendingApprovals },
          procedures,
          scheduleOutcomes,
          pages,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${out}`);
  } finally {
    await t.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:console failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
