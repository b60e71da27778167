import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import {
  encodeKeysetRowCursor,
  keysetCursorAfter,
  keysetWhere,
  type TKey,
  ZKeysetRowCursor,
} from "./keyset.ts";

type TRow = { id: string; seen: Date | null; status: string };

const id: TKey<TRow> = {
  dir: "asc",
  orderBy: { id: "asc" },
  of: (r) => r.id,
  where: (c) => ({ id: c }),
};
const seen = (dir: "asc" | "desc"): TKey<TRow> => ({
  dir,
  nulls: dir === "asc" ? "first" : "last",
  orderBy: { seen: { sort: dir, nulls: dir === "asc" ? "first" : "last" } },
  of: (r) => r.seen,
  where: (c) => ({ seen: c }),
  type: "date",
});
const status = (dir: "asc" | "desc"): TKey<TRow> => ({
  dir,
  orderBy: { status: dir },
  of: (r) => r.status,
  where: (c) => ({ status: c }),
  enumOrder: ["READY", "CORDONED", "DRAINING", "DOWN"],
});

const cursorOf = (keys: TKey<TRow>[], order: string, row: TRow) =>
  ZKeysetRowCursor.parse(keysetCursorAfter(keys, order, row));

describe("keyset cursors", () => {
  it("start the next page strictly after the last row, from an index range on the first key", () => {
    const when = new Date("2026-12-01T10:00:00.000Z");
    const keys = [seen("desc"), id];
    const where = keysetWhere(
      keys,
      "seen:desc",
      cursorOf(keys, "seen:desc", { id: "n7", seen: when, status: "" }),
    );
    expect(where).toEqual({
      OR: [
        // Descending with nulls last: earlier heartbeats, then the nodes never heard from.
        { AND: [{ OR: [{ seen: { lt: when } }, { seen: null }] }] },
        { AND: [{ seen: { equals: when } }, { id: { gt: "n7" } }] },
      ],
    });
  });

  it("place nulls where the order puts them", () => {
    const asc = [seen("asc"), id];
    // Ascending, nulls first: after a null come the other nulls (by id), then every dated row.
    expect(keysetWhere(asc, "o", cursorOf(asc, "o", { id: "n1", seen: null, status: "" }))).toEqual({
      OR: [{ AND: [{ seen: { not: null } }] }, { AND: [{ seen: null }, { id: { gt: "n1" } }] }],
    });
    const desc = [seen("desc"), id];
    // Descending, nulls last: after a null only the nulls with a later id.
    expect(keysetWhere(desc, "o", cursorOf(desc, "o", { id: "n1", seen: null, status: "" }))).toEqual({
      OR: [{ AND: [{ seen: null }, { id: { gt: "n1" } }] }],
    });
  });

  it("follow an enum's declared order (PostgreSQL's), which has no gt in Prisma", () => {
    const asc = [status("asc"), id];
    expect(keysetWhere(asc, "o", cursorOf(asc, "o", { id: "n1", seen: null, status: "CORDONED" }))).toEqual({
      OR: [
        { AND: [{ status: { in: ["DRAINING", "DOWN"] } }] },
        { AND: [{ status: { equals: "CORDONED" } }, { id: { gt: "n1" } }] },
      ],
    });
    const desc = [status("desc"), id];
    expect(keysetWhere(desc, "o", cursorOf(desc, "o", { id: "n1", seen: null, status: "READY" }))).toEqual({
      OR: [{ AND: [{ status: { equals: "READY" } }, { id: { gt: "n1" } }] }],
    });
  });

  it("refuse a cursor of another order, of other keys, or that is not one", () => {
    const keys = [status("asc"), id];
    const cursor = cursorOf(keys, "status:asc", { id: "n1", seen: null, status: "DOWN" });
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof AppError ? { code: error.code, field: error.field } : error;
      }
      return "accepted";
    };
    expect(refusal(() => keysetWhere(keys, "status:desc", cursor))).toEqual({
      code: "INVALID_REQUEST",
      field: "cursor",
    });
    expect(refusal(() => keysetWhere([seen("asc"), id], "status:asc", cursor))).toEqual({
      code: "INVALID_REQUEST",
      field: "cursor",
    });
    expect(refusal(() => keysetWhere(keys, "o", { order: "o", values: ["BROKEN", "n1"] }))).toEqual({
      code: "INVALID_REQUEST",
      field: "cursor",
    });
    expect(ZKeysetRowCursor.safeParse("not-a-cursor").success).toBe(false);
    expect(ZKeysetRowCursor.safeParse(encodeKeysetRowCursor({ order: "o", values: [] })).success).toBe(false);
  });
});
