"use client";

import { useState } from "react";

export type TRangeKey = "24h" | "7d" | "30d" | "custom";
export type TRange = { from: string; to: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PRESETS: { key: Exclude<TRangeKey, "custom">; label: string }[] = [
  { key: "24h", label: "24 h" },
  { key: "7d", label: "7 d" },
  { key: "30d", label: "30 d" },
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The range a preset stands for at `now`: the last 24 hours by the hour (up to the current
 * hour's end), or the last 7 / 30 UTC days including today. Custom: whole UTC days from..to.
 */
export function rangeFor(key: TRangeKey, now: Date, custom?: { from: string; to: string }): TRange {
  const t = now.getTime();
  if (key === "24h") {
    const end = Math.ceil(t / HOUR_MS) * HOUR_MS;
    return { from: new Date(end - DAY_MS).toISOString(), to: new Date(end).toISOString() };
  }
  if (key === "custom" && custom) {
    return {
      from: `${custom.from}T00:00:00.000Z`,
      to: new Date(Date.parse(`${custom.to}T00:00:00.000Z`) + DAY_MS).toISOString(),
    };
  }
  const days = key === "30d" ? 30 : 7;
  const tomorrow = Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;
  return { from: new Date(tomorrow - days * DAY_MS).toISOString(), to: new Date(tomorrow).toISOString() };
}

/** The presets and custom dates; calls onChange with the range to draw. */
export function TimeRangePicker({ onChange }: { onChange: (range: TRange) => void }) {
  const [key, setKey] = useState<TRangeKey>("7d");
  const today = day(Date.now());
  const [custom, setCustom] = useState({ from: day(Date.now() - 13 * DAY_MS), to: today });
  const customProblem = custom.from > custom.to ? "The start is after the end." : null;
  const pick = (next: TRangeKey, dates = custom) => {
    setKey(next);
    if (next !== "custom" || dates.from <= dates.to) onChange(rangeFor(next, new Date(), dates));
  };
  const button = (active: boolean) =>
    `px-2.5 py-1 text-sm ${active ? "bg-accent text-on-accent" : "hover:bg-foreground/5"}`;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="time-range">
      <fieldset className="flex overflow-hidden rounded-md border border-border">
        <legend className="sr-only">Time range</legend>
        {PRESETS.map((p) => (
          <button
            key={p.key}
            type="button"
            aria-pressed={key === p.key}
            className={button(key === p.key)}
            onClick={() => pick(p.key)}
          >
            {p.label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={key === "custom"}
          className={button(key === "custom")}
          onClick={() => pick("custom")}
        >
          Custom
        </button>
      </fieldset>
      {key === "custom" ? (
        <div className="flex items-center gap-1.5 text-sm">
          <label className="flex items-center gap-1">
            <span className="text-muted">From</span>
            <input
              type="date"
              value={custom.from}
              max={today}
              onChange={(e) => {
                const next = { ...custom, from: e.target.value };
                setCustom(next);
                if (e.target.value) pick("custom", next);
              }}
              className="rounded-md border border-border bg-surface px-1.5 py-0.5"
            />
          </label>
          <label className="flex items-center gap-1">
            <span className="text-muted">To</span>
            <input
              type="date"
              value={custom.to}
              onChange={(e) => {
                const next = { ...custom, to: e.target.value };
                setCustom(next);
                if (e.target.value) pick("custom", next);
              }}
              className="rounded-md border border-border bg-surface px-1.5 py-0.5"
            />
          </label>
          {customProblem ? (
            <span className="text-status-bad" role="status">
              {customProblem}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
