import { parse } from "csv-parse/sync";
import { z } from "zod";
import { canonicalGpuModel, type TGpuModel } from "./gpu-models.ts";

const ZNumber = z.coerce.number({ error: "must be a number" });

/** One row of a cloud price catalog (columns of data/cloud-gpu-prices.csv). */
export const ZCloudPriceRow = z.object({
  provider: z.string().trim().toLowerCase().min(1, "is required"),
  instance_type: z.string().trim(),
  accelerator_name: z.string().trim().min(1, "is required"),
  accelerator_count: ZNumber.pipe(z.number().positive("must be positive")),
  gpu_memory_gib: z.union([
    z.literal("").transform(() => null),
    ZNumber.pipe(z.number().positive("must be positive")),
  ]),
  price_per_hour: z.union([
    z.literal("").transform(() => null),
    ZNumber.pipe(z.number().nonnegative("must not be negative")),
  ]),
  spot_price_per_hour: z.union([
    z.literal("").transform(() => null),
    ZNumber.pipe(z.number().nonnegative("must not be negative")),
  ]),
  region: z.string().trim().min(1, "is required"),
});
export type TCloudPriceRow = z.infer<typeof ZCloudPriceRow>;

export type TCatalogError = { line: number; message: string };

export const REQUIRED_CATALOG_COLUMNS = Object.keys(ZCloudPriceRow.shape);

/**
 * Parses a price catalog CSV. Every bad row is reported with its line number (the header is
 * line 1); callers commit nothing when errors is not empty.
 */
export type TCloudPriceLine = TCloudPriceRow & { line: number };

export function parseCloudPriceCsv(text: string): { rows: TCloudPriceLine[]; errors: TCatalogError[] } {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: false, bom: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [{ line, message: (error as Error).message }] };
  }
  const header = Object.keys(records[0] ?? {});
  const missing = REQUIRED_CATALOG_COLUMNS.filter((column) => !header.includes(column));
  if (records.length > 0 && missing.length > 0) {
    return { rows: [], errors: [{ line: 1, message: `missing column(s): ${missing.join(", ")}` }] };
  }
  const rows: TCloudPriceLine[] = [];
  const errors: TCatalogError[] = [];
  records.forEach((record, index) => {
    const parsed = ZCloudPriceRow.safeParse(record);
    if (parsed.success) rows.push({ ...parsed.data, line: index + 2 });
    else {
      const message = parsed.error.issues
        .map((issue) => `${issue.path.join(".")} ${issue.message}`)
        .join("; ");
      errors.push({ line: index + 2, message });
    }
  });
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
