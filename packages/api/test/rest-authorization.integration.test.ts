import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type TRole, type TTokenScope } from "../src/auth/session.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import {
  CALLERS,
  failures,
  MATRIX,
  runMatrix,
  SESSION_USERS,
  type TCaller,
  type TRow,
} from "./authorization/matrix.ts";
import {
  restRoutes,
  restTransport,
  SESSION_HEADER,
  scopeOf,
  type TCredentials,
  withTokenScopes,
} from "./authorization/rest.ts";

/**
 * The authorisation matrix (authorization/matrix.ts) over REST: every operation of the
 * OpenAPI document, every relation of caller to object the matrix names, as every role and
 * without credentials, over a session and over API tokens. With a token holding every scope
 * the outcome is the session's; with one scope (read, write, approve, admin) it is the
 * session's where that scope is the one the procedure needs, FORBIDDEN elsewhere. One
 * handler, one database, many calls.
 */
const PROCEDURES = [...new Set(restRoutes().map((r) => r.procedure))].sort();
const SCOPES: TTokenScope[] = ["read", "write", "approve", "admin"];
/** Well-formed, never issued: a request with it must be 401 whatever it asks. */
const UNKNOWN_TOKEN = `sy_${"0".repeat(43)}`;

describe("REST authorisation matrix", () => {
  it("has a row for every REST operation (a route missing from the matrix fails here)", () => {
    expect(PROCEDURES.filter((p) => !(p in MATRIX))).toEqual([]);
    expect(PROCEDURES.length).toBeGreaterThanOrEqual(40);
  });

  it("derives the token scope of every REST operation from its procedure", () => {
    const scopes = Object.fromEntries(PROCEDURES.map((p) => [p, scopeOf(p)]));
    expect(scopes["workload.list"]).toBe("read");
    expect(scopes["workload.submit"]).toBe("write");
    expect(scopes["approval.decide"]).toBe("approve");
    expect(scopes["webhook.list"]).toBe("admin");
  });
});

describeEachDb("REST authorisation matrix", (kind) => {
  let t: TTestDb;
  /** tokens[role][scopes joined] */
  const tokens = {} as Record<TRole, Record<string, string>>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const createCaller = createCallerFactory(appRouter);
    for (const role of ROLES) {
      const caller = createCaller(createInnerContext({ prisma: t.db.prisma, user: SESSION_USERS[role] }));
      tokens[role] = {};
      // Only admins' tokens may hold the admin scope: "every scope" is every scope the role may hold.
      const every = role === "ADMIN" ? SCOPES : SCOPES.filter((s) => s !== "admin");
      tokens[role].every = (await caller.token.create({ name: "rest-matrix-every", scopes: every })).secret;
      for (const scope of SCOPES) {
        const created = caller.token.create({ name: `rest-matrix-${scope}`, scopes: [scope] });
        if (scope === "admin" && role !== "ADMIN") {
          await expect(created).rejects.toMatchObject({ code: "BAD_REQUEST" });
          continue;
        }
        tokens[role][scope] = (await created).secret;
      }
    }
  });
  afterAll(() => t.cleanup());

  const session: TCredentials = (user): Record<string, string> => (user ? { [SESSION_HEADER]: user.id } : {});
  const token =
    (key: string): TCredentials =>
    (user) => ({ authorization: `Bearer ${(user && tokens[user.role][key]) || UNKNOWN_TOKEN}` });

  async function run(
    credentials: TCredentials,
    options: { only?: readonly string[]; callers?: readonly TCaller[]; firstCaseOnly?: boolean } = {},
  ): Promise<TRow[]> {
    const only = options.only ?? PROCEDURES;
    const callers = options.callers ?? CALLERS;
    const rows = await runMatrix(t.db.prisma, {
      transport: restTransport(t.db.prisma, credentials),
      ...options,
      only,
      callers,
    });
    const cases = only.reduce((n, p) => n + (options.firstCaseOnly ? 1 : (MATRIX[p]?.length ?? 0)), 0);
    expect(rows).toHaveLength(cases * callers.length);
    expect(new Set(rows.map((r) => r.procedure))).toEqual(new Set(only));
    return rows;
  }

  it("over a session: exactly the matrix's outcome per operation, relation and role; 401 without one", async () => {
    expect(failures(await run(session))).toEqual([]);
  }, 300_000);

  it("over a token with every scope: the owner's role decides, exactly as over a session", async () => {
    expect(failures(await run(token("every")))).toEqual([]);
  }, 300_000);

  it.each(SCOPES)(
    "over a token with only %s: the matrix where the operation needs it, 403 elsewhere",
    async (scope) => {
      // A non-admin cannot hold an admin-scoped token (refused when it is made, above).
      const callers = scope === "admin" ? (["ADMIN", "ANONYMOUS"] as const) : CALLERS;
      const needing = PROCEDURES.filter((p) => scopeOf(p) === scope);
      const others = PROCEDURES.filter((p) => scopeOf(p) !== scope);
      const granted = await run(token(scope), { only: needing, callers });
      // The scope is checked before anything about the object: one relation per procedure shows it.
      const refused = await run(token(scope), { only: others, callers, firstCaseOnly: true });
      expect(failures([...granted, ...withTokenScopes(refused, [scope])])).toEqual([]);
      expect(granted.some((r) => r.actual === "OK")).toBe(true);
      expect(refused.filter((r) => r.caller !== "ANONYMOUS").map((r) => r.actual)).toEqual(
        refused.filter((r) => r.caller !== "ANONYMOUS").map(() => "FORBIDDEN"),
      );
    },
    300_000,
  );
});
