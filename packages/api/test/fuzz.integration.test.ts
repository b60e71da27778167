import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb, testDbKinds } from "@switchyard/db/testing";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import fc from "fast-check";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { procedureInputs, type TProcedureInput } from "../src/lib/procedure-inputs.ts";
import { appRouter } from "../src/root.ts";
import { createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";

/**
 * Issue 11's fuzz suite: bad input for EVERY procedure, generated from its zod input schema
 * (a plausible value from the schema, then one leaf, or the whole input, replaced by a
 * payload of a hostile class), sent through the real tRPC HTTP handler (superjson, error
 * formatter) as an admin on a real PostgreSQL database. Asserts: never a 5xx, and always the
 * one error shape: a code, a message for people, and fieldErrors naming the field when the
 * input is at fault. `npm test` runs a fixed seed and count; `npm run fuzz` runs longer
 * (SWITCHYARD_FUZZ_RUNS per procedure, SWITCHYARD_FUZZ_SEED, a random seed printed).
 */
const RUNS = Number(process.env.SWITCHYARD_FUZZ_RUNS ?? 12);
const SEED = process.env.SWITCHYARD_FUZZ_SEED
  ? Number(process.env.SWITCHYARD_FUZZ_SEED)
  : process.env.SWITCHYARD_FUZZ_RANDOM
    ? Math.floor(Math.random() * 2 ** 31)
    : 20_261_202;

type TJson = Record<string, unknown>;

/** The hostile payload classes of issue 11's table, plus wrong types. */
const PAYLOADS: { name: string; value: () => unknown }[] = [
  { name: "NUL", value: () => "a\u0000b" },
  { name: "lone surrogate", value: () => "\ud800x" },
  { name: "lone low surrogate", value: () => "x\udc00" },
  { name: "1 MB string", value: () => "t".repeat(1_000_000) },
  { name: "year -100000 (text)", value: () => "-100000-01-01T00:00:00.000Z" },
  { name: "year -100000 (Date)", value: () => new Date(Date.UTC(-100_000, 0, 1)) },
  { name: "invalid Date", value: () => new Date(Number.NaN) },
  { name: "unknown id", value: () => "does-not-exist-0000" },
  { name: "__proto__ key", value: () => JSON.parse('{"__proto__": {"role": "ADMIN"}, "id": "x"}') },
  { name: "constructor key", value: () => ({ constructor: { prototype: { admin: true } } }) },
  { name: "number", value: () => -1 },
  { name: "huge number", value: () => 1e308 },
  { name: "NaN", value: () => Number.NaN },
  { name: "Infinity", value: () => Number.POSITIVE_INFINITY },
  { name: "BigInt", value: () => 10n ** 30n },
  { name: "boolean", value: () => true },
  { name: "null", value: () => null },
  { name: "array", value: () => ["a", 1, null] },
  { name: "object", value: () => ({ a: 1 }) },
  { name: "empty string", value: () => "" },
  { name: "spaces", value: () => "   " },
  { name: "SQL", value: () => '\'; DROP TABLE "Site"; --' },
  { name: "deep nesting", value: () => JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`) },
  { name: "percent", value: () => "%" },
  { name: "emoji", value: () => "🚀".repeat(50) },
];

/** A plausible value for a JSON schema (from z.toJSONSchema): what a real client would send. */
function sample(schema: unknown): unknown {
  if (!schema || typeof schema !== "object") return "x";
  const s = schema as TJson;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.anyOf)) return sample(s.anyOf.find((o) => (o as TJson).type !== "null") ?? s.anyOf[0]);
  if (Array.isArray(s.allOf)) return Object.assign({}, ...s.allOf.map(sample));
  switch (s.type) {
    case "object": {
      const out: TJson = {};
      for (const [key, child] of Object.entries((s.properties ?? {}) as TJson)) out[key] = sample(child);
      return out;
    }
    case "array":
      return [];
    case "string":
      return "x".repeat(Math.max(1, Number(s.minLength ?? 1)));
    case "integer":
    case "number":
      return Math.max(1, Number(s.minimum ?? 1));
    case "boolean":
      return false;
    default:
      return "2030-01-01T00:00:00.000Z";
  }
}

/** Paths to every leaf of a sampled value (and to each object and array itself). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  else if (value && typeof value === "object" && !(value instanceof Date))
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], payload: unknown): unknown {
  if (path.length === 0) return payload;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as TJson) }) as TJson;
  copy[head as string] = replaceAt(copy[head as string], rest, payload);
  return copy;
}

type TBadInput = { procedure: TProcedureInput; input: unknown; label: string };

function badInputsFor(procedure: TProcedureInput): fc.Arbitrary<TBadInput> {
  const json = procedure.schema
    ? z.toJSONSchema(procedure.schema, { io: "input", unrepresentable: "any" })
    : { type: "object" };
  const base = sample(json);
  const leafPaths = paths(base);
  const replaced = fc
    .record({
      path: fc.constantFrom(...leafPaths),
      payload: fc.constantFrom(...PAYLOADS),
    })
    .map(({ path, payload }) => ({
      procedure,
      input: replaceAt(base, path, payload.value()),
      label: `${payload.name} at ${path.join(".") || "(input)"}`,
    }));
  const unknownField = fc.string({ maxLength: 12 }).map((key) => ({
    procedure,
    input: base && typeof base === "object" ? { ...(base as TJson), [`x-${key}`]: "unexpected" } : base,
    label: "unknown field",
  }));
  const anything = fc.jsonValue({ maxDepth: 3 }).map((input) => ({ procedure, input, label: "any JSON" }));
  return fc.oneof(
    { arbitrary: replaced, weight: 6 },
    { arbitrary: unknownField, weight: 1 },
    { arbitrary: anything, weight: 1 },
  );
}

type TErrorShape = {
  message?: unknown;
  code?: unknown;
  data?: { code?: unknown; httpStatus?: unknown; fieldErrors?: Record<string, string[]> | null };
};

describe.each((await testDbKinds()).filter((k) => k === "postgres"))("fuzz every procedure [%s]", (kind) => {
  let t: TTestDb;
  const tally = { sent: 0, fivexx: 0, byStatus: new Map<number, number>() };
  let failures: string[] = [];

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
    console.log(`fuzz: seed ${SEED}, ${RUNS} runs per procedure`);
  });
  afterAll(async () => {
    const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b);
    console.log(
      `fuzz: ${tally.sent} bad inputs sent, ${tally.fivexx} answered 5xx; by status ${statuses.map(([s, n]) => `${s}: ${n}`).join(", ")}`,
    );
    await t.cleanup();
  });

  /** One call through the real HTTP handler, as the console's client would make it. */
  async function send(bad: TBadInput): Promise<void> {
    const { path, type } = bad.procedure;
    // superjson refuses to send a __proto__ key; a hostile client writes the JSON by hand.
    let body: unknown;
    try {
      body = superjson.serialize(bad.input);
    } catch {
      body = { json: bad.input };
    }
    const url = `http://localhost/api/trpc/${path}`;
    const request =
      type === "query"
        ? new Request(`${url}?input=${encodeURIComponent(JSON.stringify(body))}`)
        : new Request(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          });
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      createContext: () => createInnerContext({ prisma: t.db.prisma, user: USERS.admin }),
    });
    tally.sent++;
    tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
    const where = `${path} (${bad.label})`;
    if (response.status >= 500) {
      tally.fivexx++;
      failures.push(`${where}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      return;
    }
    if (response.ok) return;
    const payload = (await response.json()) as { error?: { json?: TErrorShape } };
    const error = payload.error?.json;
    const fieldErrors = error?.data?.fieldErrors;
    if (
      typeof error?.message !== "string" ||
      error.message.length === 0 ||
      typeof error.data?.code !== "string"
    )
      failures.push(`${where}: error without code and message: ${JSON.stringify(payload).slice(0, 300)}`);
    else if (/prisma|invalid `|\.ts:\d|at [A-Za-z]+ \(/i.test(error.message))
      failures.push(`${where}: internal detail in the message: ${error.message.slice(0, 300)}`);
    // Input refused by validation (no domain error underneath) must name the field at fault.
    else if (
      error.data.code === "BAD_REQUEST" &&
      (error.data as { appCode?: unknown }).appCode === null &&
      (!fieldErrors || Object.keys(fieldErrors).length === 0)
    )
      failures.push(`${where}: a validation error that names no field: ${error.message.slice(0, 200)}`);
  }

  const procedures = procedureInputs();

  it("covers every procedure of the router", () => {
    expect(procedures.length).toBeGreaterThan(50);
  });

  it.each(procedures.map((p) => [p.path, p] as const))(
    "%s: never a 5xx, always the one error shape",
    async (_path, procedure) => {
      // Every payload class at the whole input and at each top-level field first, then random ones.
      const json = procedure.schema
        ? z.toJSONSchema(procedure.schema, { io: "input", unrepresentable: "any" })
        : {};
      failures = [];
      const base = sample(json);
      const topLevel = [[], ...(base && typeof base === "object" ? Object.keys(base).map((k) => [k]) : [])];
      // Each class at the whole input; at each field a third of them, rotating.
      for (const [index, path] of topLevel.entries())
        for (const payload of PAYLOADS.filter((_, p) => index === 0 || p % 3 === index % 3))
          await send({
            procedure,
            input: replaceAt(base, path, payload.value()),
            label: `${payload.name} at ${path.join(".") || "(input)"}`,
          });
      await fc.assert(
        fc.asyncProperty(badInputsFor(procedure), async (bad) => {
          await send(bad);
        }),
        { seed: SEED + procedure.path.length, numRuns: RUNS },
      );
      expect(failures).toEqual([]);
    },
  );
});
