"use client";

import { TEAM_SORT_KEYS } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { Users } from "lucide-react";
import Link from "next/link";
import { EmptyState } from "~/components/empty-state";
import { SavedViews } from "~/components/table/saved-views";
import {
  ErrorNote,
  ExportCsvLink,
  Pagination,
  SearchBox,
  SkeletonRows,
  SortHeader,
  Th,
} from "~/components/table/table-parts";
import { useDebouncedSearch, useTableParams } from "~/components/table/use-table-params";
import { QuotaBar, quotaModelLabel } from "~/components/team/quota-bar";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

/** Teams with their quotas and current GPU use; paged on the server, view in the URL. */
export function TeamsTable() {
  const trpc = useTRPC();
  const table = useTableParams({ sortKeys: TEAM_SORT_KEYS, defaultSort: "name" });
  const [searchDraft, setSearchDraft] = useDebouncedSearch(table.search, table.setParams);
  const query = useQuery(
    trpc.team.list.queryOptions(
      {
        page: table.page,
        pageSize: 50,
        sort: table.sort,
        direction: table.direction,
        search: table.search || undefined,
      },
      { placeholderData: (previous) => previous },
    ),
  );
  const sortProps = { sort: table.sort, direction: table.direction, onSort: table.toggleSort };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox
          label="Search teams"
          placeholder="Search name or slug"
          value={searchDraft}
          onChange={setSearchDraft}
        />
        <SavedViews table="teams" />
        <span className="ml-auto" />
        <ExportCsvLink table="teams" queryString={table.queryString} />
      </div>

      {query.isError ? <ErrorNote message={`Could not load teams: ${query.error.message}`} /> : null}

      {query.data && query.data.total === 0 ? (
        <EmptyState icon={Users} title="No teams match">
          {table.search ? "Clear the search to see every team." : "No teams exist yet."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="teams-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <SortHeader column="name" label="Team" {...sortProps} />
                <Th align="right">Members</Th>
                <Th>GPU quotas: used of limit (guaranteed)</Th>
                <Th align="right">GPUs held</Th>
              </tr>
            </thead>
            <tbody className={query.isFetching ? "opacity-60" : undefined}>
              {query.isPending ? (
                <SkeletonRows columns={4} />
              ) : (
                query.data?.rows.map((team) => (
                  <tr
                    key={team.id}
                    className="border-t border-border align-top hover:bg-foreground/3"
                    data-testid="team-row"
                  >
                    <td className="px-3 py-2">
                      <Link href={`/teams/${team.id}`} className="font-medium hover:underline">
                        {team.name}
                      </Link>
                      <div className="max-w-80 text-xs text-muted">{team.description}</div>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatInt(team.members)}</td>
                    <td className="px-3 py-2">
                      {team.quotas.length === 0 ? (
                        <span className="text-xs text-muted">No quotas set</span>
                      ) : (
                        <ul className="grid max-w-md gap-1.5">
                          {team.quotas.map((q) => (
                            <li
                              key={q.gpuModel}
                              className="grid grid-cols-[7rem_1fr_8rem] items-center gap-2 text-xs"
                            >
                              <span>{quotaModelLabel(q.gpuModel)}</span>
                              <QuotaBar used={q.usedGpus} guaranteed={q.guaranteedGpus} limit={q.limitGpus} />
                              <span className="text-right tabular-nums">
                                {formatInt(q.usedGpus)} of {formatInt(q.limitGpus)}{" "}
                                <span className="text-muted">({formatInt(q.guaranteedGpus)})</span>
                              </span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {formatInt(team.usage.reduce((sum, u) => sum + u.gpus, 0))}
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
