"use client";

import { SITE_SORT_KEYS } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, MapPinned } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { KindBadge, SITE_KIND_LABEL, StatusBadge, type TSiteKind } from "~/components/badges";
import { EmptyState } from "~/components/empty-state";
import { formatInt, formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TSortKey = (typeof SITE_SORT_KEYS)[number];
const KINDS = Object.keys(SITE_KIND_LABEL) as TSiteKind[];

/** Sites with server-side paging, sorting and filtering; all of it lives in the URL. */
export function SitesTable() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();

  const kindParam = params.get("kind");
  const kind = KINDS.includes(kindParam as TSiteKind) ? (kindParam as TSiteKind) : undefined;
  const sortParam = params.get("sort");
  const sort: TSortKey = SITE_SORT_KEYS.includes(sortParam as TSortKey) ? (sortParam as TSortKey) : "name";
  const direction = params.get("dir") === "desc" ? "desc" : "asc";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const search = params.get("q") ?? "";
  const [searchDraft, setSearchDraft] = useState(search);

  const setParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  useEffect(() => {
    if (searchDraft === search) return;
    const timer = setTimeout(() => setParams({ q: searchDraft, page: null }), 250);
    return () => clearTimeout(timer);
  });

  const query = useQuery(
    trpc.site.list.queryOptions(
      { page, pageSize: 25, sort, direction, kind, search: search || undefined },
      { placeholderData: (previous) => previous },
    ),
  );

  const sortHeader = (key: TSortKey, label: string) => (
    <th
      className="px-3 py-2 font-medium"
      aria-sort={sort === key ? (direction === "asc" ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:text-foreground"
        onClick={() =>
          setParams({ sort: key, dir: sort === key && direction === "asc" ? "desc" : "asc", page: null })
        }
      >
        {label}
        {sort === key ? (
          direction === "asc" ? (
            <ArrowUp className="size-3" />
          ) : (
            <ArrowDown className="size-3" />
          )
        ) : null}
      </button>
    </th>
  );

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          value={searchDraft}
          onChange={(event) => setSearchDraft(event.target.value)}
          placeholder="Search name, region or country code"
          aria-label="Search sites"
          className="w-72 rounded-md border border-border bg-surface px-3 py-1.5 text-sm"
        />
        <select
          value={kind ?? ""}
          onChange={(event) => setParams({ kind: event.target.value, page: null })}
          aria-label="Environment"
          className="rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
        >
          <option value="">All environments</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {SITE_KIND_LABEL[k]}
            </option>
          ))}
        </select>
        {query.data ? <span className="text-sm text-muted">{formatInt(query.data.total)} sites</span> : null}
      </div>

      {query.isError ? (
        <p role="status" className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad">
          Could not load sites: {query.error.message}
        </p>
      ) : null}

      {query.data && query.data.total === 0 ? (
        <EmptyState icon={MapPinned} title="No sites match">
          {search || kind
            ? "Clear the search or the environment filter to see every site."
            : "The estate has no sites yet."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="sites-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                {sortHeader("name", "Site")}
                {sortHeader("kind", "Environment")}
                {sortHeader("provider", "Provider")}
                <th className="px-3 py-2 font-medium">Region</th>
                {sortHeader("country", "Country")}
                {sortHeader("status", "Status")}
                <th className="px-3 py-2 text-right font-medium">Nodes</th>
                <th className="px-3 py-2 text-right font-medium">GPUs used / total</th>
                <th className="px-3 py-2 font-medium">GPU models</th>
                <th className="px-3 py-2 text-right font-medium">From $/GPU-h</th>
              </tr>
            </thead>
            <tbody className={query.isFetching ? "opacity-60" : undefined}>
              {query.isPending
                ? Array.from({ length: 8 }, (_, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: skeleton rows have no identity
                    <tr key={i} className="border-t border-border">
                      <td colSpan={10} className="px-3 py-2.5">
                        <div className="h-3 w-2/3 animate-pulse rounded bg-foreground/10" />
                      </td>
                    </tr>
                  ))
                : query.data?.rows.map((site) => (
                    <tr
                      key={site.id}
                      className="border-t border-border hover:bg-foreground/3"
                      data-testid="site-row"
                    >
                      <td className="px-3 py-2 font-medium">{site.name}</td>
                      <td className="px-3 py-2">
                        <KindBadge kind={site.kind} />
                      </td>
                      <td className="px-3 py-2">{site.provider}</td>
                      <td className="px-3 py-2 font-mono text-xs">{site.region}</td>
                      <td className="px-3 py-2">
                        {site.country} <span className="text-xs text-muted">({site.jurisdiction})</span>
                      </td>
                      <td className="px-3 py-2">
                        <StatusBadge status={site.status} />
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">{formatInt(site.nodes)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {formatInt(site.gpusAllocated)} / {formatInt(site.gpusTotal)}
                      </td>
                      <td className="px-3 py-2 text-xs text-muted">{site.gpuModels.join(", ")}</td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {site.cheapestUsdPerGpuHour === null ? "–" : formatUsd(site.cheapestUsdPerGpuHour)}
                      </td>
                    </tr>
                  ))}
            </tbody>
          </table>
        </div>
      )}

      {query.data && query.data.pages > 1 ? (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          <button
            type="button"
            disabled={page <= 1}
            onClick={() => setParams({ page: String(page - 1) })}
            className="rounded-md border border-border px-2.5 py-1 disabled:opacity-40"
          >
            Previous
          </button>
          <span className="text-muted">
            Page {query.data.page} of {query.data.pages}
          </span>
          <button
            type="button"
            disabled={page >= query.data.pages}
            onClick={() => setParams({ page: String(page + 1) })}
            className="rounded-md border border-border px-2.5 py-1 disabled:opacity-40"
          >
            Next
          </button>
        </nav>
      ) : null}
    </div>
  );
}
