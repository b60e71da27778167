import { describe, expect, it } from "vitest";
import { describeDatabase, redactUrl, resolveDatabaseConfig } from "./config.ts";

describe("resolveDatabaseConfig", () => {
  it("uses PostgreSQL when DATABASE_URL is a postgres URL", () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: "postgresql://app:secret@db:5432/switchyard" })).toEqual({
      kind: "postgres",
      url: "postgresql://app:secret@db:5432/switchyard",
    });
    expect(resolveDatabaseConfig({ DATABASE_URL: "postgres://db/x" }).kind).toBe("postgres");
  });

  it("falls back to PGlite in SWITCHYARD_DATA_DIR, or .data", () => {
    expect(resolveDatabaseConfig({ SWITCHYARD_DATA_DIR: "/var/lib/switchyard" })).toEqual({
      kind: "pglite",
      dataDir: "/var/lib/switchyard/pglite",
    });
    expect(resolveDatabaseConfig({ DATABASE_URL: "  " })).toMatchObject({
      kind: "pglite",
      dataDir: expect.stringMatching(/\.data\/pglite$/),
    });
  });

  it.each(["mysql://db/x", "not a url", "postgresql://", "http://localhost:5432/x"])(
    "refuses DATABASE_URL=%s with a message naming it",
    (url) => {
      expect(() => resolveDatabaseConfig({ DATABASE_URL: url })).toThrow(
        /^DATABASE_URL is not a PostgreSQL URL/,
      );
    },
  );

  it("never prints a password", () => {
    expect(redactUrl("postgresql://app:hunter2@db:5432/x")).toBe("postgresql://app:*****@db:5432/x");
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "mysql://app:hunter2@db/x" })).toThrow(
      /app:\*\*\*\*\*@db/,
    );
    expect(describeDatabase({ kind: "postgres", url: "postgresql://a:b@h/d" })).toBe(
      "PostgreSQL at postgresql://a:*****@h/d",
    );
  });
});
