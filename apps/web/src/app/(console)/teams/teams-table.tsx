"use client";

import type { RouterOutputs } from "@switchyard/api";
import { TEAM_SORT_KEYS } from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Users } from "lucide-react";
import Link from "next/link";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { useTableParams } from "~/components/table/use-table-params";
import { QuotaBar, quotaModelLabel } from "~/components/team/quota-bar";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TTeamRow = RouterOutputs["team"]["list"]["rows"][number];

const COLUMNS: TColumn<TTeamRow>[] = [
  {
    id: "name",
    header: "Team",
    sortKey: "name",
    cell: (team) => (
      <>
        <Link href={`/teams/${team.id}`} className="font-medium hover:underline">
          {team.name}
        </Link>
        <div className="max-w-80 text-xs text-muted">{team.description}</div>
      </>
    ),
  },
  {
    id: "members",
    header: "Members",
    align: "number",
    hideable: true,
    cell: (team) => formatInt(team.members),
  },
  {
    id: "quotas",
    header: "GPU quotas: used of limit (guaranteed)",
    hideable: true,
    cell: (team) =>
      team.quotas.length === 0 ? (
        <span className="text-xs text-muted">No quotas set</span>
      ) : (
        <ul className="grid max-w-md gap-1.5">
          {team.quotas.map((q) => (
            <li
              key={q.gpuModel}
              className="grid grid-cols-[minmax(0,7rem)_1fr_auto] items-center gap-2 text-xs"
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
      ),
  },
  {
    id: "held",
    header: "GPUs held",
    align: "number",
    hideable: true,
    cell: (team) => formatInt(team.usage.reduce((sum, u) => sum + u.gpus, 0)),
  },
];

/** Teams with their quotas and current GPU use; paged on the server, view in the URL. */
export function TeamsTable() {
  const trpc = useTRPC();
  const table = useTableParams({ sortKeys: TEAM_SORT_KEYS, defaultSort: "name" });
  const query = useQuery(
    trpc.team.list.queryOptions(
      {
        ...table.listInput,
        pageSize: 50,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  return (
    <DataTable
      id="teams"
      label="Teams"
      columns={COLUMNS}
      query={query}
      url={table}
      rowTestId="team-row"
      search={{ label: "Search teams", placeholder: "Search name or slug" }}
      savedViews="teams"
      exportCsv="teams"
      empty={{
        icon: Users,
        title: "No teams match",
        children: "No teams exist yet.",
        filtered: "Clear the search to see every team.",
      }}
    />
  );
}
