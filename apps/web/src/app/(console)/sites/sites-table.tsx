"use client";

import type { RouterOutputs } from "@switchyard/api";
import { SITE_FILTERS, SITE_KINDS, SITE_SORT_KEYS, SITE_STATUSES } from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { MapPinned } from "lucide-react";
import Link from "next/link";
import { KindBadge, SITE_KIND_LABEL, StatusBadge, type TSiteKind } from "~/components/badges";
import { SiteMap } from "~/components/site/site-map";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { formatInt, formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TSiteRow = RouterOutputs["site"]["list"]["rows"][number];
const INPUT_CLASS = "rounded-md border border-border bg-surface px-2 py-1.5 text-sm";

const COLUMNS: TColumn<TSiteRow>[] = [
  {
    id: "name",
    header: "Site",
    sortKey: "name",
    className: "font-medium",
    cell: (site) => (
      <Link href={`/sites/${site.id}`} className="hover:underline">
        {site.name}
      </Link>
    ),
  },
  {
    id: "kind",
    header: "Environment",
    sortKey: "kind",
    hideable: true,
    cell: (site) => <KindBadge kind={site.kind} />,
  },
  { id: "provider", header: "Provider", sortKey: "provider", hideable: true, cell: (site) => site.provider },
  {
    id: "region",
    header: "Region",
    hideable: true,
    className: "font-mono text-xs",
    cell: (site) => site.region,
  },
  {
    id: "country",
    header: "Country",
    sortKey: "country",
    hideable: true,
    cell: (site) => (
      <>
        {site.country} <span className="text-xs text-muted">({site.jurisdiction})</span>
      </>
    ),
  },
  {
    id: "status",
    header: "Status",
    sortKey: "status",
    hideable: true,
    cell: (site) => <StatusBadge status={site.status} />,
  },
  {
    id: "nodes",
    header: "Nodes",
    align: "number",
    hideable: true,
    cell: (site) => (
      <Link href={`/nodes?siteId=${site.id}`} className="hover:underline">
        {formatInt(site.nodes)}
      </Link>
    ),
  },
  {
    id: "gpus",
    header: "GPUs used / total",
    align: "number",
    hideable: true,
    cell: (site) => `${formatInt(site.gpusAllocated)} / ${formatInt(site.gpusTotal)}`,
  },
  {
    id: "gpuModels",
    header: "GPU models",
    hideable: true,
    className: "text-xs text-muted",
    cell: (site) => site.gpuModels.join(", "),
  },
  {
    id: "price",
    header: "From $/GPU-h",
    align: "number",
    hideable: true,
    cell: (site) => (site.cheapestUsdPerGpuHour === null ? "–" : formatUsd(site.cheapestUsdPerGpuHour)),
  },
];

/** Sites with server-side paging, sorting and filtering; all of it lives in the URL. */
export function SitesTable() {
  const trpc = useTRPC();
  const table = useTableParams({ sortKeys: SITE_SORT_KEYS, defaultSort: "name", filters: SITE_FILTERS });
  const kind = pick(SITE_KINDS, table.filters.kind);
  const status = pick(SITE_STATUSES, table.filters.status);
  const country = /^[A-Za-z]{2}$/.test(table.filters.country ?? "") ? table.filters.country : undefined;

  const query = useQuery(
    trpc.site.list.queryOptions(
      {
        ...table.listInput,
        pageSize: 25,
        kind,
        status,
        provider: table.filters.provider || undefined,
        country,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  const locations = useQuery(trpc.site.locations.queryOptions());

  return (
    <div className="flex flex-col gap-4">
      {locations.data ? (
        <SiteMap sites={locations.data} />
      ) : (
        <div className="h-72 animate-pulse rounded-lg bg-foreground/5" />
      )}
      <DataTable
        id="sites"
        label="Sites"
        columns={COLUMNS}
        query={query}
        url={table}
        rowTestId="site-row"
        search={{ label: "Search sites", placeholder: "Search name, slug or region" }}
        savedViews="sites"
        exportCsv="sites"
        empty={{
          icon: MapPinned,
          title: "No sites match",
          children: "The estate has no sites yet.",
          filtered: "Clear the search or the filters to see every site.",
        }}
        toolbar={
          <>
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
              className={`w-28 ${INPUT_CLASS}`}
            />
            <input
              value={table.filters.country ?? ""}
              onChange={(event) =>
                table.setFilter("country", event.target.value.trim().toUpperCase() || undefined)
              }
              placeholder="Country"
              aria-label="Country"
              maxLength={2}
              className={`w-20 uppercase ${INPUT_CLASS}`}
            />
          </>
        }
      />
    </div>
  );
}
