"use client";

import type { RouterOutputs } from "@switchyard/api";
import { CLASSIFICATIONS, DATASET_FILTERS, DATASET_SORT_KEYS } from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Database } from "lucide-react";
import Link from "next/link";
import { ClassificationBadge, RegulationBadges, residencyLabel } from "~/components/dataset/dataset-badges";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { formatInt } from "~/lib/format";
import { formatBytes } from "~/lib/format-size";
import { useTRPC } from "~/trpc/react";

type TDatasetRow = RouterOutputs["dataset"]["list"]["rows"][number];

const COLUMNS: TColumn<TDatasetRow>[] = [
  {
    id: "name",
    header: "Dataset",
    sortKey: "name",
    cell: (d) => (
      <>
        <Link href={`/datasets/${d.id}`} className="font-medium hover:underline">
          {d.name}
        </Link>
        <div className="font-mono text-xs text-muted">{d.slug}</div>
      </>
    ),
  },
  {
    id: "classification",
    header: "Classification",
    sortKey: "classification",
    hideable: true,
    cell: (d) => <ClassificationBadge classification={d.classification} />,
  },
  {
    id: "regulations",
    header: "Regulations",
    hideable: true,
    cell: (d) => <RegulationBadges regulations={d.regulations} />,
  },
  { id: "residency", header: "Residency", hideable: true, className: "text-xs", cell: residencyLabel },
  {
    id: "size",
    header: "Size",
    sortKey: "sizeBytes",
    align: "number",
    hideable: true,
    cell: (d) => formatBytes(d.sizeBytes),
  },
  {
    id: "owner",
    header: "Owner team",
    hideable: true,
    cell: (d) => (
      <Link href={`/teams/${d.ownerTeam.id}`} className="hover:underline">
        {d.ownerTeam.name}
      </Link>
    ),
  },
  { id: "replicas", header: "Replicas", align: "number", hideable: true, cell: (d) => formatInt(d.replicas) },
  {
    id: "stewards",
    header: "Stewards",
    align: "number",
    hideable: true,
    cell: (d) => (d.stewards === 0 ? <span className="text-muted">–</span> : formatInt(d.stewards)),
  },
];

/** Datasets with server-side paging, sorting and filtering; the view lives in the URL. */
export function DatasetsTable() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: DATASET_SORT_KEYS,
    defaultSort: "name",
    filters: DATASET_FILTERS,
  });
  const { ownerTeamId, regulation, siteId } = table.filters;
  const classification = pick(CLASSIFICATIONS, table.filters.classification);
  const options = useQuery(trpc.dataset.options.queryOptions());
  const query = useQuery(
    trpc.dataset.list.queryOptions(
      {
        ...table.listInput,
        pageSize: 50,
        classification,
        ownerTeamId,
        regulation,
        siteId,
      },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <DataTable
      id="datasets"
      label="Datasets"
      columns={COLUMNS}
      query={query}
      url={table}
      rowTestId="dataset-row"
      search={{ label: "Search datasets", placeholder: "Search name or slug" }}
      savedViews="datasets"
      exportCsv="datasets"
      empty={{
        icon: Database,
        title: "No datasets match",
        children: "No datasets are registered yet.",
        filtered: "Clear the search or the filters to see every dataset.",
      }}
      toolbar={
        <>
          <FilterSelect
            label="Classification"
            value={classification}
            allLabel="Any classification"
            options={CLASSIFICATIONS.map((c) => ({
              value: c,
              label: c.charAt(0) + c.slice(1).toLowerCase(),
            }))}
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
        </>
      }
    />
  );
}
