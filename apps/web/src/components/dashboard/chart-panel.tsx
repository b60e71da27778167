import type { ReactNode } from "react";

/** A dashboard panel: a title, then a loading skeleton, an empty note, or the content. */
export function ChartPanel({
  id,
  title,
  isLoading,
  isEmpty,
  empty,
  error,
  children,
}: {
  id: string;
  title: string;
  isLoading: boolean;
  isEmpty: boolean;
  /** What the panel will show and why there is nothing yet. */
  empty: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      aria-busy={isLoading}
      className="min-w-0 rounded-lg border border-border bg-surface p-4"
      data-testid={id}
    >
      <h2 id={`${id}-title`} className="mb-3 text-sm font-semibold">
        {title}
      </h2>
      {error ? (
        <p className="py-8 text-center text-sm text-status-bad">Could not load this: {error}</p>
      ) : isLoading ? (
        <div className="h-48 animate-pulse rounded bg-foreground/10" data-testid={`${id}-loading`} />
      ) : isEmpty ? (
        <p
          className="flex h-48 items-center justify-center text-center text-sm text-muted"
          data-testid={`${id}-empty`}
        >
          {empty}
        </p>
      ) : (
        children
      )}
    </section>
  );
}

export const TOOLTIP_STYLE = {
  background: "var(--surface)",
  border: "1px solid var(--border)",
  borderRadius: 6,
  fontSize: 12,
};
export const AXIS_TICK = { fill: "var(--muted)", fontSize: 11 };

/** "3 Dec" for a day bucket, "14:00" for an hour bucket (UTC). */
export function bucketLabel(bucket: string, unit: "hour" | "day") {
  const d = new Date(bucket);
  return unit === "hour"
    ? `${String(d.getUTCHours()).padStart(2, "0")}:00`
    : d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}
