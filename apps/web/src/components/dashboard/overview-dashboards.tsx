"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { SITE_KIND_COLOR, SITE_KIND_LABEL, type TSiteKind } from "~/components/badges";
import { formatInt, formatUsd } from "~/lib/format";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { AXIS_TICK, bucketLabel, ChartPanel, TOOLTIP_STYLE } from "./chart-panel";
import { rangeFor, TimeRangePicker, type TRange } from "./time-range";

type TDashboard = RouterOutputs["overview"]["dashboard"];
const KINDS: TSiteKind[] = ["ON_PREM", "CLOUD", "EDGE"];
const TEAM_COLORS = ["#4f7cff", "#e0823d", "#2fa37a", "#b45cc9", "#c9a227", "#d65a6f", "#5aa9c9", "#8a8f99"];
const FREE_COLOR = "var(--status-ok)";

/** One row per bucket with a column per series key, zeros where nothing happened. */
function pivot<P extends { bucket: string }>(
  buckets: readonly string[],
  points: readonly P[],
  key: (p: P) => string,
  value: (p: P) => number,
) {
  const rows = new Map(buckets.map((b) => [b, { bucket: b } as Record<string, number | string>]));
  for (const p of points) {
    const row = rows.get(p.bucket);
    if (row) row[key(p)] = ((row[key(p)] as number | undefined) ?? 0) + value(p);
  }
  return [...rows.values()];
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The overview's dashboards over a time range: capacity, spend, placements, and what waits. */
export function OverviewDashboards() {
  const trpc = useTRPC();
  const [range, setRange] = useState<TRange>(() => rangeFor("7d", new Date()));
  const query = useQuery({
    ...trpc.overview.dashboard.queryOptions(range),
    placeholderData: (previous) => previous,
  });
  const data = query.data;
  const status = {
    isLoading: query.isPending || (query.isFetching && query.isPlaceholderData),
    error: query.isError ? query.error.message : undefined,
  };
  const unit = data?.bucket ?? "day";
  const tick = (b: string) => bucketLabel(b, unit);

  return (
    <div className="mt-5 flex flex-col gap-5" data-testid="dashboards">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-base font-semibold">Over time</h2>
        <TimeRangePicker onChange={setRange} />
      </div>
      <div className="grid gap-5 xl:grid-cols-2">
        <GpuPanel data={data} status={status} tick={tick} />
        <SpendPanel data={data} status={status} tick={tick} />
        <PlacementsPanel data={data} status={status} tick={tick} />
        <RejectionsPanel data={data} status={status} />
        <SitesPanel data={data} status={status} />
        <ApprovalsPanel data={data} status={status} />
      </div>
    </div>
  );
}

type TPanelProps = {
  data: TDashboard | undefined;
  status: { isLoading: boolean; error?: string };
  tick?: (b: string) => string;
};

function GpuPanel({ data, status, tick }: TPanelProps) {
  const points = data?.gpus ?? [];
  const rows = pivot(
    data?.buckets ?? [],
    points,
    (p) => p.kind,
    (p) => p.allocated,
  ).filter((row) => points.some((p) => p.bucket === row.bucket));
  for (const row of rows)
    row.free = points.filter((p) => p.bucket === row.bucket).reduce((sum, p) => sum + p.free, 0);
  const capacity = points.some((p) => p.total > 0);
  return (
    <ChartPanel
      id="dash-gpus"
      title="GPUs allocated and free by environment"
      {...status}
      isEmpty={!capacity}
      empty="No GPU nodes in this range. Allocated GPUs appear here from the allocation history once nodes exist."
    >
      <div
        className="h-56"
        role="img"
        aria-label="Average GPUs allocated per environment and free GPUs over time"
      >
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={rows} margin={{ left: 0, right: 8 }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis dataKey="bucket" tickFormatter={tick} tick={AXIS_TICK} stroke="var(--border)" />
            <YAxis tick={AXIS_TICK} stroke="var(--border)" width={40} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(b) => tick?.(String(b))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {KINDS.map((kind) => (
              <Area
                key={kind}
                dataKey={kind}
                name={`${SITE_KIND_LABEL[kind]} allocated`}
                stackId="allocated"
                stroke={SITE_KIND_COLOR[kind]}
                fill={SITE_KIND_COLOR[kind]}
                fillOpacity={0.5}
                isAnimationActive={false}
              />
            ))}
            <Line
              dataKey="free"
              name="Free"
              stroke={FREE_COLOR}
              strokeDasharray="4 3"
              dot={false}
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-2 text-xs text-muted">
        Average GPUs held per {data?.bucket ?? "day"} (GPU-hours ÷ hours), from allocations as they were.
      </p>
    </ChartPanel>
  );
}

function SpendPanel({ data, status, tick }: TPanelProps) {
  const teams = data?.spend.teams ?? [];
  const shown = teams.slice(0, TEAM_COLORS.length - 1);
  const shownIds = new Set(shown.map((t) => t.id));
  const rows = pivot(
    data?.buckets ?? [],
    data?.spend.points ?? [],
    (p) => (shownIds.has(p.teamId) ? p.teamId : "other"),
    (p) => p.totalUsd,
  );
  const series = [
    ...shown.map((t, i) => ({ key: t.id, name: t.name, color: TEAM_COLORS[i] as string })),
    ...(teams.length > shown.length
      ? [{ key: "other", name: "Other teams", color: TEAM_COLORS.at(-1) as string }]
      : []),
  ];
  return (
    <ChartPanel
      id="dash-spend"
      title="Spend by team"
      {...status}
      isEmpty={teams.length === 0}
      empty="No spend in this range: no team held GPUs or copied data."
    >
      <div className="h-56" role="img" aria-label="Spend per team over time">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ left: 8, right: 8 }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis dataKey="bucket" tickFormatter={tick} tick={AXIS_TICK} stroke="var(--border)" />
            <YAxis
              tick={AXIS_TICK}
              stroke="var(--border)"
              width={56}
              tickFormatter={(v) => formatUsd(Number(v))}
            />
            <Tooltip
              contentStyle={TOOLTIP_STYLE}
              labelFormatter={(b) => tick?.(String(b))}
              formatter={(v) => formatUsd(Number(v))}
            />
            {series.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                stackId="spend"
                fill={s.color}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="mt-2 grid grid-cols-2 gap-x-4 text-xs">
        {teams.map((t) => (
          <li key={t.id} className="flex justify-between gap-2 py-0.5">
            <Link href={`/teams/${t.id}`} className="truncate hover:underline">
              {t.name}
            </Link>
            <span className="tabular-nums" data-testid={`dash-spend-team-${t.id}`} data-value={t.totalUsd}>
              {formatUsd(t.totalUsd)}
            </span>
          </li>
        ))}
      </ul>
    </ChartPanel>
  );
}

function PlacementsPanel({ data, status, tick }: TPanelProps) {
  const points = data?.placements ?? [];
  const rows = pivot(
    data?.buckets ?? [],
    points,
    (p) => p.kind,
    (p) => p.placements,
  );
  const total = points.reduce((sum, p) => sum + p.placements, 0);
  return (
    <ChartPanel
      id="dash-placements"
      title={`Placements per ${data?.bucket ?? "day"} by environment`}
      {...status}
      isEmpty={total === 0}
      empty="No workload was scheduled in this range."
    >
      <div className="h-56" role="img" aria-label={`${total} placements in the range`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ left: 0, right: 8 }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis dataKey="bucket" tickFormatter={tick} tick={AXIS_TICK} stroke="var(--border)" />
            <YAxis allowDecimals={false} tick={AXIS_TICK} stroke="var(--border)" width={32} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(b) => tick?.(String(b))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {KINDS.map((kind) => (
              <Bar
                key={kind}
                dataKey={kind}
                name={SITE_KIND_LABEL[kind]}
                stackId="placements"
                fill={SITE_KIND_COLOR[kind]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-2 text-xs text-muted">
        <span data-testid="dash-placements-total" data-value={total}>
          {formatInt(total)}
        </span>{" "}
        placements scheduled (accepted or overridden) in the range.
      </p>
    </ChartPanel>
  );
}

function RejectionsPanel({ data, status }: TPanelProps) {
  const reasons = data?.rejections ?? [];
  return (
    <ChartPanel
      id="dash-rejections"
      title="Top rejection reasons"
      {...status}
      isEmpty={reasons.length === 0}
      empty="No placement decision in this range turned a site down."
    >
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted">
          <tr>
            <th className="py-1 font-medium">Reason</th>
            <th className="py-1 font-medium">Filter</th>
            <th className="py-1 text-right font-medium">Sites</th>
            <th className="py-1 text-right font-medium">Decisions</th>
          </tr>
        </thead>
        <tbody>
          {reasons.map((r) => (
            <tr
              key={`${r.plugin}|${r.message}`}
              className="border-t border-border"
              data-testid="dash-rejection"
            >
              <td className="py-1 pr-2">{r.message}</td>
              <td className="py-1 pr-2 text-xs text-muted">{r.plugin}</td>
              <td className="py-1 text-right tabular-nums">{formatInt(r.sites)}</td>
              <td className="py-1 text-right tabular-nums">{formatInt(r.decisions)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-muted">
        Counted by each rejected site's first reason, over the decisions made in the range.
      </p>
    </ChartPanel>
  );
}

function SiteList({ sites, testId }: { sites: TDashboard["sites"]; testId: string }) {
  return (
    <ul className="divide-y divide-border text-sm" data-testid={testId}>
      {sites.map((s) => (
        <li key={s.siteId} className="flex items-center justify-between gap-2 py-1">
          <Link href={`/sites/${s.siteId}`} className="flex min-w-0 items-center gap-1.5 hover:underline">
            <span
              aria-hidden
              className="inline-block size-2 rounded-full"
              style={{ background: SITE_KIND_COLOR[s.kind] }}
            />
            <span className="truncate">{s.siteName}</span>
          </Link>
          <span className="tabular-nums" data-testid={`dash-site-share-${s.siteId}`} data-value={s.share}>
            {pct(s.share)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function SitesPanel({ data, status }: TPanelProps) {
  const sites = data?.sites ?? [];
  const count = Math.min(5, Math.ceil(sites.length / 2));
  return (
    <ChartPanel
      id="dash-sites"
      title="Busiest and idlest sites"
      {...status}
      isEmpty={sites.length === 0}
      empty="No site had GPUs in this range."
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <h3 className="mb-1 text-xs font-medium text-muted">Busiest</h3>
          <SiteList sites={sites.slice(0, count)} testId="dash-busiest" />
        </div>
        <div>
          <h3 className="mb-1 text-xs font-medium text-muted">Idlest</h3>
          <SiteList sites={sites.slice(sites.length - count).reverse()} testId="dash-idlest" />
        </div>
      </div>
      <p className="mt-2 text-xs text-muted">
        Allocated share: GPU-hours held ÷ GPU-hours the site's nodes offered.
      </p>
    </ChartPanel>
  );
}

function ApprovalsPanel({ data, status }: TPanelProps) {
  const approvals = data?.approvals;
  return (
    <ChartPanel id="dash-approvals" title="Pending approvals" {...status} isEmpty={false} empty="">
      <p className="text-2xl font-semibold tabular-nums">
        <Link
          href="/approvals"
          className="hover:underline"
          data-testid="dash-approvals-count"
          data-value={approvals?.count}
        >
          {formatInt(approvals?.count ?? 0)}
        </Link>
        <span className="ml-2 text-sm font-normal text-muted">waiting now</span>
      </p>
      {approvals && approvals.oldest.length > 0 ? (
        <ul className="mt-3 divide-y divide-border text-sm">
          {approvals.oldest.map((a) => (
            <li key={a.id} className="py-1.5">
              <Link href={`/approvals/${a.id}`} className="hover:underline">
                {a.summary}
              </Link>
              <div className="text-xs text-muted">
                asked {formatDateTime(new Date(a.createdAt))} · expires{" "}
                {formatDateTime(new Date(a.expiresAt))}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-muted">Nothing is waiting for a decision.</p>
      )}
    </ChartPanel>
  );
}
