import { z } from "zod";
import { zSearch } from "./input.ts";

export const MAX_PAGE_SIZE = 200;

/** The paging part of every list input; lists add their own sort keys and filters. */
export function ZPageInput<const Keys extends readonly [string, ...string[]]>(
  sortKeys: Keys,
  defaultSort: Keys[number],
) {
  return z.object({
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    sort: z.enum(sortKeys).default(defaultSort as never),
    direction: z.enum(["asc", "desc"]).default("asc"),
    search: zSearch().optional(),
  });
}

export type TPage<Row> = { rows: Row[]; total: number; page: number; pageSize: number; pages: number };

export function toPage<Row>(
  rows: Row[],
  total: number,
  input: { page: number; pageSize: number },
): TPage<Row> {
  return {
    rows,
    total,
    page: input.page,
    pageSize: input.pageSize,
    pages: Math.max(1, Math.ceil(total / input.pageSize)),
  };
}

export function pageArgs(input: { page: number; pageSize: number }) {
  return { skip: (input.page - 1) * input.pageSize, take: input.pageSize };
}
