"use client";

import type { RouterOutputs } from "@switchyard/api";
import { NODE_FILTERS, NODE_SORT_KEYS, NODE_STATUSES } from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Server } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { KindBadge, SITE_KIND_LABEL, StatusBadge, type TSiteKind } from "~/components/badges";
import { LastHeartbeat } from "~/components/node/last-heartbeat";
import { NodeActions } from "~/components/node/node-actions";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TNodeRow = RouterOutputs["node"]["list"]["rows"][number];
const KINDS = Object.keys(SITE_KIND_LABEL) as TSiteKind[];
const SELECT_CLASS = "rounded-md border border-border bg-surface px-2 py-1.5 text-sm";

const COLUMNS: TColumn<TNodeRow>[] = [
  {
    id: "hostname",
    header: "Hostname",
    sortKey: "hostname",
    className: "font-mono text-xs",
    cell: (node) => (
      <Link href={`/nodes/${node.id}`} className="hover:underline">
        {node.hostname}
      </Link>
    ),
  },
  {
    id: "status",
    header: "Status",
    sortKey: "status",
    testId: "node-status",
    cell: (node) => <StatusBadge status={node.status} />,
  },
  {
    id: "site",
    header: "Site",
    sortKey: "site",
    hideable: true,
    cell: (node) => (
      <span className="inline-flex flex-wrap items-center gap-2">
        <Link href={`/nodes?siteId=${node.site.id}`} className="hover:underline">
          {node.site.name}
        </Link>
        <KindBadge kind={node.site.kind} />
      </span>
    ),
  },
  { id: "gpuModel", header: "GPU model", sortKey: "gpuModel", hideable: true, cell: (node) => node.gpuModel },
  {
    id: "gpus",
    header: "GPUs free / total",
    sortKey: "gpuCount",
    align: "number",
    hideable: true,
    cell: (node) => (
      <>
        <span className={node.gpuFree === 0 ? "text-muted" : undefined}>{formatInt(node.gpuFree)}</span> /{" "}
        {formatInt(node.gpuCount)}
      </>
    ),
  },
  {
    id: "gpuMemory",
    header: "GPU memory",
    sortKey: "gpuMemoryGib",
    align: "number",
    hideable: true,
    cell: (node) => `${formatInt(node.gpuMemoryGib)} GiB`,
  },
  {
    id: "fabric",
    header: "Fabric",
    sortKey: "fabric",
    hideable: true,
    className: "font-mono text-xs text-muted",
    cell: (node) => node.fabric,
  },
  {
    id: "heartbeat",
    header: "Last heartbeat",
    sortKey: "lastHeartbeatAt",
    hideable: true,
    className: "text-xs md:whitespace-nowrap",
    cell: (node) => <LastHeartbeat at={node.lastHeartbeatAt} />,
  },
];

/** GPU nodes across every site: paged, sorted and filtered on the server, selectable for bulk actions. */
export function NodesTable({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const table = useTableParams({ sortKeys: NODE_SORT_KEYS, defaultSort: "hostname", filters: NODE_FILTERS });
  const { siteId, gpuModel } = table.filters;
  const kind = pick(KINDS, table.filters.kind);
  const status = pick(NODE_STATUSES, table.filters.status);

  const options = useQuery(trpc.node.options.queryOptions());
  const query = useQuery(
    trpc.node.list.queryOptions(
      {
        ...table.listInput,
        pageSize: 50,
        siteId,
        kind,
        status,
        gpuModel,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  const rows = query.data?.rows ?? [];
  const selection = useSelection(rows, table.queryString);

  return (
    <DataTable
      id="nodes"
      label="GPU nodes"
      columns={canEdit ? [selection.column, ...COLUMNS] : COLUMNS}
      query={query}
      url={table}
      rowTestId="node-row"
      rowClassName={() => "has-checked:bg-accent/5"}
      search={{ label: "Search nodes", placeholder: "Search hostname" }}
      savedViews="nodes"
      exportCsv="nodes"
      empty={{
        icon: Server,
        title: "No nodes match",
        children: "The estate has no GPU nodes yet. Add one at a site, or let the node agent register it.",
        filtered: "Clear the search or the filters to see every node.",
      }}
      toolbar={
        <>
          <select
            value={siteId ?? ""}
            onChange={(event) => table.setFilter("siteId", event.target.value || undefined)}
            aria-label="Site"
            className={`${SELECT_CLASS} max-w-48`}
          >
            <option value="">All sites</option>
            {options.data?.sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
                {site.status === "DECOMMISSIONED" ? " (decommissioned)" : ""}
              </option>
            ))}
          </select>
          <FilterSelect
            label="Environment"
            value={kind}
            allLabel="All environments"
            options={KINDS.map((k) => ({ value: k, label: SITE_KIND_LABEL[k] }))}
            onChange={(value) => table.setFilter("kind", value)}
          />
          <FilterSelect
            label="Status"
            value={status}
            allLabel="Any status"
            options={NODE_STATUSES.map((s) => ({ value: s, label: s.charAt(0) + s.slice(1).toLowerCase() }))}
            onChange={(value) => table.setFilter("status", value)}
          />
          <FilterSelect
            label="GPU model"
            value={gpuModel}
            allLabel="All GPU models"
            options={options.data?.gpuModels.map((model) => ({ value: model, label: model })) ?? []}
            onChange={(value) => table.setFilter("gpuModel", value)}
          />
        </>
      }
    >
      {canEdit ? (
        <section
          aria-label="Bulk actions"
          className="flex flex-wrap items-start gap-3 rounded-lg border border-border bg-surface px-3 py-2"
        >
          <span className="py-1 text-sm text-muted" data-testid="selection-count">
            {selection.selected.size === 0
              ? "Select nodes to act on them"
              : `${formatInt(selection.selected.size)} selected`}
          </span>
          <div className="min-w-0 flex-1">
            <NodeActions ids={[...selection.selected]} onDone={selection.clear} />
          </div>
        </section>
      ) : null}
    </DataTable>
  );
}

/** The nodes picked for a bulk action, as a leading checkbox column; a new view clears them. */
function useSelection(rows: readonly TNodeRow[], view: string) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: clear when the view changes
  useEffect(() => setSelected(new Set()), [view]);
  const selectedOnPage = rows.filter((r) => selected.has(r.id)).length;
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current)
      headerBox.current.indeterminate = selectedOnPage > 0 && selectedOnPage < rows.length;
  }, [selectedOnPage, rows.length]);

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const column: TColumn<TNodeRow> = {
    id: "select",
    header: "Select",
    className: "md:w-8",
    headerCell: (
      <input
        ref={headerBox}
        type="checkbox"
        aria-label="Select every node on this page"
        checked={rows.length > 0 && selectedOnPage === rows.length}
        onChange={() =>
          setSelected(selectedOnPage === rows.length ? new Set() : new Set(rows.map((r) => r.id)))
        }
      />
    ),
    cell: (node) => (
      <input
        type="checkbox"
        aria-label={`Select ${node.hostname}`}
        checked={selected.has(node.id)}
        onChange={() => toggle(node.id)}
      />
    ),
  };
  return { selected, column, clear: () => setSelected(new Set()) };
}
