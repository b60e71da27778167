"use client";

import type { RouterOutputs } from "@switchyard/api";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { SITE_KIND_COLOR, SITE_KIND_LABEL } from "~/components/badges";

type TEnv = RouterOutputs["overview"]["get"]["gpusByEnvironment"][number];

/** Stacked GPUs per environment: allocated in the environment's colour, then free, then unavailable. */
export function GpuCapacityChart({ data }: { data: TEnv[] }) {
  const rows = data.map((env) => ({ ...env, label: SITE_KIND_LABEL[env.kind] }));
  return (
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
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="allocated" name="Allocated" stackId="gpus" isAnimationActive={false}>
            {rows.map((row) => (
              <Cell key={row.kind} fill={SITE_KIND_COLOR[row.kind]} />
            ))}
          </Bar>
          <Bar
            dataKey="free"
            name="Free"
            stackId="gpus"
            fill="color-mix(in oklch, var(--color-status-ok) 55%, transparent)"
            isAnimationActive={false}
          />
          <Bar
            dataKey="unavailable"
            name="Unavailable"
            stackId="gpus"
            fill="color-mix(in oklch, var(--color-status-bad) 45%, transparent)"
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
