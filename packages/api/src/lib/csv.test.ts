import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { escapeFormula, toCsv } from "./csv.ts";

describe("CSV formula injection", () => {
  it("escapes every text cell a spreadsheet would run as a formula", () => {
    const names = [
      '=HYPERLINK("http://evil")',
      "+1+1",
      "-2+3",
      "@SUM(A1)",
      "\t=1",
      "\r=1",
      "safe",
      "a=b",
      "",
    ];
    const csv = toCsv(
      [{ header: "name", value: (r: { name: string }) => r.name }],
      names.map((name) => ({ name })),
    );
    const cells = (parse(csv) as string[][]).slice(1).map((r) => r[0]);
    expect(cells).toEqual([
      '\'=HYPERLINK("http://evil")',
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\t=1",
      "'\r=1",
      "safe",
      "a=b",
      "",
    ]);
  });

  it("leaves numbers alone, negative ones included", () => {
    const csv = toCsv([{ header: "usd", value: (r: { usd: number }) => r.usd }], [{ usd: -4.5 }, { usd: 3 }]);
    expect(csv).toBe("usd\n-4.5\n3\n");
    expect(escapeFormula("-")).toBe("'-");
  });
});
