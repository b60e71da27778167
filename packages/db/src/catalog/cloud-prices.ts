import { parse } from "csv-parse/sync";
import { z } from "zod";
import { canonicalGpuModel, type TGpuModel } from "./gpu-models.ts";

const ZNumber = z.coerce.number({ error: "must be a number" });

/** One row of a cloud price catalog (columns of data/cloud-gpu-prices.csv). */
export const ZCloudPriceRow = z.object({
  provider: z.string().trim().toLowerCase().min(1, "is required"),
  instance_type: z.string({ error: "is required" }).trim(),
  accelerator_name: z.string().trim().min(1, "is required"),
  accelerator_count: ZNumber.pipe(z.number().positive("must be positive")),
  gpu_memory_gib: z.union(
    [z.literal("").transform(() => null), ZNumber.pipe(z.number().positive("must be positive"))],
    { error: "must be a number or empty" },
  ),
  price_per_hour: z.union(
    [z.literal("").transform(() => null), ZNumber.pipe(z.number().nonnegative("must not be negative"))],
    { error: "must be a number or empty" },
  ),
  spot_price_per_hour: z.union(
    [z.literal("").transform(() => null), ZNumber.pipe(z.number().nonnegative("must not be negative"))],
    { error: "must be a number or empty" },
  ),
  region: z.string().trim().min(1, "is required"),
});
export type TCloudPriceRow = z.infer<typeof ZCloudPriceRow>;

/** One problem in a catalog: its line (the header is line 1), the column when one is at fault. */
export type TCatalogError = { line: number; column?: string; message: string };

export const REQUIRED_CATALOG_COLUMNS = Object.keys(ZCloudPriceRow.shape);

export type TCloudPriceLine = TCloudPriceRow & { line: number };

/** csv-parse's codes for a file it cannot read on, in words for the person who made the file. */
const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted value is never closed: add the closing double quote",
  CSV_INVALID_CLOSING_QUOTE: 'a double quote inside a value must be written twice ("")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    "text follows a closing double quote: put the whole value in quotes",
};

/**
 * Parses a price catalog CSV. Every bad row is reported, each problem with its line number
 * and column; a row with too many or too few values is one such row, not the end of the
 * file. Callers commit nothing when errors is not empty.
 */
export function parseCloudPriceCsv(text: string): { rows: TCloudPriceLine[]; errors: TCatalogError[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      relax_column_count: true,
      // Files pasted together from several sources mix line endings; each is a row's end.
      record_delimiter: ["\r\n", "\n", "\r"],
      skip_empty_lines: true,
      bom: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    const { lines, code } = error as { lines?: number; code?: string };
    const problem = (code && CSV_PROBLEMS[code]) ?? "the file is not valid CSV from here on";
    return { rows: [], errors: [{ line: lines ?? 1, message: problem }] };
  }
  const [head, ...body] = records;
  const header = head?.record ?? [];
  const missing = REQUIRED_CATALOG_COLUMNS.filter((column) => !header.includes(column));
  if (body.length > 0 && missing.length > 0) {
    return { rows: [], errors: [{ line: 1, message: `missing column(s): ${missing.join(", ")}` }] };
  }
  const rows: TCloudPriceLine[] = [];
  const errors: TCatalogError[] = [];
  for (const { record: values, info } of body) {
    const line = info.lines;
    if (values.length !== header.length) {
      errors.push({
        line,
        message: `has ${values.length} value${values.length === 1 ? "" : "s"}; the header has ${header.length} columns`,
      });
      continue;
    }
    const record = Object.fromEntries(header.map((column, i) => [column, values[i] ?? ""]));
    const parsed = ZCloudPriceRow.safeParse(record);
    if (parsed.success) rows.push({ ...parsed.data, line });
    else
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? "");
        errors.push({ line, column, message: `${column} ${issue.message}` });
      }
  }
  return { rows, errors };
}

export type TGpuHourPrice = {
  provider: string;
  region: string;
  gpuModel: TGpuModel;
  /** Cheapest on-demand price of one GPU-hour over the instance types that carry it. */
  usdPerGpuHour: number;
  spotUsdPerGpuHour: number | null;
  /** Largest whole-GPU instance, e.g. 8 for p5.48xlarge. */
  maxGpusPerInstance: number;
  instanceType: string;
};

/**
 * Folds instance prices into one price per GPU-hour for each (provider, region, model).
 * Fractional-GPU slices and rows without an on-demand price are left out.
 */
export function pricePerGpuHour(rows: TCloudPriceRow[]): TGpuHourPrice[] {
  const best = new Map<string, TGpuHourPrice>();
  for (const row of rows) {
    const gpuModel = canonicalGpuModel(row.accelerator_name);
    if (!gpuModel || row.price_per_hour === null || row.accelerator_count < 1) continue;
    if (!Number.isInteger(row.accelerator_count)) continue;
    const key = `${row.provider}/${row.region}/${gpuModel}`;
    const perGpu = row.price_per_hour / row.accelerator_count;
    const spot = row.spot_price_per_hour === null ? null : row.spot_price_per_hour / row.accelerator_count;
    const current = best.get(key);
    if (!current) {
      best.set(key, {
        provider: row.provider,
        region: row.region,
        gpuModel,
        usdPerGpuHour: perGpu,
        spotUsdPerGpuHour: spot,
        maxGpusPerInstance: row.accelerator_count,
        instanceType: row.instance_type,
      });
      continue;
    }
    if (perGpu < current.usdPerGpuHour) {
      current.usdPerGpuHour = perGpu;
      current.instanceType = row.instance_type;
    }
    if (spot !== null && (current.spotUsdPerGpuHour === null || spot < current.spotUsdPerGpuHour)) {
      current.spotUsdPerGpuHour = spot;
    }
    current.maxGpusPerInstance = Math.max(current.maxGpusPerInstance, row.accelerator_count);
  }
  return [...best.values()].sort((a, b) =>
    `${a.provider}/${a.region}/${a.gpuModel}`.localeCompare(`${b.provider}/${b.region}/${b.gpuModel}`),
  );
}
