"use client";

import { useQuery } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { cn } from "~/lib/cn";
import {
  chartRows,
  formatMeasure,
  summarise,
  TELEMETRY_METRICS,
  TELEMETRY_RANGES,
  type TTelemetry,
  type TTelemetryMetric,
  type TTelemetryRange,
  telemetryWindow,
} from "~/lib/telemetry";
import { useTRPC } from "~/trpc/react";

/** One line colour per GPU index (not the environment colours, which mean environments). */
const GPU_COLORS = [
  "oklch(0.62 0.17 250)",
  "oklch(0.66 0.16 150)",
  "oklch(0.72 0.15 70)",
  "oklch(0.62 0.2 25)",
  "oklch(0.6 0.16 310)",
  "oklch(0.7 0.12 200)",
  "oklch(0.66 0.12 110)",
  "oklch(0.55 0.06 270)",
];
const gpuColor = (index: number) => GPU_COLORS[index % GPU_COLORS.length];
const METRICS = Object.keys(TELEMETRY_METRICS) as TTelemetryMetric[];

/** The node's per-GPU history from its agent: a range, a summary per GPU, and a chart per metric. */
export function GpuTelemetry({ nodeId }: { nodeId: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<TTelemetryRange>("24h");
  const query = useQuery(
    trpc.node.telemetry.queryOptions({ id: nodeId, ...telemetryWindow(range, new Date()) }),
  );
  return (
    <section aria-labelledby="gpu-telemetry" className="rounded-lg border border-border bg-surface">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-3 py-2">
        <h2 id="gpu-telemetry" className="text-sm font-semibold">
          GPU telemetry
          {query.data ? (
            <span className="font-normal text-muted" data-testid="telemetry-source">
              {" "}
              · {query.data.source === "raw" ? "samples" : `${query.data.source} rollups`},{" "}
              {query.data.bucketSeconds / 60}-minute points
            </span>
          ) : null}
        </h2>
        <fieldset className="flex gap-1" aria-label="Time range">
          {(Object.keys(TELEMETRY_RANGES) as TTelemetryRange[]).map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={range === key}
              onClick={() => setRange(key)}
              className={cn(
                "rounded border border-border px-2 py-0.5 text-xs",
                range === key ? "bg-foreground text-background" : "hover:bg-muted/10",
              )}
            >
              {TELEMETRY_RANGES[key]}
            </button>
          ))}
        </fieldset>
      </div>
      {query.isError ? (
        <p className="px-3 py-6 text-center text-sm text-status-bad" data-testid="telemetry-error">
          Telemetry could not be loaded: {query.error.message}
        </p>
      ) : !query.data ? (
        <div aria-busy="true" data-testid="telemetry-loading" className="grid gap-3 p-3 md:grid-cols-2">
          <span className="sr-only">Loading telemetry…</span>
          {METRICS.map((metric) => (
            <div key={metric} className="h-40 animate-pulse rounded bg-muted/10" />
          ))}
        </div>
      ) : query.data.gpus.length === 0 ? (
        <div
          className="flex flex-col items-center gap-2 px-6 py-10 text-center"
          data-testid="telemetry-empty"
        >
          <Activity className="size-6 text-muted" aria-hidden />
          <p className="text-sm font-medium">No telemetry in the last {TELEMETRY_RANGES[range]}</p>
          <p className="max-w-md text-sm text-muted">
            GPU history appears once the node agent reports: run <code>switchyard-agent</code> on the node
            with an agent token of its site (see apps/agent/README.md).
          </p>
        </div>
      ) : (
        <TelemetryBody telemetry={query.data} />
      )}
    </section>
  );
}

