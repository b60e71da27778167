import { parseCsv } from "./csv";
import { readRepoText } from "./files";

/** The vendored public data, relative to the repo root (see packages/db/data/README.md). */
const DATA_DIR = "packages/db/data";

/** Catalog accelerator names -> the engine's canonical model names; others are left out. */
const CANONICAL: Record<string, string> = {
  H100: "H100",
  H200: "H200",
  "A100-80GB": "A100-80GB",
  A100: "A100",
  L40S: "L40S",
  L4: "L4",
  T4: "T4",
  A10G: "A10G",
  V100: "V100",
  B200: "B200",
  GH200: "GH200",
};

/** gpu-models.csv names -> canonical names. */
const SPEC_NAMES: Record<string, string> = {
  "NVIDIA H200 SXM": "H200",
  "NVIDIA H100 SXM": "H100",
  "NVIDIA A100 SXM 80GB": "A100-80GB",
  "NVIDIA A100 40GB": "A100",
  "NVIDIA L40S": "L40S",
  "NVIDIA L4": "L4",
  "NVIDIA A10G": "A10G",
  "NVIDIA T4": "T4",
  "NVIDIA V100": "V100",
  "NVIDIA B200": "B200",
  "NVIDIA GH200": "GH200",
  "AMD Instinct MI300X": "MI300X",
  "NVIDIA Jetson AGX Orin 64GB": "Jetson-AGX-Orin",
};

export type TCloudRegion = {
  readonly provider: string;
  readonly region: string;
  /** Cheapest on-demand USD per GPU-hour per canonical model in that region. */
  readonly prices: Readonly<Record<string, number>>;
};

export type TGpuData = {
  readonly regions: readonly TCloudRegion[];
  /** Median cloud price per GPU-hour per model across regions. */
  readonly medianPrice: Readonly<Record<string, number>>;
  /** GPU memory in GiB per model, as clouds report it (published figure when absent). */
  readonly memoryGib: Readonly<Record<string, number>>;
  readonly priceRows: number;
};

export function loadGpuData(): TGpuData {
  const priceRows = parseCsv(readRepoText(`${DATA_DIR}/cloud-gpu-prices.csv`));
  const byRegion = new Map<string, Record<string, number>>();
  for (const row of priceRows) {
    const model = CANONICAL[row.accelerator_name ?? ""];
    const count = Number(row.accelerator_count);
    const price = Number(row.price_per_hour);
    if (model === undefined || !(count >= 1) || row.price_per_hour === "" || !(price > 0)) continue;
    const key = `${row.provider}|${row.region}`;
    const prices = byRegion.get(key) ?? {};
    const perGpu = price / count;
    prices[model] = Math.min(prices[model] ?? Number.POSITIVE_INFINITY, perGpu);
    byRegion.set(key, prices);
  }
  const regions = [...byRegion.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, prices]) => {
      const [provider = "", region = ""] = key.split("|");
      return { provider, region, prices };
    });
  const all = new Map<string, number[]>();
  for (const r of regions)
    for (const [m, p] of Object.entries(r.prices)) all.set(m, [...(all.get(m) ?? []), p]);
  const medianPrice: Record<string, number> = {};
  for (const [m, ps] of all) {
    const sorted = ps.sort((a, b) => a - b);
    medianPrice[m] = sorted[Math.floor(sorted.length / 2)] ?? 0;
  }

  const memoryGib: Record<string, number> = {};
  for (const row of parseCsv(readRepoText(`${DATA_DIR}/gpu-models.csv`))) {
    const model = SPEC_NAMES[row.name ?? ""];
    if (model === undefined) continue;
    const reported = Number.parseFloat(row.memory_gib_cloud_reported ?? "");
    const published = Number.parseFloat(row.memory_gb_published ?? "");
    memoryGib[model] = Number.isFinite(reported) ? reported : published;
  }
  return { regions, medianPrice, memoryGib, priceRows: priceRows.length };
}
