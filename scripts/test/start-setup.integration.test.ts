// npm start's database set-up: skipped on a second start with nothing changed, run again when
// the first admin, the seed choice or the embedded database's directory changes. Real set-ups
// (the bundled CLI when a console build made one, else tsx) on a real PGlite directory.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
// @ts-expect-error: plain Node helpers without type declarations
import { setupDatabaseIfChanged } from "../lib.mjs";

type TReport = { seededDemo: boolean; demoPresent: boolean; adminCreated: string | null };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function setUp(env: Record<string, string | undefined>): { report: TReport; skipped: boolean } {
  const said: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => {
    said.push(String(line));
  });
  const report = setupDatabaseIfChanged(env) as TReport;
  vi.restoreAllMocks();
  return { report, skipped: said.some((line) => line.includes("database set-up skipped")) };
}

describe("npm start's database set-up", () => {
  it("is skipped when nothing changed and runs again when the admin, the seed or the directory changes", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "switchyard-start-setup-"));
    dirs.push(dataDir);
    const env: Record<string, string | undefined> = {
      ...process.env,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_SEED: "none",
      SWITCHYARD_ADMIN_EMAIL: undefined,
      DATABASE_URL: undefined,
    };

    const first = setUp(env);
    expect(first.skipped).toBe(false);
    expect(existsSync(join(dataDir, "setup-stamp.json"))).toBe(true);
    expect(setUp(env).skipped).toBe(true);

    // A first admin to create: the set-up must run, and it creates them (no users yet).
    const withAdmin = setUp({ ...env, SWITCHYARD_ADMIN_EMAIL: "first@example.com" });
    expect(withAdmin).toEqual({
      skipped: false,
      report: { seededDemo: false, demoPresent: false, adminCreated: "first@example.com" },
    });
    expect(setUp({ ...env, SWITCHYARD_ADMIN_EMAIL: "first@example.com" }).skipped).toBe(true);

    // Another seed choice runs it again (the database has a user now: nothing is seeded).
    expect(setUp({ ...env, SWITCHYARD_SEED: "demo" }).skipped).toBe(false);

    // A new directory is a new database, whatever the stamp says.
    rmSync(join(dataDir, "pglite"), { recursive: true, force: true });
    const fresh = setUp({ ...env, SWITCHYARD_SEED: "demo", SWITCHYARD_ADMIN_EMAIL: "first@example.com" });
    expect(fresh.skipped).toBe(false);
    expect(fresh.report.adminCreated).toBe("first@example.com");
  }, 240_000);
});
