/**
 * The estate bench:api runs on, kept between runs in its own PostgreSQL database
 * (BENCH_DB_NAME, default switchyard_bench_<scale>): built only when missing or incomplete
 * (the demo seed, growEstate's multi-row inserts, and the workload history made by one
 * INSERT … SELECT in the server), then reused as it is. BENCH_REBUILD=1 builds it again.
 */
import { createDb, type Db, migrate } from "@switchyard/db";
import { growEstate, SCALES, seedDemo } from "@switchyard/db/seed";
import { testAdminUrl } from "@switchyard/db/testing";
import pg from "pg";
import { SCALE } from "./estate.ts";

/** Workloads in the estate, most of them history (finished, failed, cancelled). */
const WORKLOADS: Record<string, number> = { small: 5_000, medium: 20_000, large: 100_000 };

export type TApiEstate = {
  db: Db;
  url: string;
  estate: { sites: number; nodes: number; workloads: number };
  /** Null when the database was reused. */
  buildMs: number | null;
};

const MARK = `CREATE TABLE IF NOT EXISTS "_BenchEstate" ("scale" TEXT PRIMARY KEY, "builtAt" TIMESTAMP(3) NOT NULL)`;

export async function prepareApiEstate(): Promise<TApiEstate> {
  const scale = SCALES[SCALE];
  const workloads = WORKLOADS[SCALE];
  if (!scale || workloads === undefined)
    throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(", ")}`);
  const name = process.env.BENCH_DB_NAME ?? `switchyard_bench_${SCALE}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`BENCH_DB_NAME "${name}": letters, digits and _ only`);
  const url = new URL(testAdminUrl());
  url.pathname = `/${name}`;

  const admin = new pg.Client({ connectionString: testAdminUrl() });
  await admin.connect();
  let ready = false;
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 1 && process.env.BENCH_REBUILD !== "1") {
      const probe = new pg.Client({ connectionString: url.toString() });
      await probe.connect();
      try {
        await probe.query(MARK);
        ready =
          (await probe.query(`SELECT 1 FROM "_BenchEstate" WHERE "scale" = $1`, [SCALE])).rowCount === 1;
      } finally {
        await probe.end();
      }
    }
    if (!ready) {
      console.log(`  building the ${SCALE} estate in database ${name} (kept for the next runs)…`);
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await admin.end();
  }

  const db = await createDb({ kind: "postgres", url: url.toString() });
  let buildMs: number | null = null;
  await migrate(db); // a kept estate gets the migrations added since it was built
  if (!ready) {
    const started = performance.now();
    await seedDemo(db);
    await growEstate(db, scale);
    await seedWorkloadHistory(db, workloads);
    // Planner statistics and the visibility map, as a database that has run a while has them.
    await db.withSession((session) => session.query("VACUUM ANALYZE"));
    await db.prisma.$executeRawUnsafe(MARK);
    await db.prisma.$executeRaw`INSERT INTO "_BenchEstate" ("scale", "builtAt") VALUES (${SCALE}, now())`;
    buildMs = Math.round(performance.now() - started);
  } else {
    console.log(`  reusing the ${SCALE} estate in database ${name} (BENCH_REBUILD=1 builds it again)`);
  }
  const [sites, nodes, count] = await Promise.all([
    db.prisma.site.count(),
    db.prisma.gpuNode.count(),
    db.prisma.workload.count(),
  ]);
  return { db, url: url.toString(), estate: { sites, nodes, workloads: count }, buildMs };
}

/**
 * Finished work up to `total` workloads, spread over the teams and the last months: one
 * INSERT … SELECT from generate_series, so 100,000 rows take seconds, not a round trip each.
 */
async function seedWorkloadHistory(db: Db, total: number): Promise<void> {
  const { prisma } = db;
  const have = await prisma.workload.count();
  if (have >= total) return;
  const [teams, user] = await Promise.all([
    prisma.team.findMany({ select: { id: true }, orderBy: { id: "asc" } }),
    prisma.user.findFirstOrThrow({ select: { id: true }, orderBy: { id: "asc" } }),
  ]);
  const teamIds = teams.map((t) => t.id);
  await prisma.$executeRaw`
    INSERT INTO "Workload" ("id", "name", "kind", "state", "stateReason", "teamId", "submittedById", "gpuCount",
                            "gpuModels", "estimatedHours", "requiredCertifications", "allowedSiteKinds",
                            "priority", "preemptible", "createdAt", "updatedAt", "startedAt", "finishedAt")
    SELECT 'wl-history-' || g,
           'history-' || g,
           (ARRAY['TRAINING','FINE_TUNING','BATCH_INFERENCE','ONLINE_INFERENCE'])[1 + g % 4]::"WorkloadKind",
           (ARRAY['SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED','CANCELLED'])[1 + g % 5]::"WorkloadState",
           'history (bench seed)',
           (${teamIds}::text[])[1 + g % ${teamIds.length}],
           ${user.id},
           1 + g % 8,
           ARRAY[(ARRAY['H100','A100-80GB','L40S','L4'])[1 + g % 4]],
           1 + g % 24,
           '{}', '{}',
           g % 100, g % 3 = 0,
           now() - make_interval(mins => g + 240),
           now() - make_interval(mins => g + 60),
           now() - make_interval(mins => g + 235),
           now() - make_interval(mins => g + 60)
      FROM generate_series(1, ${total - have}) AS g`;
}