function TelemetryBody({ telemetry }: { telemetry: TTelemetry }) {
  return (
    <div className="flex flex-col gap-3 p-3">
      <table className="w-full text-sm" data-testid="telemetry-summary">
        <thead className="text-left text-xs text-muted">
          <tr>
            <th className="py-1 pr-3 font-medium">GPU</th>
            {METRICS.map((metric) => (
              <th key={metric} className="py-1 pr-3 text-right font-medium">
                {TELEMETRY_METRICS[metric].label} avg / max
              </th>
            ))}
            <th className="py-1 text-right font-medium">Samples</th>
          </tr>
        </thead>
        <tbody>
          {telemetry.gpus.map((gpu) => (
            <tr
              key={gpu.gpuIndex}
              className="border-t border-border"
              data-testid={`telemetry-gpu-${gpu.gpuIndex}`}
            >
              <td className="py-1 pr-3">
                <span className="inline-flex items-center gap-1.5">
                  <span
                    aria-hidden
                    className="inline-block size-2.5 rounded-sm"
                    style={{ background: gpuColor(gpu.gpuIndex) }}
                  />
                  GPU {gpu.gpuIndex}
                </span>
              </td>
              {METRICS.map((metric) => {
                const summary = summarise(gpu.points, metric);
                return (
                  <td
                    key={metric}
                    className="py-1 pr-3 text-right tabular-nums"
                    data-testid={`telemetry-${metric}`}
                  >
                    {summary ? (
                      `${formatMeasure(summary.avg, metric)} / ${formatMeasure(summary.max, metric)}`
                    ) : (
                      <span className="text-muted">N/A</span>
                    )}
                  </td>
                );
              })}
              <td className="py-1 text-right tabular-nums" data-testid="telemetry-samples">
                {gpu.points.reduce((n, p) => n + p.samples, 0).toLocaleString("en-US")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid gap-3 md:grid-cols-2">
        {METRICS.map((metric) => (
          <MetricChart key={metric} telemetry={telemetry} metric={metric} />
        ))}
      </div>
    </div>
  );
}

function MetricChart({ telemetry, metric }: { telemetry: TTelemetry; metric: TTelemetryMetric }) {
  const { label, unit } = TELEMETRY_METRICS[metric];
  const rows = chartRows(telemetry, metric);
  const from = new Date(telemetry.from).getTime();
  const to = new Date(telemetry.to).getTime();
  const isLong = to - from > 86_400_000;
  // recharts picks time ticks from the data alone (one tick for a few minutes of samples): six over the range.
  const ticks = Array.from({ length: 7 }, (_, i) => from + ((to - from) * i) / 6);
  const tick = (at: number) =>
    new Date(at).toLocaleString(
      "en-GB",
      isLong ? { day: "numeric", month: "short" } : { hour: "2-digit", minute: "2-digit" },
    );
  return (
    <figure className="flex flex-col gap-1" data-testid={`telemetry-chart-${metric}`}>
      <figcaption className="text-xs text-muted">
        {label} ({unit}), average per {telemetry.bucketSeconds / 60} minutes
      </figcaption>
      <div className="h-40" role="img" aria-label={`${label} per GPU over time`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ left: 0, right: 8, top: 4, bottom: 0 }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={ticks}
              tickFormatter={tick}
              tick={{ fill: "var(--muted)", fontSize: 11 }}
              stroke="var(--border)"
            />
            <YAxis
              width={48}
              tickFormatter={(value: number) => value.toLocaleString("en-US", { notation: "compact" })}
              tick={{ fill: "var(--muted)", fontSize: 11 }}
              stroke="var(--border)"
            />
            <Tooltip
              labelFormatter={(at) => new Date(Number(at)).toLocaleString("en-GB")}
              formatter={(value) => formatMeasure(Number(value), metric)}
              contentStyle={{
                background: "var(--surface)",
                border: "1px solid var(--border)",
                borderRadius: 6,
                fontSize: 12,
              }}
            />
            {telemetry.gpus.map((gpu) => (
              <Line
                key={gpu.gpuIndex}
                dataKey={`gpu${gpu.gpuIndex}`}
                name={`GPU ${gpu.gpuIndex}`}
                stroke={gpuColor(gpu.gpuIndex)}
                dot={false}
                strokeWidth={1.5}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
