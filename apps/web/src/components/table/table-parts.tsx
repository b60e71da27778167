"use client";

import { Download } from "lucide-react";
import { formatInt } from "~/lib/format";

export function Pagination({
  page,
  pages,
  total,
  totalIsEstimate = false,
  onPage,
}: {
  page: number;
  pages: number;
  total: number;
  /** Large lists: the total is PostgreSQL's estimate, shown as "about N". */
  totalIsEstimate?: boolean;
  onPage: (page: number) => void;
}) {
  const about = totalIsEstimate ? "about " : "";
  if (pages <= 1) return <p className="text-sm text-muted">{`${about}${formatInt(total)} rows`}</p>;
  return (
    <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
      <button
        type="button"
        disabled={page <= 1}
        onClick={() => onPage(page - 1)}
        className="rounded-md border border-border px-2.5 py-1 disabled:opacity-40"
      >
        Previous
      </button>
      <span className="text-muted">
        {`Page ${formatInt(page)} of ${about}${formatInt(pages)} · ${about}${formatInt(total)} rows`}
      </span>
      <button
        type="button"
        disabled={page >= pages}
        onClick={() => onPage(page + 1)}
        className="rounded-md border border-border px-2.5 py-1 disabled:opacity-40"
      >
        Next
      </button>
    </nav>
  );
}

/** Downloads every row of the current view (same filters and sort) as CSV. */
/** `label` tells two exports on one page apart (Settings → Webhooks has the webhooks and their deliveries). */
export function ExportCsvLink({
  table,
  queryString,
  label = "Export CSV",
}: {
  table: string;
  queryString: string;
  label?: string;
}) {
  return (
    <a
      href={`/api/export/${table}${queryString ? `?${queryString}` : ""}`}
      download
      className="inline-flex items-center gap-1.5 rounded-md border border-border bg-surface px-2.5 py-1.5 text-sm hover:bg-foreground/5"
    >
      <Download className="size-3.5" aria-hidden />
      {label}
    </a>
  );
}

export function SkeletonRows({ columns, rows = 8 }: { columns: number; rows?: number }) {
  return Array.from({ length: rows }, (_, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: skeleton rows have no identity
    <tr key={i} className="border-t border-border max-md:block">
      <td colSpan={columns} className="px-3 py-2.5 max-md:block">
        <div className="h-3 w-2/3 animate-pulse rounded bg-foreground/10" />
      </td>
    </tr>
  ));
}

export function ErrorNote({ message }: { message: string }) {
  return (
    <p role="status" className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad">
      {message}
    </p>
  );
}

/** A filter drop-down whose first option clears the filter. */
export function FilterSelect({
  label,
  value,
  allLabel,
  options,
  onChange,
}: {
  label: string;
  value: string | undefined;
  allLabel: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string | undefined) => void;
}) {
  return (
    <select
      value={value ?? ""}
      onChange={(event) => onChange(event.target.value || undefined)}
      aria-label={label}
      className="rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
    >
      <option value="">{allLabel}</option>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** The table's search box; writes to the URL a moment after typing stops (useDebouncedSearch). */
export function SearchBox({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      type="search"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      placeholder={placeholder}
      aria-label={label}
      className="w-60 rounded-md border border-border bg-surface px-3 py-1.5 text-sm"
    />
  );
}
