import type { RouterOutputs } from "@switchyard/api";

export type TTelemetry = RouterOutputs["node"]["telemetry"];
export type TTelemetryPoint = TTelemetry["gpus"][number]["points"][number];

export const TELEMETRY_RANGES = { "24h": "24 h", "7d": "7 d", "30d": "30 d" } as const;
export type TTelemetryRange = keyof typeof TELEMETRY_RANGES;
const RANGE_MS: Record<TTelemetryRange, number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** The range ending at the next whole minute after `now`: the query's key stays put for a minute. */
export function telemetryWindow(range: TTelemetryRange, now: Date): { from: Date; to: Date } {
  const to = new Date(Math.ceil((now.getTime() + 1) / 60_000) * 60_000);
  return { from: new Date(to.getTime() - RANGE_MS[range]), to };
}

export const TELEMETRY_METRICS = {
  utilization: { label: "Utilisation", unit: "%", avg: "utilizationAvg", max: "utilizationMax", digits: 1 },
  memory: { label: "Memory used", unit: "MiB", avg: "memoryUsedAvg", max: "memoryUsedMax", digits: 0 },
  power: { label: "Power", unit: "W", avg: "powerAvg", max: "powerMax", digits: 1 },
  temperature: { label: "Temperature", unit: "°C", avg: "temperatureAvg", max: "temperatureMax", digits: 1 },
} as const satisfies Record<
  string,
  { label: string; unit: string; avg: keyof TTelemetryPoint; max: keyof TTelemetryPoint; digits: number }
>;
export type TTelemetryMetric = keyof typeof TELEMETRY_METRICS;

/**
 * A GPU's average (weighted by each point's sample count, so it is the mean of every sample)
 * and maximum of one metric over the range; null when no point has the metric.
 */
export function summarise(
  points: TTelemetryPoint[],
  metric: TTelemetryMetric,
): { avg: number; max: number } | null {
  const { avg, max } = TELEMETRY_METRICS[metric];
  let sum = 0;
  let count = 0;
  let top = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    const value = point[avg] as number | null;
    if (value === null) continue;
    sum += value * point.samples;
    count += point.samples;
    top = Math.max(top, point[max] as number);
  }
  return count === 0 ? null : { avg: sum / count, max: top };
}

/** Rows for one chart: the bucket's time and each GPU's average, keyed `gpu<index>`. */
export function chartRows(telemetry: TTelemetry, metric: TTelemetryMetric) {
  const key = TELEMETRY_METRICS[metric].avg;
  const rows = new Map<number, Record<string, number | null>>();
  for (const gpu of telemetry.gpus) {
    for (const point of gpu.points) {
      const at = new Date(point.at).getTime();
      const row = rows.get(at) ?? { at };
      row[`gpu${gpu.gpuIndex}`] = point[key] as number | null;
      rows.set(at, row);
    }
  }
  return [...rows.values()].sort((a, b) => (a.at as number) - (b.at as number));
}

export function formatMeasure(value: number, metric: TTelemetryMetric): string {
  const { unit, digits } = TELEMETRY_METRICS[metric];
  const number = value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return `${number} ${unit}`;
}
