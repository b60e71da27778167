"use client";

import { WORKLOAD_KINDS, WORKLOAD_SORT_KEYS, WORKLOAD_STATES } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { Boxes } from "lucide-react";
import Link from "next/link";
import { KindBadge, StatusBadge } from "~/components/badges";
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
import { useTRPC } from "~/trpc/react";

const pick = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.includes(value as T) ? (value as T) : undefined;
const label = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replaceAll("_", " ");

export function WorkloadsTable() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: WORKLOAD_SORT_KEYS,
    defaultSort: "createdAt",
    filters: ["state", "kind", "teamId", "siteId"],
  });
  const [searchDraft, setSearchDraft] = useDebouncedSearch(table.search, table.setParams);
  const state = pick(WORKLOAD_STATES, table.filters.state);
  const kind = pick(WORKLOAD_KINDS, table.filters.kind);
  const direction: "asc" | "desc" = table.queryString.includes("dir=asc") ? "asc" : "desc";
  const options = useQuery(trpc.workload.formOptions.queryOptions());
  const query = useQuery(
    trpc.workload.list.queryOptions(
      {
        page: table.page,
        pageSize: 50,
        sort: table.sort,
        direction,
        state,
        kind,
        teamId: table.filters.teamId,
        siteId: table.filters.siteId,
        search: table.search || undefined,
      },
      { placeholderData: (previous) => previous },
    ),
  );
  const sortProps = {
    sort: table.sort,
    direction,
    onSort: (key: (typeof WORKLOAD_SORT_KEYS)[number]) =>
      table.setParams({
        sort: key,
        dir: table.sort === key && direction === "desc" ? "asc" : null,
        page: null,
      }),
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox
          label="Search workloads"
          placeholder="Search by name"
          value={searchDraft}
          onChange={setSearchDraft}
        />
        <SavedViews table="workloads" />
        <FilterSelect
          label="State"
          value={state}
          allLabel="Any state"
          options={WORKLOAD_STATES.map((s) => ({ value: s, label: label(s) }))}
          onChange={(v) => table.setFilter("state", v)}
        />
        <FilterSelect
          label="Kind"
          value={kind}
          allLabel="Any kind"
          options={WORKLOAD_KINDS.map((k) => ({ value: k, label: label(k) }))}
          onChange={(v) => table.setFilter("kind", v)}
        />
        <FilterSelect
          label="Team"
          value={table.filters.teamId}
          allLabel="Any team"
          options={options.data?.teams.map((t) => ({ value: t.id, label: t.name })) ?? []}
          onChange={(v) => table.setFilter("teamId", v)}
        />
        {table.filters.siteId ? (
          <button
            type="button"
            onClick={() => table.setFilter("siteId", undefined)}
            className="rounded-md border border-border px-2 py-1 text-xs text-muted hover:text-foreground"
          >
            Site filter ✕
          </button>
        ) : null}
        <div className="ml-auto">
          <ExportCsvLink table="workloads" queryString={table.queryString} />
        </div>
      </div>
      {query.isError ? <ErrorNote message={`Could not load workloads: ${query.error.message}`} /> : null}
      {query.data && query.data.total === 0 ? (
        <EmptyState icon={Boxes} title="No workloads match">
          Clear the filters, or submit a workload.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="workloads-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <SortHeader column="name" label="Workload" {...sortProps} />
                <SortHeader column="state" label="State" {...sortProps} />
                <Th>Kind</Th>
                <Th>Team</Th>
                <Th>Site</Th>
                <Th align="right">GPUs</Th>
                <SortHeader column="priority" label="Priority" align="right" {...sortProps} />
                <SortHeader column="createdAt" label="Submitted" {...sortProps} />
              </tr>
            </thead>
            <tbody className={query.isFetching ? "opacity-60" : undefined}>
              {query.isPending ? (
                <SkeletonRows columns={8} />
              ) : (
                query.data?.rows.map((w) => (
                  <tr
                    key={w.id}
                    className="border-t border-border hover:bg-foreground/3"
                    data-testid="workload-row"
                  >
                    <td className="px-3 py-2">
                      <Link href={`/workloads/${w.id}`} className="font-medium hover:underline">
                        {w.name}
                      </Link>
                      {w.stateReason ? (
                        <div className="max-w-md truncate text-xs text-muted" title={w.stateReason}>
                          {w.stateReason}
                        </div>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">
                      <StatusBadge status={w.state} />
                    </td>
                    <td className="px-3 py-2 text-xs">{label(w.kind)}</td>
                    <td className="px-3 py-2">{w.team.name}</td>
                    <td className="px-3 py-2">
                      {w.site ? (
                        <Link
                          href={`/sites/${w.site.id}`}
                          className="inline-flex items-center gap-2 hover:underline"
                        >
                          {w.site.name} <KindBadge kind={w.site.kind} />
                        </Link>
                      ) : (
                        <span className="text-muted">–</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {formatInt(w.gpuCount)}{" "}
                      <span className="text-xs text-muted">{w.gpuModels.join("/")}</span>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{w.priority}</td>
                    <td className="px-3 py-2 text-xs tabular-nums text-muted">
                      {w.createdAt.toISOString().slice(0, 16).replace("T", " ")}
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
