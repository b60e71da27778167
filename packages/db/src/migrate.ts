import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "./client.ts";
import { findProjectRoot } from "./config.ts";
import { DatabaseSetupError } from "./errors.ts";
import type { SqlSession } from "./executor.ts";

/** The key `prisma migrate` itself locks, so our runner and Prisma's never overlap. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/**
 * prisma/migrations of this checkout: SWITCHYARD_MIGRATIONS_DIR, else the project's (see
 * findProjectRoot), else the one next to this source file.
 */
export function findMigrationsDir(): string {
  const fromEnv = process.env.SWITCHYARD_MIGRATIONS_DIR;
  if (fromEnv) return resolve(/*turbopackIgnore: true*/ fromEnv);
  const root = findProjectRoot() ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  return join(/*turbopackIgnore: true*/ root, "prisma", "migrations");
}

export type TMigrationFile = { name: string; path: string; sql: string; checksum: string };

type TAppliedRow = {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export type TMigrationStatus = {
  applied: string[];
  pending: string[];
  /** Applied in the database but absent from prisma/migrations (a newer build ran here). */
  unknown: string[];
  current: boolean;
};

// Prisma's own table definition, so `prisma migrate deploy/status` elsewhere reads our rows.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export function readMigrationFiles(dir: string = findMigrationsDir()): TMigrationFile[] {
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const path = join(dir, name, "migration.sql");
      const sql = readFileSync(/*turbopackIgnore: true*/ path, "utf8");
      return { name, path, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

async function readApplied(session: SqlSession): Promise<TAppliedRow[]> {
  const [table] = await session.query<{ exists: string | null }>(
    `SELECT to_regclass('"_prisma_migrations"')::text AS exists`,
  );
  if (!table?.exists) return [];
  return session.query<TAppliedRow>(
    `SELECT id, migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
}

function compare(files: TMigrationFile[], applied: TAppliedRow[]): TMigrationStatus {
  const byName = new Map(applied.map((row) => [row.migration_name, row]));
  for (const row of applied) {
    if (row.finished_at === null) {
      throw new DatabaseSetupError(
        "MIGRATION_FAILED",
        `Migration ${row.migration_name} started earlier but never finished; inspect the database and mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name})`,
      );
    }
  }
  for (const file of files) {
    const row = byName.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new DatabaseSetupError(
        "MIGRATION_CHANGED",
        `Migration file ${file.path} was changed after it was applied (checksum ${file.checksum.slice(0, 12)} != applied ${row.checksum.slice(0, 12)}); restore it and add a new migration instead`,
      );
    }
  }
  const local = new Set(files.map((file) => file.name));
  const applyDone = files.filter((file) => byName.has(file.name)).map((file) => file.name);
  const pending = files.filter((file) => !byName.has(file.name)).map((file) => file.name);
  const unknown = applied.map((row) => row.migration_name).filter((name) => !local.has(name));
  return { applied: applyDone, pending, unknown, current: pending.length === 0 };
}

export async function getMigrationStatus(db: Db, dir?: string): Promise<TMigrationStatus> {
  const files = readMigrationFiles(dir);
  return db.withSession(async (session) => compare(files, await readApplied(session)));
}

/**
 * Applies pending migrations in name order, each in its own transaction together with its
 * `_prisma_migrations` row, under Prisma's advisory lock so that two processes never
 * apply at once. Refuses to run when an applied migration's file has changed.
 */
export async function migrate(db: Db, dir?: string): Promise<{ applied: string[] }> {
  const files = readMigrationFiles(dir);
  return db.withSession(async (session) => {
    await session.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      await session.exec(CREATE_MIGRATIONS_TABLE);
      // Read under the lock: another process may have applied some while we waited.
      const status = compare(files, await readApplied(session));
      const applied: string[] = [];
      for (const file of files.filter((f) => status.pending.includes(f.name))) {
        await applyOne(session, file);
        applied.push(file.name);
      }
      return { applied };
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    }
  });
}

async function applyOne(session: SqlSession, file: TMigrationFile): Promise<void> {
  await session.exec("BEGIN");
  try {
    const id = randomUUID();
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await session.exec(file.sql);
    await session.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK").catch(() => {});
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new DatabaseSetupError(
      "MIGRATION_FAILED",
      `Migration ${file.name} failed and was rolled back: ${reason}`,
      {
        cause: error,
      },
    );
  }
}
