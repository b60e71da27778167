/**
 * Vitest suites over the test databases. Each suite is declared for every kind; a kind this
 * run leaves out on purpose (SWITCHYARD_TEST_PG=off) is declared skipped, so its tests are
 * counted as skipped in the closing line. A wanted PostgreSQL that does not answer fails the
 * file (see testDbKinds).
 */
import { describe } from "vitest";
import { TEST_DB_KINDS, type TTestDbKind, testDbKinds } from "./testing.ts";

const running = await testDbKinds();

/** `describe(name [kind])` once per database kind; skipped for a kind left out on purpose. */
export function describeEachDb(name: string, body: (kind: TTestDbKind) => void): void {
  for (const kind of TEST_DB_KINDS) {
    describe.skipIf(!running.includes(kind))(`${name} [${kind}]`, () => body(kind));
  }
}

/** A suite that exists only on PostgreSQL (several connections, contention, races). */
export function describeOnPostgres(name: string, body: () => void): void {
  describe.skipIf(!running.includes("postgres"))(`${name} [postgres]`, body);
}
