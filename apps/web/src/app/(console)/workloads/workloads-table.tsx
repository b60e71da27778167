"use client";

import type { RouterOutputs } from "@switchyard/api";
import {
  WORKLOAD_FILTERS,
  WORKLOAD_KINDS,
  WORKLOAD_SORT_KEYS,
  WORKLOAD_STATES,
} from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Boxes } from "lucide-react";
import Link from "next/link";
import { KindBadge, StatusBadge } from "~/components/badges";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TWorkloadRow = RouterOutputs["workload"]["list"]["rows"][number];

const label = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replaceAll("_", " ");

const COLUMNS: TColumn<TWorkloadRow>[] = [
  {
    id: "name",
    header: "Workload",
    sortKey: "name",
    cell: (w) => (
      <>
        <Link href={`/workloads/${w.id}`} className="font-medium hover:underline">
          {w.name}
        </Link>
        {w.stateReason ? (
          <div className="max-w-md truncate text-xs text-muted" title={w.stateReason}>
            {w.stateReason}
          </div>
        ) : null}
      </>
    ),
  },
  { id: "state", header: "State", sortKey: "state", cell: (w) => <StatusBadge status={w.state} /> },
  { id: "kind", header: "Kind", hideable: true, className: "text-xs", cell: (w) => label(w.kind) },
  { id: "team", header: "Team", hideable: true, cell: (w) => w.team.name },
  {
    id: "site",
    header: "Site",
    hideable: true,
    cell: (w) =>
      w.site ? (
        <Link href={`/sites/${w.site.id}`} className="inline-flex items-center gap-2 hover:underline">
          {w.site.name} <KindBadge kind={w.site.kind} />
        </Link>
      ) : (
        <span className="text-muted">–</span>
      ),
  },
  {
    id: "gpus",
    header: "GPUs",
    align: "number",
    hideable: true,
    cell: (w) => (
      <>
        {formatInt(w.gpuCount)} <span className="text-xs text-muted">{w.gpuModels.join("/")}</span>
      </>
    ),
  },
  {
    id: "priority",
    header: "Priority",
    sortKey: "priority",
    align: "number",
    hideable: true,
    cell: (w) => w.priority,
  },
  {
    id: "submitted",
    header: "Submitted",
    sortKey: "createdAt",
    hideable: true,
    className: "text-xs tabular-nums text-muted",
    cell: (w) => w.createdAt.toISOString().slice(0, 16).replace("T", " "),
  },
];

export function WorkloadsTable() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: WORKLOAD_SORT_KEYS,
    defaultSort: "createdAt",
    defaultDirection: "desc",
    filters: WORKLOAD_FILTERS,
  });
  const state = pick(WORKLOAD_STATES, table.filters.state);
  const kind = pick(WORKLOAD_KINDS, table.filters.kind);
  const options = useQuery(trpc.workload.formOptions.queryOptions());
  const query = useQuery(
    trpc.workload.list.queryOptions(
      {
        ...table.listInput,
        pageSize: 50,
        state,
        kind,
        teamId: table.filters.teamId,
        siteId: table.filters.siteId,
      },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <DataTable
      id="workloads"
      label="Workloads"
      columns={COLUMNS}
      query={query}
      url={table}
      rowTestId="workload-row"
      search={{ label: "Search workloads", placeholder: "Search by name" }}
      savedViews="workloads"
      exportCsv="workloads"
      empty={{
        icon: Boxes,
        title: "No workloads match",
        children: "Clear the filters, or submit a workload.",
      }}
      toolbar={
        <>
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
        </>
      }
    />
  );
}
