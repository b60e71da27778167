"use client";

import { useQuery } from "@tanstack/react-query";
import {
  Area,
  AreaChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { AXIS_TICK, ChartPanel, TOOLTIP_STYLE } from "~/components/dashboard/chart-panel";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const timeLabel = (at: number) =>
  new Date(at).toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  });

/** Guarantee, used and borrowed GPUs of the team over the last 7 days, from allocation history. */
export function TeamShareChart({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.fairShare.teamHistory.queryOptions({ id: teamId, days: 7 }));
  const h = query.data;
  const rows = (h?.points ?? []).map((p) => ({
    at: new Date(p.at).getTime(),
    guaranteed: p.usedGpus - p.borrowedGpus,
    borrowed: p.borrowedGpus,
  }));
  return (
    <ChartPanel
      id="team-share-history"
      title="GPUs over the last 7 days: within the guarantee and borrowed"
      isLoading={query.isPending}
      isEmpty={rows.every((r) => r.guaranteed + r.borrowed === 0) && (h?.guaranteedGpus ?? 0) === 0}
      empty="The team held no GPUs in the last 7 days and has no guarantee."
      error={query.error?.message}
    >
      <div
        className="h-48"
        role="img"
        aria-label="GPUs held within the guarantee and borrowed, against the guarantee"
      >
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={rows} margin={{ left: 8, right: 8 }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis
              dataKey="at"
              type="number"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(v) => timeLabel(Number(v))}
              tick={AXIS_TICK}
              stroke="var(--border)"
            />
            <YAxis tick={AXIS_TICK} stroke="var(--border)" width={48} allowDecimals={false} />
            <Tooltip
              contentStyle={TOOLTIP_STYLE}
              labelFormatter={(v) => `${timeLabel(Number(v))} UTC`}
              formatter={(v) => formatInt(Number(v))}
            />
            <Area
              dataKey="guaranteed"
              name="Within guarantee"
              stackId="held"
              stroke="var(--accent)"
              fill="var(--accent)"
              fillOpacity={0.3}
              isAnimationActive={false}
            />
            <Area
              dataKey="borrowed"
              name="Borrowed"
              stackId="held"
              stroke="var(--color-status-warn)"
              fill="var(--color-status-warn)"
              fillOpacity={0.35}
              isAnimationActive={false}
            />
            {h ? (
              <ReferenceLine
                y={h.guaranteedGpus}
                stroke="var(--muted)"
                strokeDasharray="4 3"
                label={{
                  value: `Guarantee ${formatInt(h.guaranteedGpus)}`,
                  fontSize: 11,
                  fill: "var(--muted)",
                }}
              />
            ) : null}
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </ChartPanel>
  );
}
