"use client";

import { CLASSIFICATIONS, DATASET_SORT_KEYS } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { Database } from "lucide-react";
import Link from "next/link";
import { ClassificationBadge, RegulationBadges, residencyLabel } from "~/components/dataset/dataset-badges";
import { EmptyState } from "~/components/empty-state";
import {
  ErrorNote,
  ExportCsvLink,
  Pagination,
  SkeletonRows,
  SortHeader,
  Th,
} from "~/components/table/table-parts";
import { useDebouncedSearch, useTableParams } from "~/components/table/use-table-params";
import { formatInt } from "~/lib/format";
import { formatBytes } from "~/lib/format-size";
import { useTRPC } from "~/trpc/react";

type TClassification = (typeof CLASSIFICATIONS)[number];
const SELECT_CLASS = "rounded-md border border-border bg-surface px-2 py-1.5 text-sm";

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
        <input
          type="search"
          value={searchDraft}
          onChange={(event) => setSearchDraft(event.target.value)}
          placeholder="Search name or slug"
          aria-label="Search datasets"
          className="w-60 rounded-md border border-border bg-surface px-3 py-1.5 text-sm"
        />
        <select
          value={classification ?? ""}
          onChange={(event) => table.setFilter("classification", event.target.value || undefined)}
          aria-label="Classification"
          className={SELECT_CLASS}
        >
          <option value="">Any classification</option>
          {CLASSIFICATIONS.map((c) => (
            <option key={c} value={c}>
              {c.charAt(0) + c.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
        <select
          value={regulation ?? ""}
          onChange={(event) => table.setFilter("regulation", event.target.value || undefined)}
          aria-label="Regulation"
          className={SELECT_CLASS}
        >
          <option value="">Any regulation</option>
          {options.data?.regulations.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <select
          value={ownerTeamId ?? ""}
          onChange={(event) => table.setFilter("ownerTeamId", event.target.value || undefined)}
          aria-label="Owner team"
          className={SELECT_CLASS}
        >
          <option value="">Any owner team</option>
          {options.data?.teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
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
