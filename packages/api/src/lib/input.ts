import { z } from "zod";
import { closestUnionIssues, humanMessage, typeMessage } from "./messages.ts";

/**
 * The one input sanitiser of Switchyard, shared by every procedure and route handler (and so
 * by every zod schema behind them), client-safe: zod only.
 *
 * 1. findUnsafeInput() walks a request's raw input before any schema sees it and refuses what
 *    no field may hold: NUL characters (PostgreSQL text cannot store them), lone UTF-16
 *    surrogates (they cannot be encoded as UTF-8, so the stored text would differ from what
 *    was sent and hashed), keys that name Object.prototype's machinery, and absurd nesting.
 *    tRPC runs it as middleware on every procedure (trpc.ts); route handlers call it too.
 * 2. The builders below cap lengths and date ranges: every schema builds ids, names, search
 *    text and dates with them, and a test walks every procedure's input schema and fails on
 *    a string without a maximum length.
 */

/** Ids are cuids or slugs: far below PostgreSQL's btree limit of ~2,700 bytes per index row. */
export const MAX_ID_LENGTH = 100;
export const MAX_SEARCH_LENGTH = 100;
/** The earliest and latest instants any date field accepts (TIMESTAMP(3) holds far more). */
export const MIN_DATE = new Date("1970-01-01T00:00:00.000Z");
export const MAX_DATE = new Date("9999-12-31T23:59:59.999Z");
export const MAX_INPUT_DEPTH = 16;

const LONE_SURROGATE_OR_NUL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export type TInputIssue = { path: (string | number)[]; message: string };

/** The index of the first lone surrogate in a string, or -1. */
export function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (code >= 0xdc00 && code <= 0xdfff) return i;
  }
  return -1;
}

/** What is wrong with one string as stored text, or null. */
export function textProblem(text: string): string | null {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) return `Remove the NUL character (\\u0000) at position ${nul + 1}: text cannot contain it.`;
  const lone = loneSurrogateAt(text);
  if (lone >= 0)
    return `The text has a broken character at position ${lone + 1} (half of a UTF-16 surrogate pair); retype it.`;
  return null;
}

/**
 * Every problem in a raw input, each with the path of the field it is in. Walks plain
 * objects and arrays (and the values of Maps and Sets, which superjson can send).
 */
export function findUnsafeInput(input: unknown): TInputIssue[] {
  const issues: TInputIssue[] = [];
  const seen = new Set<object>();
  const walk = (value: unknown, path: (string | number)[]) => {
    if (issues.length >= 20) return;
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) issues.push({ path, message: problem });
      return;
    }
    if (value === null || typeof value !== "object") return;
    if (seen.has(value)) return;
    seen.add(value);
    if (path.length >= MAX_INPUT_DEPTH) {
      issues.push({ path, message: `Nested too deeply: at most ${MAX_INPUT_DEPTH} levels.` });
      return;
    }
    if (Array.isArray(value) || value instanceof Set) {
      for (const [index, item] of [...value].entries()) walk(item, [...path, index]);
      return;
    }
    if (value instanceof Date) return;
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    for (const [key, item] of entries) {
      const name = String(key);
      if (FORBIDDEN_KEYS.has(name)) {
        // Reported on the object that holds it: the name itself must not become a key of the
        // error's fieldErrors (superjson would refuse to send it back).
        issues.push({ path, message: `"${name}" is not a field name this API accepts.` });
        continue;
      }
      const keyProblem = textProblem(name);
      if (keyProblem) {
        issues.push({ path: [...path, name.replace(LONE_SURROGATE_OR_NUL, "\uFFFD")], message: keyProblem });
        continue;
      }
      walk(item, [...path, name]);
    }
  };
  walk(input, []);
  return issues;
}

/** The issues as a zod error, so every client gets them like any other validation error. */
export function unsafeInputError(issues: TInputIssue[]): z.ZodError {
  return new z.ZodRealError(
    issues.map((i) => ({ code: "custom" as const, path: i.path, message: i.message, input: undefined })),
  );
}

/** "field: message; field: message", for the top-level message of a validation error. */
export function summariseIssues(
  issues: readonly { code?: string; path: PropertyKey[]; message: string }[],
): string {
  const flat = issues.flatMap((i) => closestUnionIssues({ code: "custom", ...i }));
  const parts = flat.slice(0, 5).map((i) => {
    const field = (i.path ?? []).map(String).join(".");
    const message = humanMessage(i);
    return field ? `${field}: ${message}` : message;
  });
  const more = flat.length > 5 ? `; and ${flat.length - 5} more` : "";
  return `Invalid input: ${parts.join("; ")}${more}`;
}

// ---------------------------------------------------------------------------
// Builders: every schema takes its ids, names, search text and dates from here.
// ---------------------------------------------------------------------------

/**
 * The input of a procedure that takes none. Declared rather than left out so REST refuses a
 * field sent to it by name (400 UNKNOWN_FIELD) instead of ignoring it; tRPC callers may omit it.
 */
export const ZNoInput = z.object({}).optional();

/** An object id (a cuid or a slug): required, trimmed, at most 100 characters. */
export function zId(what: string, required = `${what} is required`) {
  return z
    .string({ error: required })
    .trim()
    .min(1, required)
    .max(MAX_ID_LENGTH, `${what} is at most ${MAX_ID_LENGTH} characters`);
}

/** Free text with a length limit (names, reasons, comments). */
export function zText(options: { max: number; min?: number; minMessage?: string; what?: string }) {
  const what = options.what ?? "This";
  const text = z
    .string({ error: `${what} must be text` })
    .trim()
    .max(options.max, `At most ${options.max.toLocaleString("en-US")} characters`);
  return options.min
    ? text.min(options.min, options.minMessage ?? `At least ${options.min} characters`)
    : text;
}

/** The search box of a table. */
export const zSearch = () =>
  z
    .string({ error: typeMessage("Search text must be text") })
    .trim()
    .max(MAX_SEARCH_LENGTH, `Search for at most ${MAX_SEARCH_LENGTH} characters`);

/**
 * A date (a Date, an ISO string or epoch milliseconds) between 1970 and 9999. Only those three
 * are coerced: `true`, `null` or `[]` would otherwise become a date in January 1970.
 */
export function zDate(what: string) {
  const message = `${what} must be a date`;
  return z.union([z.date(), z.string().max(40, message), z.number()], { error: message }).pipe(
    z.coerce
      .date<string | number | Date>({ error: message })
      // abort: a refinement after these (a deadline in the future) has nothing to add.
      .min(MIN_DATE, { error: `${what} must be in 1970 or later`, abort: true })
      .max(MAX_DATE, { error: `${what} must be before the year 10000`, abort: true }),
  );
}
