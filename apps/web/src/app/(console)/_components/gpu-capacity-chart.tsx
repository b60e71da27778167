"use client";

import type { RouterOutputs } from "@switchyard/api";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SITE_KIND_COLOR, SITE_KIND_LABEL } from "~/components/badges";

type TEnv = RouterOutputs["overview"]["get"]["gpusByEnvironment"][number];

const FREE_FILL = "color-mix(in oklch, var(--color-status-ok) 55%, transparent)";
const UNAVAILABLE_FILL = "color-mix(in oklch, var(--color-status-bad) 45%, transparent)";

/** Stacked GPUs per environment: allocated in the environment's colour, then free, then unavailable. */
export function GpuCapacityChart({ data }: { data: TEnv[] }) {
  const rows = data.map((env) => ({ ...env, label: SITE_KIND_LABEL[env.kind] }));
  // The legend is ours, not recharts': "Allocated" is drawn in each environment's own colour,
  // which a single legend swatch cannot show (recharts painted it black).
  const legend = [
    ...rows.map((row) => ({
      key: `allocated-${row.kind}`,
      color: SITE_KIND_COLOR[row.kind],
      label: `${row.label} allocated`,
    })),
    { key: "free", color: FREE_FILL, label: "Free" },
    { key: "unavailable", color: UNAVAILABLE_FILL, label: "Unavailable" },
  ];
  return (
    <div>
      <div
        className="h-64"
        data-testid="gpu-chart"
        role="img"
        aria-label={`GPUs by environment: ${rows.map((r) => `${r.label} ${r.allocated} allocated of ${r.total}`).join(", ")}`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
            <CartesianGrid horizontal={false} stroke="var(--border)" />
            <XAxis type="number" tick={{ fill: "var(--muted)", fontSize: 12 }} stroke="var(--border)" />
            <YAxis
              type="category"
              dataKey="label"
              width={70}
              tick={{ fill: "var(--foreground)", fontSize: 12 }}
              stroke="var(--border)"
            />
            <Tooltip
              cursor={{ fill: "color-mix(in oklch, var(--foreground) 6%, transparent)" }}
              contentStyle={{
                background: "var(--surface)",
                border: "1px solid var(--border)",
                borderRadius: 6,
                fontSize: 12,
              }}
            />
            <Bar dataKey="allocated" name="Allocated" stackId="gpus" isAnimationActive={false}>
              {rows.map((row) => (
                <Cell key={row.kind} fill={SITE_KIND_COLOR[row.kind]} />
              ))}
            </Bar>
            <Bar dataKey="free" name="Free" stackId="gpus" fill={FREE_FILL} isAnimationActive={false} />
            <Bar
              dataKey="unavailable"
              name="Unavailable"
              stackId="gpus"
              fill={UNAVAILABLE_FILL}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted" data-testid="gpu-chart-legend">
        {legend.map((item) => (
          <li key={item.key} className="flex items-center gap-1.5">
            <span
              aria-hidden
              className="inline-block size-2.5 rounded-sm"
              style={{ background: item.color }}
              data-testid={`legend-swatch-${item.key}`}
            />
            {item.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
