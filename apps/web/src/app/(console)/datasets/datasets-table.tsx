"use client";

import { CLASSIFICATIONS, DATASET_SORT_KEYS } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { Database } from "lucide-react";
import Link from "next/link";
import { ClassificationBadge, RegulationBadges, residencyLabel } from "~/components/dataset/dataset-badges";
import { EmptyState } from "~/components/empty-state";
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
import { formatInt } from "~/lib/format";
import { formatBytes } from "~/lib/format-size";
import { useTRPC } from "~/trpc/react";

type TClassification = (typeof CLASSIFICATIONS)[number];

/** Datasets with server-side paging, sorting and filtering; the view lives in the URL. */
export function DatasetsTable() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: DATASET_SORT_KEYS,
    defaultSort: "name",
    filters: ["classification", "ownerTeamId", "regulation", "siteId"],
  });
  const [searchDraft, setSearchDraft] = useDebouncedSearch(table.search, table.setParams);
  const { ownerTeamId, regulation, siteId } = table.filters;
  const classification = CLASSIFICATIONS.includes(table.filters.classification as TClassification)
    ? (table.filters.classification as TClassification)
    : undefined;

  const options = useQuery(trpc.dataset.options.queryOptions());
  const query = useQuery(
    trpc.dataset.list.queryOptions(
      {
        page: table.page,
        pageSize: 50,
        sort: table.sort,
        direction: table.direction,
        search: table.search || undefined,
        classification,
        ownerTeamId,
        regulation,
        siteId,
      },
      { placeholderData: (previous) => previous },
    ),
  );
  const isFiltered = Boolean(table.search || classification || ownerTeamId || regulation || siteId);
  const sortProps = { sort: table.sort, direction: table.direction, onSort: table.toggleSort };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox
          label="Search datasets"
          placeholder="Search name or slug"
          value={searchDraft}
          onChange={setSearchDraft}
        />
        <SavedViews table="datasets" />
        <FilterSelect
          label="Classification"
          value={classification}
          allLabel="Any classification"
          options={CLASSIFICATIONS.map((c) => ({ value: c, label: c.charAt(0) + c.slice(1).toLowerCase() }))}
          onChange={(value) => table.setFilter("classification", value)}
        />
        <FilterSelect
          label="Regulation"
          value={regulation}
          allLabel="Any regulation"
          options={options.data?.regulations.map((r) => ({ value: r, label: r })) ?? []}
          onChange={(value) => table.setFilter("regulation", value)}
        />
        <FilterSelect
          label="Owner team"
          value={ownerTeamId}
          allLabel="Any owner team"
          options={options.data?.teams.map((team) => ({ value: team.id, label: team.name })) ?? []}
          onChange={(value) => table.setFilter("ownerTeamId", value)}
        />
        {siteId ? (
          <button
            type="button"
            onClick={() => table.setFilter("siteId", undefined)}
            className="rounded-md border border-border px-2 py-1 text-xs text-muted hover:text-foreground"
          >
            With a replica at one site · clear
          </button>
        ) : null}
        <span className="ml-auto" />
        <ExportCsvLink table="datasets" queryString={table.queryString} />
      </div>

      {query.isError ? <ErrorNote message={`Could not load datasets: ${query.error.message}`} /> : null}

      {query.data && query.data.total === 0 ? (
        <EmptyState icon={Database} title="No datasets match">
          {isFiltered
            ? "Clear the search or the filters to see every dataset."
            : "No datasets are registered yet."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm [&_th]:whitespace-nowrap" data-testid="datasets-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <SortHeader column="name" label="Dataset" {...sortProps} />
                <SortHeader column="classification" label="Classification" {...sortProps} />
                <Th>Regulations</Th>
                <Th>Residency</Th>
                <SortHeader column="sizeBytes" label="Size" align="right" {...sortProps} />
                <Th>Owner team</Th>
                <Th align="right">Replicas</Th>
                <Th align="right">Stewards</Th>
              </tr>
            </thead>
            <tbody className={query.isFetching ? "opacity-60" : undefined}>
              {query.isPending ? (
                <SkeletonRows columns={8} />
              ) : (
                query.data?.rows.map((d) => (
                  <tr
                    key={d.id}
                    className="border-t border-border hover:bg-foreground/3"
                    data-testid="dataset-row"
                  >
                    <td className="px-3 py-2">
                      <Link href={`/datasets/${d.id}`} className="font-medium hover:underline">
                        {d.name}
                      </Link>
                      <div className="font-mono text-xs text-muted">{d.slug}</div>
                    </td>
                    <td className="px-3 py-2">
                      <ClassificationBadge classification={d.classification} />
                    </td>
                    <td className="px-3 py-2">
                      <RegulationBadges regulations={d.regulations} />
                    </td>
                    <td className="px-3 py-2 text-xs">{residencyLabel(d)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatBytes(d.sizeBytes)}</td>
                    <td className="px-3 py-2">
                      <Link href={`/teams/${d.ownerTeam.id}`} className="hover:underline">
                        {d.ownerTeam.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatInt(d.replicas)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {d.stewards === 0 ? <span className="text-muted">–</span> : formatInt(d.stewards)}
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
