/**
 * Real databases for integration tests: a fresh PGlite directory, or a fresh database on
 * the PostgreSQL server at TEST_DATABASE_URL / DATABASE_URL / 127.0.0.1:5432, dropped after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb, type Db } from "./client.ts";
import { migrate } from "./migrate.ts";

export type TTestDbKind = "pglite" | "postgres";

export function testAdminUrl(): string {
  return (
    process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgresql://postgres@127.0.0.1:5432/postgres"
  );
}

let postgresProbe: Promise<boolean> | undefined;

/** Whether the PostgreSQL server answers; says so loudly once when it does not. */
export function isPostgresAvailable(): Promise<boolean> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({ connectionString: testAdminUrl(), connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch (error) {
      const bar = "!".repeat(78);
      console.warn(
        `\n${bar}\n!! PostgreSQL at ${testAdminUrl()} is not reachable (${(error as Error).message}).\n!! The PostgreSQL half of the integration tests is SKIPPED. Start PostgreSQL or set\n!! TEST_DATABASE_URL to run it.\n${bar}\n`,
      );
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresProbe;
}

/** The database kinds this run tests: SWITCHYARD_TEST_DBS (comma-separated), default both. */
export async function testDbKinds(): Promise<TTestDbKind[]> {
  const wanted = (process.env.SWITCHYARD_TEST_DBS ?? "pglite,postgres").split(",").map((s) => s.trim());
  const kinds: TTestDbKind[] = [];
  if (wanted.includes("pglite")) kinds.push("pglite");
  if (wanted.includes("postgres") && (await isPostgresAvailable())) kinds.push("postgres");
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
