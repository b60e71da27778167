"use client";

import type { RouterOutputs } from "@switchyard/api";
import { CLASSIFICATIONS, MODEL_FILTERS, MODEL_SORT_KEYS } from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { BrainCircuit } from "lucide-react";
import Link from "next/link";
import { ClassificationBadge, RegulationBadges, residencyLabel } from "~/components/dataset/dataset-badges";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { formatInt } from "~/lib/format";
import { formatBytes } from "~/lib/format-size";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";

type TModelRow = RouterOutputs["model"]["list"]["rows"][number];

const COLUMNS: TColumn<TModelRow>[] = [
  {
    id: "name",
    header: "Model",
    sortKey: "name",
    cell: (m) => (
      <>
        <Link href={`/models/${m.id}`} className="font-medium hover:underline">
          {m.name}
        </Link>{" "}
        <span className="font-mono text-xs text-muted">{m.version}</span>
      </>
    ),
  },
  {
    id: "classification",
    header: "Classification",
    sortKey: "classification",
    hideable: true,
    cell: (m) => (
      <span className="inline-flex items-center gap-1.5">
        <ClassificationBadge classification={m.classification} />
        {m.declassified ? <span className="text-xs text-muted">declassified</span> : null}
      </span>
    ),
  },
  {
    id: "regulations",
    header: "Regulations",
    hideable: true,
    cell: (m) => <RegulationBadges regulations={m.regulations} />,
  },
  { id: "residency", header: "Residency", hideable: true, className: "text-xs", cell: residencyLabel },
  {
    id: "trainedOn",
    header: "Trained on",
    hideable: true,
    cell: (m) =>
      m.trainedOn.length === 0 ? (
        <span className="text-muted">–</span>
      ) : (
        <span className="flex flex-wrap gap-x-2 text-xs">
          {m.trainedOn.map((s) => (
            <Link
              key={s.id}
              href={s.kind === "MODEL" ? `/models/${s.id}` : `/datasets/${s.id}`}
              className="hover:underline"
            >
              {s.name}
            </Link>
          ))}
        </span>
      ),
  },
  {
    id: "run",
    header: "Produced by",
    hideable: true,
    cell: (m) => (
      <span className="text-xs">
        {m.producedBy ? (
          <Link href={`/workloads/${m.producedBy.id}`} className="hover:underline">
            {m.producedBy.name}
          </Link>
        ) : (
          <span className="text-muted">another team's run</span>
        )}
        {m.producedAt ? <span className="text-muted"> at {m.producedAt.name}</span> : null}
      </span>
    ),
  },
  {
    id: "size",
    header: "Size",
    sortKey: "sizeBytes",
    align: "number",
    hideable: true,
    cell: (m) => formatBytes(m.sizeBytes),
  },
  { id: "copies", header: "Copies", align: "number", hideable: true, cell: (m) => formatInt(m.replicas) },
  {
    id: "created",
    header: "Registered",
    sortKey: "createdAt",
    hideable: true,
    className: "text-xs",
    cell: (m) => formatDateTime(m.createdAt),
  },
];

/** Model artifacts with server-side paging, sorting and filtering; the view lives in the URL. */
export function ModelsTable() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: MODEL_SORT_KEYS,
    defaultSort: "createdAt",
    defaultDirection: "desc",
    filters: MODEL_FILTERS,
  });
  const { ownerTeamId, trainedOnId } = table.filters;
  const classification = pick(CLASSIFICATIONS, table.filters.classification);
  const options = useQuery(trpc.dataset.options.queryOptions());
  const query = useQuery(
    trpc.model.list.queryOptions(
      { ...table.listInput, pageSize: 50, classification, ownerTeamId, trainedOnId },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <DataTable
      id="models"
      label="Models"
      columns={COLUMNS}
      query={query}
      url={table}
      rowTestId="model-row"
      search={{ label: "Search models", placeholder: "Search name or version" }}
      empty={{
        icon: BrainCircuit,
        title: "No models match",
        children: "A training or fine-tuning run registers its model when it succeeds.",
        filtered: "Clear the search or the filters to see every model.",
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
            label="Owner team"
            value={ownerTeamId}
            allLabel="Any owner team"
            options={options.data?.teams.map((team) => ({ value: team.id, label: team.name })) ?? []}
            onChange={(value) => table.setFilter("ownerTeamId", value)}
          />
          {trainedOnId ? (
            <button
              type="button"
              onClick={() => table.setFilter("trainedOnId", undefined)}
              className="rounded-md border border-border px-2 py-1 text-xs text-muted hover:text-foreground"
            >
              Trained on one dataset · clear
            </button>
          ) : null}
        </>
      }
    />
  );
}
