/**
 * Where a list request spends its time (issue 16), in process on the bench:api estate
 * (BENCH_DB_NAME, default switchyard_bench_large): the tRPC procedure as a whole, then its parts
 * (the count, the page's select), for the node and workload lists at the first page, a deep page
 * by number and, with keyset paging, the page after a cursor. Prints medians; writes nothing.
 * Not part of npm test: `npx tsx apps/web/bench/lists-profile.ts`.
 */
import { appRouter, createCallerFactory, createInnerContext } from "@switchyard/api";
import { createDb } from "@switchyard/db";
import { testAdminUrl } from "@switchyard/db/testing";
import { PLATFORM } from "./estate.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 15);

async function median(name: string, fn: () => Promise<unknown>) {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)] ?? 0;
  console.log(
    `  ${name.padEnd(52)} p50 ${p50.toFixed(1).padStart(7)} ms   max ${(times.at(-1) ?? 0).toFixed(1)} ms`,
  );
}

async function main() {
  const url = new URL(testAdminUrl());
  url.pathname = `/${process.env.BENCH_DB_NAME ?? "switchyard_bench_large"}`;
  const db = await createDb({ kind: "postgres", url: url.toString() });
  const prisma = db.prisma;
  const api = createCallerFactory(appRouter)(createInnerContext({ prisma, user: PLATFORM }));
  try {
    console.log("nodes");
    await median("node.list limit 50", () => api.node.list({ limit: 50 }));
    await median("node.list page 500 (offset 24,950)", () => api.node.list({ page: 500, pageSize: 50 }));
    const first = (await api.node.list({ limit: 50 })) as { nextCursor: string | null };
    if (first.nextCursor)
      await median("node.list after a cursor", () =>
        api.node.list({ limit: 50, cursor: first.nextCursor as never }),
      );
    await median("node.list sort=site", () => api.node.list({ limit: 50, sort: "site" }));
    await median("node.list status=READY", () => api.node.list({ limit: 50, status: "READY" }));
    await median("  count(*) nodes", () => prisma.gpuNode.count());
    await median("  select 50 nodes by hostname, id (site joined)", () =>
      prisma.gpuNode.findMany({
        orderBy: [{ hostname: "asc" }, { id: "asc" }],
        take: 50,
        select: { id: true, hostname: true, site: { select: { name: true } } },
      }),
    );
    console.log("workloads");
    await median("workload.list limit 50", () => api.workload.list({ limit: 50 }));
    await median("workload.list page 1000 (offset 49,950)", () =>
      api.workload.list({ page: 1000, pageSize: 50 }),
    );
    const w = (await api.workload.list({ limit: 50 })) as { nextCursor: string | null };
    if (w.nextCursor)
      await median("workload.list after a cursor", () =>
        api.workload.list({ limit: 50, cursor: w.nextCursor as never }),
      );
    await median("workload.list state=SUCCEEDED", () => api.workload.list({ limit: 50, state: "SUCCEEDED" }));
    await median("workload.list sort=name", () => api.workload.list({ limit: 50, sort: "name" }));
    await median("  count(*) workloads", () => prisma.workload.count());
    await median("  select 50 workloads by createdAt (team, site joined)", () =>
      prisma.workload.findMany({
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        take: 50,
        select: { id: true, name: true, team: { select: { name: true } }, site: { select: { name: true } } },
      }),
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
