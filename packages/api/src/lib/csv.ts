import { stringify } from "csv-stringify/sync";

export type TCsvColumn<Row> = {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
};

/** RFC 4180 CSV with a header row; lists are joined with "; ". */
export function toCsv<Row>(columns: TCsvColumn<Row>[], rows: Row[]): string {
  return stringify([
    columns.map((c) => c.header),
    ...rows.map((row) => columns.map((c) => c.value(row) ?? "")),
  ]);
}
