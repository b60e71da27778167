"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { AXIS_TICK, bucketLabel, TOOLTIP_STYLE } from "~/components/dashboard/chart-panel";
import { SuccessNote } from "~/components/form/form-field";
import { formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { BudgetEditor } from "./budget-editor";

const DAY_MS = 86_400_000;
const panel = "rounded-lg border border-border bg-surface";

/** The days of `now`'s UTC month, and today. */
function monthOf(now: Date) {
  const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: day(first), today: day(now.getTime()), days: Math.round((next - first) / DAY_MS), first };
}

function Figure({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: string;
}) {
  return (
    <div>
      <div className="text-xs text-muted">{label}</div>
      <div className={`text-lg font-semibold tabular-nums ${tone ?? ""}`} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** Spend against the monthly budget, with the month's linear forecast and the showback CSV. */
export function TeamSpend({ teamId, editRefusal }: { teamId: string; editRefusal: string | null }) {
  const trpc = useTRPC();
  const [now] = useState(() => new Date());
  const month = monthOf(now);
  const budget = useQuery(trpc.team.budget.queryOptions({ id: teamId }));
  const spend = useQuery(trpc.team.spend.queryOptions({ id: teamId, from: month.from, to: month.today }));
  const [isEditing, setIsEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const b = budget.data;
  const error = budget.error?.message ?? spend.error?.message;

  // Cumulative spend per day so far; the forecast runs straight from 0 to its month-end figure.
  let running = 0;
  const rows = Array.from({ length: month.days }, (_, i) => {
    const day = new Date(month.first + i * DAY_MS).toISOString().slice(0, 10);
    const today = spend.data?.days.find((d) => d.day === day);
    if (today) running += today.totalUsd;
    return {
      day,
      spent: day <= month.today ? Math.round(running * 100) / 100 : undefined,
      forecast: b ? Math.round(((b.forecastUsd * (i + 1)) / month.days) * 100) / 100 : undefined,
    };
  });
  const over = b?.monthlyUsd !== null && b !== undefined && (b.overBudget || b.forecastOverBudget);

  return (
    <section aria-labelledby="team-spend" aria-busy={budget.isPending || spend.isPending} className={panel}>
      <div className="flex items-center justify-between border-b border-border px-3 py-2">
        <h2 id="team-spend" className="text-sm font-semibold">
          Spend this month {b ? <span className="font-normal text-muted">· {b.month}</span> : null}
        </h2>
        <div className="flex items-center gap-2 text-sm">
          <a
            href={`/api/export/showback?team=${encodeURIComponent(teamId)}&month=${month.from.slice(0, 7)}`}
            className="rounded-md border border-border px-2.5 py-1 hover:bg-foreground/5"
            data-testid="showback-csv"
          >
            Showback CSV
          </a>
          {editRefusal === null && !isEditing ? (
            <button
              type="button"
              className="rounded-md border border-border px-2.5 py-1 hover:bg-foreground/5"
              onClick={() => {
                setNotice(null);
                setIsEditing(true);
              }}
            >
              Set budget
            </button>
          ) : null}
        </div>
      </div>
      {error ? (
        <p className="px-3 py-6 text-center text-sm text-status-bad">Could not load spend: {error}</p>
      ) : !b || !spend.data ? (
        <div className="m-3 h-48 animate-pulse rounded bg-foreground/10" data-testid="team-spend-loading" />
      ) : (
        <div className="flex flex-col gap-3 p-3">
          {isEditing ? (
            <BudgetEditor
              teamId={teamId}
              current={{ monthlyUsd: b.monthlyUsd, mode: b.mode }}
              onClose={(saved) => {
                setIsEditing(false);
                if (saved) setNotice("Budget saved.");
              }}
            />
          ) : null}
          {notice ? <SuccessNote>{notice}</SuccessNote> : null}
          {over ? (
            <p
              className="rounded-md bg-status-warn/10 px-3 py-2 text-sm text-status-warn"
              data-testid="budget-warning"
            >
              {b.overBudget
                ? `Over the monthly budget by ${formatUsd(-(b.remainingUsd ?? 0))}.`
                : `On course to exceed the monthly budget: the forecast is ${formatUsd(b.forecastUsd)}.`}{" "}
              {b.mode === "HARD"
                ? "Hard budget: placements that cost more than what is left are refused."
                : "Soft budget: placements over it need approval where a budget rule is in force."}
            </p>
          ) : null}
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Figure label="Month to date" value={formatUsd(b.monthToDateUsd)} testId="team-month-to-date" />
            <Figure
              label={b.monthlyUsd === null ? "Budget" : `Budget (${b.mode === "HARD" ? "hard" : "soft"})`}
              value={b.monthlyUsd === null ? "None" : formatUsd(b.monthlyUsd)}
              testId="team-budget"
            />
            <Figure
              label="Forecast (linear)"
              value={formatUsd(b.forecastUsd)}
              testId="team-forecast"
              tone={b.forecastOverBudget ? "text-status-warn" : undefined}
            />
            <Figure
              label="Left"
              value={b.remainingUsd === null ? "–" : formatUsd(b.remainingUsd)}
              testId="team-remaining"
              tone={b.overBudget ? "text-status-bad" : undefined}
            />
          </div>
          <div
            className="h-48"
            role="img"
            aria-label="Cumulative spend this month against the budget and forecast"
          >
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={rows} margin={{ left: 8, right: 8 }}>
                <CartesianGrid vertical={false} stroke="var(--border)" />
                <XAxis
                  dataKey="day"
                  tickFormatter={(d) => bucketLabel(String(d), "day")}
                  tick={AXIS_TICK}
                  stroke="var(--border)"
                />
                <YAxis
                  tick={AXIS_TICK}
                  stroke="var(--border)"
                  width={64}
                  tickFormatter={(v) => formatUsd(Number(v))}
                />
                <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v) => formatUsd(Number(v))} />
                <Line
                  dataKey="spent"
                  name="Spent"
                  stroke="var(--accent)"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  dataKey="forecast"
                  name="Forecast"
                  stroke="var(--muted)"
                  strokeDasharray="4 3"
                  dot={false}
                  isAnimationActive={false}
                />
                {b.monthlyUsd !== null ? (
                  <ReferenceLine
                    y={b.monthlyUsd}
                    stroke="var(--status-bad)"
                    label={{ value: "Budget", fontSize: 11, fill: "var(--muted)" }}
                  />
                ) : null}
              </LineChart>
            </ResponsiveContainer>
          </div>
          <p className="text-xs text-muted">
            Spend = allocated GPU-hours × the site's price for the GPU model (on-prem: the amortised cost per
            GPU-hour) + egress of completed data copies. The forecast is linear: month-to-date ÷ the share of
            the month gone.
            {b.unpricedGpuHours > 0 ? (
              <span data-testid="team-unpriced">
                {" "}
                {b.unpricedGpuHours.toFixed(1)} GPU-hours ran at sites with no price for their GPU model and
                count $0.
              </span>
            ) : null}
          </p>
        </div>
      )}
    </section>
  );
}
