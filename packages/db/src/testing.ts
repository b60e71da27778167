/**
 * Real databases for integration tests: a fresh PGlite directory, or a fresh database on
 * the PostgreSQL server at TEST_DATABASE_URL / DATABASE_URL / 127.0.0.1:5432, dropped after.
 *
 * PostgreSQL is required: a run whose server does not answer fails, unless PostgreSQL was
 * left out on purpose with SWITCHYARD_TEST_PG=off (or SWITCHYARD_TEST_DBS without
 * "postgres"); then its half of every suite is reported as skipped, never silently absent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { createDb, type Db } from "./client.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { migrate } from "./migrate.ts";

export type TTestDbKind = "pglite" | "postgres";

/** Every kind an integration suite runs on, in the order suites list them. */
export const TEST_DB_KINDS: readonly TTestDbKind[] = ["pglite", "postgres"];

export function testAdminUrl(): string {
  return (
    process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgresql://postgres@127.0.0.1:5432/postgres"
  );
}

let postgresProbe: Promise<string | null> | undefined;

/** Null when the PostgreSQL server answers, else why it does not. */
export function postgresProblem(): Promise<string | null> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({ connectionString: testAdminUrl(), connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return null;
    } catch (error) {
      return (error as Error).message || String(error);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresProbe;
}

/** Whether the PostgreSQL server answers (for tools that may fall back to PGlite). */
export async function isPostgresAvailable(): Promise<boolean> {
  return (await postgresProblem()) === null;
}

/** The kinds left out on purpose: SWITCHYARD_TEST_PG=off, or SWITCHYARD_TEST_DBS (comma-separated). */
export function optedOutDbKinds(env: NodeJS.ProcessEnv = process.env): TTestDbKind[] {
  const wanted = (env.SWITCHYARD_TEST_DBS ?? TEST_DB_KINDS.join(",")).split(",").map((s) => s.trim());
  return TEST_DB_KINDS.filter(
    (kind) => !wanted.includes(kind) || (kind === "postgres" && env.SWITCHYARD_TEST_PG === "off"),
  );
}

export class PostgresRequiredError extends Error {
  constructor(problem: string) {
    super(
      `PostgreSQL at ${testAdminUrl()} is not reachable (${problem}). The integration tests need it: ` +
        "start it (pg_ctlcluster <version> main start), point TEST_DATABASE_URL at one, or leave " +
        "its half out on purpose with SWITCHYARD_TEST_PG=off (counted as skipped).",
    );
    this.name = "PostgresRequiredError";
  }
}

/**
 * The database kinds this run tests. Throws PostgresRequiredError when PostgreSQL is wanted
 * and does not answer: its tests never disappear unnoticed.
 */
export async function testDbKinds(): Promise<TTestDbKind[]> {
  const optedOut = optedOutDbKinds();
  const kinds = TEST_DB_KINDS.filter((kind) => !optedOut.includes(kind));
  if (kinds.includes("postgres")) {
    const problem = await postgresProblem();
    if (problem !== null) throw new PostgresRequiredError(problem);
  }
  return kinds;
}

export type TTestDb = { db: Db; kind: TTestDbKind; url?: string; cleanup: () => Promise<void> };

export async function createTestDb(kind: TTestDbKind, options: { migrate?: boolean } = {}): Promise<TTestDb> {
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-test-"));
    const db = await createDb({ kind: "pglite", dataDir: join(dir, "pglite") });
    if (options.migrate !== false) await migrate(db);
    return {
      db,
      kind,
      cleanup: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `switchyard_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: testAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(testAdminUrl());
  url.pathname = `/${name}`;
  const db = await createDb({ kind: "postgres", url: url.toString() });
  if (options.migrate !== false) await migrate(db);
  return {
    db,
    kind,
    url: url.toString(),
    cleanup: async () => {
      await db.close();
      const dropper = new pg.Client({ connectionString: testAdminUrl() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/**
 * A PrismaClient on the PostgreSQL database at `url` that counts the statements it sends, for a
 * test that holds a code path to its round trips (each costs a network hop and, on a busy
 * server, a context switch: what bounds submit throughput).
 */
export function countingPrisma(url: string) {
  const counter = { statements: 0 };
  class CountingClient extends pg.Client {}
  const send = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (CountingClient.prototype as unknown as { query: typeof send }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    counter.statements++;
    return send.apply(this, args);
  };
  const pool = new pg.Pool({ connectionString: url, max: 4, Client: CountingClient });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    /** Statements sent since the last call. */
    take: () => {
      const n = counter.statements;
      counter.statements = 0;
      return n;
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
