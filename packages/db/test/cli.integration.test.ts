import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "../src/pglite.ts";

const require = createRequire(import.meta.url);
const TSX = require.resolve("tsx/cli");
const CLI = join(import.meta.dirname, "../src/cli.ts");
const scratch = mkdtempSync(join(tmpdir(), "switchyard-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runCli(env: Record<string, string>, command = "setup") {
  const { DATABASE_URL: _url, SWITCHYARD_DATA_DIR: _dir, ...base } = process.env;
  const result = spawnSync(process.execPath, [TSX, CLI, command], {
    env: { ...base, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

describe("switchyard-db set-up errors: one line, non-zero exit, no stack trace", () => {
  it("names a malformed DATABASE_URL", () => {
    const result = runCli({ DATABASE_URL: "mysql://root@db/x" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'switchyard: error: DATABASE_URL is not a PostgreSQL URL (expected postgresql://user:password@host:5432/database), got "mysql://root@db/x"',
    );
  });

  it("names an unreachable PostgreSQL server", () => {
    const result = runCli({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^switchyard: error: Cannot reach PostgreSQL at postgresql:\/\/postgres@127\.0\.0\.1:1\/none: connect ECONNREFUSED/,
    );
    expect(result.stderr.split("\n")).toHaveLength(1);
  });

  it("names a corrupted PGlite directory", () => {
    const dir = join(scratch, "corrupt");
    mkdirSync(join(dir, "pglite"), { recursive: true });
    writeFileSync(join(dir, "pglite", "PG_VERSION"), "not a database\n");
    const result = runCli({ SWITCHYARD_DATA_DIR: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^switchyard: error: The embedded database in .*corrupt\/pglite cannot be opened/,
    );
    expect(result.stderr.split("\n")).toHaveLength(1);
  });

  it("names a PGlite directory that another process holds", async () => {
    const dir = join(scratch, "held");
    const holder = spawn("sleep", ["30"]);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "pglite.lock"), String(holder.pid));
    try {
      const result = runCli({ SWITCHYARD_DATA_DIR: dir });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `switchyard: error: The embedded database in ${dir}/pglite is in use by process ${holder.pid}; stop that process or set SWITCHYARD_DATA_DIR to another directory`,
      );
    } finally {
      holder.kill();
    }
  });

  it("takes over a lock left by a process that is gone, and releases it on close", async () => {
    const dir = join(scratch, "stale");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "pglite.lock"), "999999");
    const { db, close } = await openPglite(join(dir, "pglite"));
    expect((await db.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await close();
    const again = await openPglite(join(dir, "pglite"));
    await again.close();
  });

  it("migrates and seeds an empty embedded database, then reports it up to date", () => {
    const dir = join(scratch, "fresh");
    const first = runCli({ SWITCHYARD_DATA_DIR: dir });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("applied 20261128000000_init");
    expect(first.stdout).toMatch(/seeded the demo estate \(18 sites, \d+ GPU nodes/);
    const second = runCli({ SWITCHYARD_DATA_DIR: dir });
    expect(second.stdout).toContain("schema is up to date");
    expect(second.stdout).toContain("seed skipped: the database already has users");
    expect(runCli({ SWITCHYARD_DATA_DIR: dir }, "status").status).toBe(0);
  });
});
