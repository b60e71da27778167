import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
import { CALLERS, failures, MATRIX, runMatrix } from "./authorization/matrix.ts";

/**
 * Every procedure as every role, on every relation of caller to object that matters to it,
 * and without a session: the exact outcome (see authorization/matrix.ts). A procedure missing
 * from the matrix fails here; authorization-mutations.integration.test.ts proves the matrix
 * fails when a team check is weakened.
 */
describe("authorisation matrix", () => {
  it("has an entry for every procedure, and only for procedures", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  });
});

describeEachDb("authorisation matrix", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("gives every procedure x relation x caller exactly the outcome the matrix states", async () => {
    const rows = await runMatrix(t.db.prisma);
    expect(failures(rows)).toEqual([]);
    // Every procedure was called, anonymously too, and as every role on every relation.
    const cases = Object.values(MATRIX).reduce((n, c) => n + c.length, 0);
    expect(rows).toHaveLength(cases * CALLERS.length);
    expect(new Set(rows.filter((r) => r.caller === "ANONYMOUS").map((r) => r.procedure))).toEqual(
      new Set(Object.keys(MATRIX)),
    );
  }, 300_000);
});
