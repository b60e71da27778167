import { z } from "zod";
import { zSearch } from "./input.ts";

export const MAX_PAGE_SIZE = 200;

/**
 * An opaque cursor for `limit` + `cursor` paging (REST and the CLI): clients pass back the
 * `nextCursor` of the previous page. Today it encodes the position in the list's order; it
 * is opaque so that it can become a keyset cursor without changing the contract.
 */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number | null {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match?.[1] === undefined ? null : Number(match[1]);
}

const ZCursor = z
  .string()
  .max(40, "Not a cursor: pass back the nextCursor of the previous page")
  .transform((cursor, context) => {
    const offset = decodeCursor(cursor);
    if (offset === null) {
      context.addIssue({
        code: "custom",
        message: "Not a cursor: pass back the nextCursor of the previous page",
      });
      return z.NEVER;
    }
    return offset;
  });

/**
 * A keyset cursor for lists ordered by one unique, never reused integer key (the audit
 * log's `seq`): the next page starts after the last key seen, so rows written meanwhile
 * never shift a page (an offset would repeat or skip rows of a newest-first list).
 */
export function encodeKeysetCursor(key: bigint): string {
  return Buffer.from(`k:${key}`, "utf8").toString("base64url");
}

export const ZKeysetCursor = z
  .string()
  .max(40, "Not a cursor: pass back the nextCursor of the previous page")
  .transform((cursor, context) => {
    const match = /^k:(\d{1,19})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!match?.[1]) {
      context.addIssue({
        code: "custom",
        message: "Not a cursor: pass back the nextCursor of the previous page",
      });
      return z.NEVER;
    }
    return BigInt(match[1]);
  });

/**
 * Paging alone, for a list in one fixed order (no sort keys, filters or search). The console
 * pages with `page` + `pageSize`; API clients with `limit` + `cursor` (which win).
 */
export const ZPagingInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: ZCursor.optional(),
});

/** The first page with the default size: what a list called without paging input returns. */
export const FIRST_PAGE = ZPagingInput.parse({});

/**
 * The paging part of every list input; lists add their own sort keys and filters. The
 * console pages with `page` + `pageSize`; API clients with `limit` + `cursor` (which win).
 */
export function ZPageInput<const Keys extends readonly [string, ...string[]]>(
  sortKeys: Keys,
  defaultSort: Keys[number],
) {
  return ZPagingInput.extend({
    sort: z.enum(sortKeys).default(defaultSort as never),
    direction: z.enum(["asc", "desc"]).default("asc"),
    search: zSearch().optional(),
  });
}

/**
 * The keys of a list's filters, in declaration order: the one list the list input, the console
 * table's URL and the saved views of that table all read.
 */
export function filterKeys<const Shape extends z.ZodRawShape>(filters: z.ZodObject<Shape>) {
  return Object.keys(filters.shape) as (keyof Shape & string)[];
}

export type TPageParams = { page: number; pageSize: number; limit?: number; cursor?: number };

export type TPage<Row> = {
  rows: Row[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** `total` (and so `pages`) is PostgreSQL's estimate, not a count: the console says "about". */
  totalIsEstimate: boolean;
};

function window(input: TPageParams) {
  const size = input.limit ?? input.pageSize;
  const offset = input.cursor ?? (input.page - 1) * size;
  return { size, offset };
}

export function toPage<Row>(rows: Row[], total: number, input: TPageParams): TPage<Row> {
  const { size, offset } = window(input);
  return {
    rows,
    total,
    page: Math.floor(offset / size) + 1,
    pageSize: size,
    pages: Math.max(1, Math.ceil(total / size)),
    nextCursor: offset + rows.length < total ? encodeCursor(offset + rows.length) : null,
    totalIsEstimate: false,
  };
}

export function pageArgs(input: TPageParams) {
  const { size, offset } = window(input);
  return { skip: offset, take: size };
}

/** One page of a list already in memory (bounded lists built from several queries). */
export function pageOf<Row>(rows: Row[], input: TPageParams): TPage<Row> {
  const { skip, take } = pageArgs(input);
  return toPage(rows.slice(skip, skip + take), rows.length, input);
}

/**
 * One page of a keyset-paged list (lib/keyset.ts): `fetched` holds up to one row more than the
 * page (whether there is a next page, without counting), `next` makes the cursor after a row.
 * Page-numbered requests (the console) skip to their page; cursor requests answer page 1 of
 * what is left after the cursor.
 */
export function toKeysetPage<Row>(
  fetched: Row[],
  count: { total: number; estimated: boolean },
  input: { page: number; pageSize: number; limit?: number; cursor?: unknown },
  next: (last: Row) => string,
): TPage<Row> {
  const size = input.limit ?? input.pageSize;
  const rows = fetched.slice(0, size);
  const last = rows[rows.length - 1];
  const page = input.cursor !== undefined ? 1 : input.page;
  const seen = (page - 1) * size + rows.length;
  // An estimate may fall short of what is already seen on this page.
  const total = count.estimated ? Math.max(count.total, seen + (fetched.length > size ? 1 : 0)) : count.total;
  return {
    rows,
    total,
    page,
    pageSize: size,
    pages: Math.max(1, Math.ceil(total / size)),
    nextCursor: fetched.length > size && last !== undefined ? next(last) : null,
    totalIsEstimate: count.estimated,
  };
}

/** Prisma's skip/take for a keyset-paged list: one row more than the page, skipping to a page number. */
export function keysetPageArgs(input: { page: number; pageSize: number; limit?: number; cursor?: unknown }) {
  const size = input.limit ?? input.pageSize;
  const skip = input.cursor !== undefined ? 0 : (input.page - 1) * size;
  return { skip, take: size + 1 };
}
