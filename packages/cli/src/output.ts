import Table from "cli-table3";
import { stringify } from "yaml";

export const OUTPUT_FORMATS = ["table", "json", "yaml"] as const;
export type TOutputFormat = (typeof OUTPUT_FORMATS)[number];

export type TRow = Record<string, unknown>;
/** A table column: its header and how to show a row's value. */
export type TColumn = { header: string; value: (row: TRow) => unknown };

/** A column straight from a (dotted) field. */
export const field = (header: string, path: string): TColumn => ({ header, value: (row) => pick(row, path) });

export function pick(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** One cell: scalars as they are, lists joined, objects as compact JSON; missing is "-". */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map((v) => cell(v)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A borderless table, as kubectl prints them: easy to read and to cut. */
export function renderTable(rows: TRow[], columns: TColumn[]): string {
  const table = new Table({
    head: columns.map((c) => c.header.toUpperCase()),
    style: { head: [], border: [], compact: true, "padding-left": 0, "padding-right": 2 },
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "",
    },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  return table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

/** An object as FIELD  value lines (scalars first; nested values as compact JSON). */
export function renderDetails(object: TRow, only?: string[]): string {
  const keys = only ?? Object.keys(object).filter((k) => isScalarish(object[k]));
  return renderTable(
    keys.map((key) => ({ key, value: object[key] })),
    [
      { header: "field", value: (r) => r.key },
      { header: "value", value: (r) => r.value },
    ],
  );
}

function isScalarish(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  return Array.isArray(value) && value.every((v) => v === null || typeof v !== "object");
}

/** Machine output: the API's own objects, as JSON (2-space) or YAML. */
export function renderData(data: unknown, format: "json" | "yaml"): string {
  return format === "json" ? JSON.stringify(data, null, 2) : stringify(data).trimEnd();
}
