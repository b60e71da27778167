// SWITCHYARD_WORKERS: how many processes serve the console, refused with the variable named
// when it is not a number of workers or asks for several on the embedded database.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain Node helpers without type declarations
import { MAX_WORKERS, workersFromEnv } from "../console-workers.mjs";

const POSTGRES = { DATABASE_URL: "postgresql://127.0.0.1:5432/switchyard" };

describe("workersFromEnv", () => {
  it("is one process when unset or empty, on either database", () => {
    expect(workersFromEnv({}, 8)).toBe(1);
    expect(workersFromEnv({ SWITCHYARD_WORKERS: "" }, 8)).toBe(1);
    expect(workersFromEnv({ SWITCHYARD_WORKERS: "1" }, 8)).toBe(1);
    expect(workersFromEnv({ ...POSTGRES, SWITCHYARD_WORKERS: " 1 " }, 8)).toBe(1);
  });

  it("takes a whole number, or one per core with auto, on PostgreSQL", () => {
    expect(workersFromEnv({ ...POSTGRES, SWITCHYARD_WORKERS: "3" }, 2)).toBe(3);
    expect(workersFromEnv({ ...POSTGRES, SWITCHYARD_WORKERS: "auto" }, 6)).toBe(6);
    expect(workersFromEnv({ ...POSTGRES, SWITCHYARD_WORKERS: "auto" }, 200)).toBe(MAX_WORKERS);
    expect(workersFromEnv({ DATABASE_URL: "postgres://db/x", SWITCHYARD_WORKERS: "2" }, 2)).toBe(2);
    // One core: auto is one process, which the embedded database allows.
    expect(workersFromEnv({ SWITCHYARD_WORKERS: "auto" }, 1)).toBe(1);
  });

  it.each(["0", "-2", "1.5", "two", "65", "2 workers"])("refuses %j naming the variable", (raw) => {
    expect(() => workersFromEnv({ ...POSTGRES, SWITCHYARD_WORKERS: raw }, 2)).toThrow(
      `SWITCHYARD_WORKERS must be a whole number from 1 to ${MAX_WORKERS}, or "auto" (one per core); it is "${raw}".`,
    );
  });

  it("refuses several workers on the embedded database", () => {
    for (const env of [{ SWITCHYARD_WORKERS: "2" }, { SWITCHYARD_WORKERS: "auto", DATABASE_URL: "" }])
      expect(() => workersFromEnv(env, 4)).toThrow(
        /needs PostgreSQL \(DATABASE_URL\): the embedded database/,
      );
  });
});
