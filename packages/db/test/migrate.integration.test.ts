import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { createDb } from "../src/client.ts";
import { findMigrationsDir, getMigrationStatus, migrate, readMigrationFiles } from "../src/migrate.ts";
import { createTestDb, type TTestDb } from "../src/testing.ts";
import { describeEachDb, describeOnPostgres } from "../src/testing-suites.ts";

type TRow = {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
};

/** A private copy of prisma/migrations that a test may add to or edit. */
function copyMigrations(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "switchyard-migrations-")), "migrations");
  cpSync(findMigrationsDir(), dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string) {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, "migration.sql"), sql);
}

describeEachDb("migration runner", (kind) => {
  let t: TTestDb;
  afterEach(() => t?.cleanup());

  it("applies pending migrations once and records them as Prisma does", async () => {
    t = await createTestDb(kind, { migrate: false });
    const dir = copyMigrations();
    const names = readMigrationFiles(dir).map((m) => m.name);
    expect(names[0]).toBe("20261128000000_init");
    expect((await getMigrationStatus(t.db, dir)).pending).toEqual(names);
    expect(await migrate(t.db, dir)).toEqual({ applied: names });
    expect(await migrate(t.db, dir)).toEqual({ applied: [] });

    const rows = await t.db.withSession((s) =>
      s.query<TRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`),
    );
    expect(rows).toHaveLength(names.length);
    const [row] = rows;
    const sql = readFileSync(join(dir, "20261128000000_init/migration.sql"));
    expect(row?.migration_name).toBe("20261128000000_init");
    expect(row?.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    expect(row?.rolled_back_at).toBeNull();
    expect(row?.applied_steps_count).toBe(1);
    expect(await getMigrationStatus(t.db, dir)).toMatchObject({ current: true, pending: [] });
  });

  it("applies new migrations in name order after the applied ones", async () => {
    t = await createTestDb(kind);
    const dir = copyMigrations();
    addMigration(dir, "20270102000000_b", `ALTER TABLE "Team" ADD COLUMN "b" INTEGER;`);
    addMigration(dir, "20270101000000_a", `ALTER TABLE "Team" ADD COLUMN "a" INTEGER;`);
    expect(await migrate(t.db, dir)).toEqual({ applied: ["20270101000000_a", "20270102000000_b"] });
  });

  it("stops with an error naming the file when an applied migration was edited", async () => {
    t = await createTestDb(kind);
    const dir = copyMigrations();
    const file = join(dir, "20261128000000_init/migration.sql");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n-- edited\n`);
    await expect(migrate(t.db, dir)).rejects.toThrow(
      `Migration file ${file} was changed after it was applied`,
    );
    await expect(getMigrationStatus(t.db, dir)).rejects.toMatchObject({ code: "MIGRATION_CHANGED" });
  });

  it("rolls a failing migration back whole and records nothing", async () => {
    t = await createTestDb(kind);
    const dir = copyMigrations();
    addMigration(
      dir,
      "20270101000000_bad",
      `CREATE TABLE "Half" (id INT);\nALTER TABLE "NoSuchTable" ADD COLUMN x INT;`,
    );
    await expect(migrate(t.db, dir)).rejects.toMatchObject({ code: "MIGRATION_FAILED" });
    const half = await t.db.withSession((s) =>
      s.query<{ t: string | null }>(`SELECT to_regclass('"Half"')::text AS t`),
    );
    expect(half[0]?.t).toBeNull();
    const rows = await t.db.withSession((s) =>
      s.query<TRow>(`SELECT * FROM "_prisma_migrations" WHERE migration_name LIKE '%bad'`),
    );
    expect(rows).toEqual([]);
    expect((await getMigrationStatus(t.db, dir)).pending).toEqual(["20270101000000_bad"]);
  });
});

describeOnPostgres("migration runner under concurrency", () => {
  let t: TTestDb;
  afterEach(() => t?.cleanup());

  it("lets only one of several processes apply a migration", async () => {
    t = await createTestDb("postgres", { migrate: false });
    const url = t.url ?? "";
    const others = await Promise.all([1, 2, 3].map(() => createDb({ kind: "postgres", url })));
    try {
      const results = await Promise.all([t.db, ...others].map((db) => migrate(db)));
      const names = readMigrationFiles().map((m) => m.name);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
      const rows = await t.db.withSession((s) => s.query(`SELECT id FROM "_prisma_migrations"`));
      expect(rows).toHaveLength(names.length);
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });
});
