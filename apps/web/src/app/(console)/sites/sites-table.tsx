"use client";

import { SITE_KINDS, SITE_SORT_KEYS, SITE_STATUSES } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { MapPinned } from "lucide-react";
import Link from "next/link";
import { KindBadge, SITE_KIND_LABEL, StatusBadge, type TSiteKind } from "~/components/badges";
import { EmptyState } from "~/components/empty-state";
import { SiteMap } from "~/components/site/site-map";
import { SavedViews } from "~/components/table/saved-views";
import {
  ErrorNote,
  ExportCsvLink,
  FilterSelect,
  Pagination,
  SearchBox,
  SkeletonRows,
  SortHeader,
  Th,
} from "~/components/table/table-parts";
import { useDebouncedSearch, useTableParams } from "~/components/table/use-table-params";
import { formatInt, formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const pick = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.includes(value as T) ? (value as T) : undefined;

/** Sites with server-side paging, sorting and filtering; all of it lives in the URL. */
export function SitesTable() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: SITE_SORT_KEYS,
    defaultSort: "name",
    filters: ["kind", "status", "provider", "country"],
  });
  const [searchDraft, setSearchDraft] = useDebouncedSearch(table.search, table.setParams);
  const kind = pick(SITE_KINDS, table.filters.kind);
  const status = pick(SITE_STATUSES, table.filters.status);
  const country = /^[A-Za-z]{2}$/.test(table.filters.country ?? "") ? table.filters.country : undefined;

  const query = useQuery(
    trpc.site.list.queryOptions(
      {
        page: table.page,
        pageSize: 25,
        sort: table.sort,
        direction: table.direction,
        kind,
        status,
        provider: table.filters.provider || undefined,
        country,
        search: table.search || undefined,
      },
      { placeholderData: (previous) => previous },
    ),
  );
  const locations = useQuery(trpc.site.locations.queryOptions());
  const sortProps = { sort: table.sort, direction: table.direction, onSort: table.toggleSort };
  const isFiltered = Boolean(table.search || kind || status || table.filters.provider || country);

  return (
    <div className="flex flex-col gap-4">
      {locations.data ? (
        <SiteMap sites={locations.data} />
      ) : (
        <div className="h-72 animate-pulse rounded-lg bg-foreground/5" />
      )}

      <div className="flex flex-wrap items-center gap-2">
        <SearchBox
          label="Search sites"
          placeholder="Search name, slug or region"
          value={searchDraft}
          onChange={setSearchDraft}
        />
        <SavedViews table="sites" />
        <FilterSelect
          label="Environment"
          value={kind}
          allLabel="All environments"
          options={SITE_KINDS.map((k) => ({ value: k, label: SITE_KIND_LABEL[k as TSiteKind] }))}
          onChange={(value) => table.setFilter("kind", value)}
        />
        <FilterSelect
          label="Status"
          value={status}
          allLabel="Any status"
          options={SITE_STATUSES.map((s) => ({ value: s, label: s.toLowerCase() }))}
          onChange={(value) => table.setFilter("status", value)}
        />
        <input
          value={table.filters.provider ?? ""}
          onChange={(event) => table.setFilter("provider", event.target.value.trim() || undefined)}
          placeholder="Provider"
          aria-label="Provider"
          className="w-28 rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
        />
        <input
          value={table.filters.country ?? ""}
          onChange={(event) =>
            table.setFilter("country", event.target.value.trim().toUpperCase() || undefined)
          }
          placeholder="Country"
          aria-label="Country"
          maxLength={2}
          className="w-20 rounded-md border border-border bg-surface px-2 py-1.5 text-sm uppercase"
        />
        <div className="ml-auto">
          <ExportCsvLink table="sites" queryString={table.queryString} />
        </div>
      </div>

      {query.isError ? <ErrorNote message={`Could not load sites: ${query.error.message}`} /> : null}

      {query.data && query.data.total === 0 ? (
        <EmptyState icon={MapPinned} title="No sites match">
          {isFiltered ? "Clear the search or the filters to see every site." : "The estate has no sites yet."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="sites-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <SortHeader column="name" label="Site" {...sortProps} />
                <SortHeader column="kind" label="Environment" {...sortProps} />
                <SortHeader column="provider" label="Provider" {...sortProps} />
                <Th>Region</Th>
                <SortHeader column="country" label="Country" {...sortProps} />
                <SortHeader column="status" label="Status" {...sortProps} />
                <Th align="right">Nodes</Th>
                <Th align="right">GPUs used / total</Th>
                <Th>GPU models</Th>
                <Th align="right">From $/GPU-h</Th>
              </tr>
            </thead>
            <tbody className={query.isFetching ? "opacity-60" : undefined}>
              {query.isPending ? (
                <SkeletonRows columns={10} />
              ) : (
                query.data?.rows.map((site) => (
                  <tr
                    key={site.id}
                    className="border-t border-border hover:bg-foreground/3"
                    data-testid="site-row"
                  >
                    <td className="px-3 py-2 font-medium">
                      <Link href={`/sites/${site.id}`} className="hover:underline">
                        {site.name}
                      </Link>
                    </td>
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
                    <td className="px-3 py-2 text-right tabular-nums">
                      <Link href={`/nodes?siteId=${site.id}`} className="hover:underline">
                        {formatInt(site.nodes)}
                      </Link>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {formatInt(site.gpusAllocated)} / {formatInt(site.gpusTotal)}
                    </td>
                    <td className="px-3 py-2 text-xs text-muted">{site.gpuModels.join(", ")}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {site.cheapestUsdPerGpuHour === null ? "–" : formatUsd(site.cheapestUsdPerGpuHour)}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}

      {query.data ? (
        <Pagination
          page={query.data.page}
          pages={query.data.pages}
          total={query.data.total}
          onPage={table.setPage}
        />
      ) : null}
    </div>
  );
}
