import { stringify } from "csv-stringify/sync";

export type TCsvColumn<Row> = {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
};

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, or a tab or carriage return
 * before one) gets a leading apostrophe, as OWASP recommends against CSV injection: the cell
 * shows as text, and the apostrophe tells a reader it was escaped. Numbers stay numbers.
 */
export function escapeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 CSV with a header row; lists are joined with "; ". The one CSV writer of every export. */
export function toCsv<Row>(columns: TCsvColumn<Row>[], rows: Row[]): string {
  const cell = (value: string | number | boolean | null | undefined) =>
    typeof value === "string" ? escapeFormula(value) : (value ?? "");
  return stringify([
    columns.map((c) => escapeFormula(c.header)),
    ...rows.map((row) => columns.map((c) => cell(c.value(row)))),
  ]);
}
