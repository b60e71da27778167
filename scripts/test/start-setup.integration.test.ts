// npm start's database set-up: skipped on a second start with nothing changed, run again when
// the first admin, the seed choice or the embedded database's directory changes, or (on
// PostgreSQL) when the database lacks users or a migration. Real set-ups (the bundled CLI when
// a console build made one, else tsx) on a real PGlite directory and a real PostgreSQL database.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDb, testDbKinds } from "@switchyard/db/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
// @ts-expect-error: plain Node helpers without type declarations
import { setupDatabaseIfChanged } from "../lib.mjs";

type TReport = { seededDemo: boolean; demoPresent: boolean; adminCreated: string | null };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

async function setUp(
  env: Record<string, string | undefined>,
): Promise<{ report: TReport; skipped: boolean }> {
  const said: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => {
    said.push(String(line));
  });
  const report = (await setupDatabaseIfChanged(env)) as TReport;
  vi.restoreAllMocks();
  return { report, skipped: said.some((line) => line.includes("database set-up skipped")) };
}

describe("npm start's database set-up", () => {
  it("is skipped when nothing changed and runs again when the admin, the seed or the directory changes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "switchyard-start-setup-"));
    dirs.push(dataDir);
    const env: Record<string, string | undefined> = {
      ...process.env,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_SEED: "none",
      SWITCHYARD_ADMIN_EMAIL: undefined,
      DATABASE_URL: undefined,
    };

    const first = await setUp(env);
    expect(first.skipped).toBe(false);
    expect(existsSync(join(dataDir, "setup-stamp.json"))).toBe(true);
    expect((await setUp(env)).skipped).toBe(true);

    // A first admin to create: the set-up must run, and it creates them (no users yet).
    const withAdmin = await setUp({ ...env, SWITCHYARD_ADMIN_EMAIL: "first@example.com" });
    expect(withAdmin).toEqual({
      skipped: false,
      report: { seededDemo: false, demoPresent: false, adminCreated: "first@example.com" },
    });
    expect((await setUp({ ...env, SWITCHYARD_ADMIN_EMAIL: "first@example.com" })).skipped).toBe(true);

    // Another seed choice runs it again (the database has a user now: nothing is seeded).
    expect((await setUp({ ...env, SWITCHYARD_SEED: "demo" })).skipped).toBe(false);

    // A new directory is a new database, whatever the stamp says.
    rmSync(join(dataDir, "pglite"), { recursive: true, force: true });
    const fresh = await setUp({
      ...env,
      SWITCHYARD_SEED: "demo",
      SWITCHYARD_ADMIN_EMAIL: "first@example.com",
    });
    expect(fresh.skipped).toBe(false);
    expect(fresh.report.adminCreated).toBe("first@example.com");
  }, 240_000);

  it("on PostgreSQL is skipped when every migration is applied and users exist, and runs when they are gone", async (ctx) => {
    if (!(await testDbKinds()).includes("postgres")) return ctx.skip("PostgreSQL left out on purpose");
    const test = await createTestDb("postgres", { migrate: false });
    const dataDir = mkdtempSync(join(tmpdir(), "switchyard-start-setup-pg-"));
    dirs.push(dataDir);
    try {
      const env: Record<string, string | undefined> = {
        ...process.env,
        DATABASE_URL: test.url,
        SWITCHYARD_DATA_DIR: dataDir,
        SWITCHYARD_SEED: "none",
        SWITCHYARD_ADMIN_EMAIL: "pg-admin@example.com",
      };
      const first = await setUp(env);
      expect(first).toEqual({
        skipped: false,
        report: { seededDemo: false, demoPresent: false, adminCreated: "pg-admin@example.com" },
      });
      expect(await setUp(env)).toEqual({
        skipped: true,
        report: { seededDemo: false, demoPresent: false, adminCreated: null },
      });
      // No users any more: the first admin applies again, so the set-up must run.
      await test.db.prisma.$executeRawUnsafe('TRUNCATE "User" CASCADE');
      const again = await setUp(env);
      expect(again.skipped).toBe(false);
      expect(again.report.adminCreated).toBe("pg-admin@example.com");
    } finally {
      await test.cleanup();
    }
  }, 240_000);
});
