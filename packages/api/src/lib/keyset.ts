import { z } from "zod";
import { AppError } from "../errors.ts";

/**
 * Keyset (cursor) paging for large lists ordered by the user's sort key (nodes, workloads): a
 * cursor carries the last row's values of the order's keys (the sort key, its tie-breaks, the
 * id) and the order it was made for; the next page is the rows strictly after it in that order.
 * A page costs the same wherever it is in the list (no OFFSET walks the rows before it), and
 * rows written meanwhile never shift a page.
 */

const MESSAGE = "Not a cursor: pass back the nextCursor of the previous page";

/** A value of one key: strings, numbers, dates (as ISO strings in the cursor) and null. */
type TKeyValue = string | number | null;

export type TKeysetCursor = { order: string; values: TKeyValue[] };

export function encodeKeysetRowCursor(cursor: TKeysetCursor): string {
  return Buffer.from(JSON.stringify({ o: cursor.order, v: cursor.values }), "utf8").toString("base64url");
}

const ZDecoded = z.object({
  o: z.string().max(60),
  v: z
    .array(z.union([z.string().max(400), z.number(), z.null()]))
    .min(1)
    .max(4),
});

/** The `cursor` input of a keyset-paged list: pass back the nextCursor of the previous page. */
export const ZKeysetRowCursor = z
  .string()
  .max(1200, MESSAGE)
  .transform((cursor, context): TKeysetCursor => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    } catch {
      decoded = undefined;
    }
    const parsed = ZDecoded.safeParse(decoded);
    if (!parsed.success) {
      context.addIssue({ code: "custom", message: MESSAGE });
      return z.NEVER;
    }
    return { order: parsed.data.o, values: parsed.data.v };
  });

/**
 * One key of a list's order. `where` wraps a condition on the key's column into a where clause
 * (a relation's column: `(c) => ({ site: { name: c } })`).
 */
export type TKey<Row> = {
  dir: "asc" | "desc";
  /** Prisma's orderBy entry for this key, nulls placed as `nulls` says. */
  orderBy: Record<string, unknown>;
  /** The row's value of this key (a Date is kept in the cursor as its ISO string). */
  of: (row: Row) => string | number | Date | null;
  where: (condition: unknown) => Record<string, unknown>;
  type?: "string" | "number" | "date";
  /** Nullable keys: where nulls sort (PostgreSQL: last ascending, first descending, unless said). */
  nulls?: "first" | "last";
  /** Enum keys: PostgreSQL sorts them in declaration order, and Prisma has no gt/lt on enums. */
  enumOrder?: readonly string[];
};

const cursorError = (message: string) =>
  new AppError("INVALID_REQUEST", `bad cursor: ${message}`, {
    userMessage: `${message}: pass back the nextCursor of the previous page with the same sort and direction`,
    field: "cursor",
  });

/** The typed value of a key from the cursor. */
function keyValue<Row>(key: TKey<Row>, raw: TKeyValue): unknown {
  if (raw === null) {
    if (!key.nulls) throw cursorError("This cursor does not fit this list");
    return null;
  }
  const type = key.enumOrder ? "enum" : (key.type ?? "string");
  if (type === "number") {
    if (typeof raw !== "number") throw cursorError("This cursor does not fit this list");
    return raw;
  }
  if (typeof raw !== "string") throw cursorError("This cursor does not fit this list");
  if (type === "date") {
    const date = new Date(raw);
    if (Number.isNaN(date.getTime())) throw cursorError("This cursor does not fit this list");
    return date;
  }
  if (type === "enum" && !key.enumOrder?.includes(raw))
    throw cursorError("This cursor does not fit this list");
  return raw;
}

/** Rows whose key is strictly after `value` in the key's order; null when none can be. */
function after<Row>(key: TKey<Row>, value: unknown): Record<string, unknown> | null {
  const nullsLast = key.nulls === "last";
  if (value === null) return nullsLast ? null : key.where({ not: null });
  let condition: Record<string, unknown>;
  if (key.enumOrder) {
    const at = key.enumOrder.indexOf(value as string);
    const rest = key.dir === "asc" ? key.enumOrder.slice(at + 1) : key.enumOrder.slice(0, at);
    if (rest.length === 0) return nullsLast ? key.where(null) : null;
    condition = key.where({ in: rest });
  } else {
    condition = key.where({ [key.dir === "asc" ? "gt" : "lt"]: value });
  }
  return nullsLast ? { OR: [condition, key.where(null)] } : condition;
}

/** Rows whose key is at `value` or after it: an index range the database can start from. */
function atOrAfter<Row>(key: TKey<Row>, value: unknown): Record<string, unknown> | null {
  if (value === null || key.nulls || key.enumOrder) return null;
  return key.where({ [key.dir === "asc" ? "gte" : "lte"]: value });
}

function equal<Row>(key: TKey<Row>, value: unknown): Record<string, unknown> {
  return key.where(value === null ? null : { equals: value });
}

/**
 * The where clause of the rows after the cursor in the order `keys` (lexicographic: the first
 * key after, or equal and the second after, …). Refuses a cursor made for another order.
 */
export function keysetWhere<Row>(
  keys: readonly TKey<Row>[],
  order: string,
  cursor: TKeysetCursor,
): Record<string, unknown> {
  if (cursor.order !== order) throw cursorError("This cursor was made for another sort order or direction");
  if (cursor.values.length !== keys.length) throw cursorError("This cursor does not fit this list");
  const values = keys.map((key, i) => keyValue(key, cursor.values[i] ?? null));
  const branches: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i++) {
    const next = after(keys[i] as TKey<Row>, values[i]);
    if (!next) continue;
    branches.push({ AND: [...keys.slice(0, i).map((key, j) => equal(key, values[j])), next] });
  }
  const range = atOrAfter(keys[0] as TKey<Row>, values[0]);
  // No row after the last possible one: match nothing.
  const rows = branches.length > 0 ? { OR: branches } : { id: { in: [] } };
  return range ? { AND: [range, rows] } : rows;
}

/** The cursor of the page after `last`, the last row of this page. */
export function keysetCursorAfter<Row>(keys: readonly TKey<Row>[], order: string, last: Row): string {
  return encodeKeysetRowCursor({
    order,
    values: keys.map((key) => {
      const value = key.of(last);
      return value instanceof Date ? value.toISOString() : value;
    }),
  });
}
