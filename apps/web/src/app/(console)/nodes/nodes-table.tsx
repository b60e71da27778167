"use client";

import { NODE_SORT_KEYS, NODE_STATUSES } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { Server } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { KindBadge, SITE_KIND_LABEL, StatusBadge, type TSiteKind } from "~/components/badges";
import { EmptyState } from "~/components/empty-state";
import { LastHeartbeat } from "~/components/node/last-heartbeat";
import { NodeActions } from "~/components/node/node-actions";
import { SavedViews } from "~/components/table/saved-views";
import {
  ErrorNote,
  ExportCsvLink,
  FilterSelect,
  Pagination,
  SearchBox,
  SkeletonRows,
  SortHeader,
} from "~/components/table/table-parts";
import { useDebouncedSearch, useTableParams } from "~/components/table/use-table-params";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TStatus = (typeof NODE_STATUSES)[number];
const KINDS = Object.keys(SITE_KIND_LABEL) as TSiteKind[];
const SELECT_CLASS = "rounded-md border border-border bg-surface px-2 py-1.5 text-sm";

const pick = <T extends string>(values: readonly T[], value: string | undefined) =>
  values.includes(value as T) ? (value as T) : undefined;

/** GPU nodes across every site: paged, sorted and filtered on the server, selectable for bulk actions. */
export function NodesTable({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: NODE_SORT_KEYS,
    defaultSort: "hostname",
    filters: ["siteId", "kind", "status", "gpuModel"],
  });
  const [searchDraft, setSearchDraft] = useDebouncedSearch(table.search, table.setParams);
  const { siteId, gpuModel } = table.filters;
  const kind = pick(KINDS, table.filters.kind);
  const status = pick<TStatus>(NODE_STATUSES, table.filters.status);

  const options = useQuery(trpc.node.options.queryOptions());
  const query = useQuery(
    trpc.node.list.queryOptions(
      {
        page: table.page,
        pageSize: 50,
        sort: table.sort,
        direction: table.direction,
        search: table.search || undefined,
        siteId,
        kind,
        status,
        gpuModel,
      },
      { placeholderData: (previous) => previous },
    ),
  );

  // A selection belongs to one view: changing page, filters or sort clears it.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const view = table.queryString;
  // biome-ignore lint/correctness/useExhaustiveDependencies: clear when the view changes
  useEffect(() => setSelected(new Set()), [view]);
  const rows = query.data?.rows ?? [];
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
  const toggleAll = () =>
    setSelected(selectedOnPage === rows.length ? new Set() : new Set(rows.map((r) => r.id)));

  const isFiltered = Boolean(table.search || siteId || kind || status || gpuModel);
  const columns = canEdit ? 9 : 8;
  const sortProps = { sort: table.sort, direction: table.direction, onSort: table.toggleSort };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox
          label="Search nodes"
          placeholder="Search hostname"
          value={searchDraft}
          onChange={setSearchDraft}
        />
        <SavedViews table="nodes" />
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
        <span className="ml-auto" />
        <ExportCsvLink table="nodes" queryString={table.queryString} />
      </div>

      {canEdit ? (
        <section
          aria-label="Bulk actions"
          className="flex flex-wrap items-start gap-3 rounded-lg border border-border bg-surface px-3 py-2"
        >
          <span className="py-1 text-sm text-muted" data-testid="selection-count">
            {selected.size === 0 ? "Select nodes to act on them" : `${formatInt(selected.size)} selected`}
          </span>
          <div className="min-w-0 flex-1">
            <NodeActions ids={[...selected]} onDone={() => setSelected(new Set())} />
          </div>
        </section>
      ) : null}

      {query.isError ? <ErrorNote message={`Could not load nodes: ${query.error.message}`} /> : null}

      {query.data && query.data.total === 0 ? (
        <EmptyState icon={Server} title="No nodes match">
          {isFiltered
            ? "Clear the search or the filters to see every node."
            : "The estate has no GPU nodes yet. Add one at a site, or let the node agent register it."}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table
            className="w-full text-sm [&_td]:whitespace-nowrap [&_th]:whitespace-nowrap"
            data-testid="nodes-table"
          >
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                {canEdit ? (
                  <th className="w-8 px-3 py-2">
                    <input
                      ref={headerBox}
                      type="checkbox"
                      aria-label="Select every node on this page"
                      checked={rows.length > 0 && selectedOnPage === rows.length}
                      onChange={toggleAll}
                    />
                  </th>
                ) : null}
                <SortHeader column="hostname" label="Hostname" {...sortProps} />
                <SortHeader column="status" label="Status" {...sortProps} />
                <SortHeader column="site" label="Site" {...sortProps} />
                <SortHeader column="gpuModel" label="GPU model" {...sortProps} />
                <SortHeader column="gpuCount" label="GPUs free / total" align="right" {...sortProps} />
                <SortHeader column="gpuMemoryGib" label="GPU memory" align="right" {...sortProps} />
                <SortHeader column="fabric" label="Fabric" {...sortProps} />
                <SortHeader column="lastHeartbeatAt" label="Last heartbeat" {...sortProps} />
              </tr>
            </thead>
            <tbody className={query.isFetching ? "opacity-60" : undefined}>
              {query.isPending ? (
                <SkeletonRows columns={columns} />
              ) : (
                rows.map((node) => (
                  <tr
                    key={node.id}
                    className="border-t border-border hover:bg-foreground/3 has-checked:bg-accent/5"
                    data-testid="node-row"
                  >
                    {canEdit ? (
                      <td className="px-3 py-2">
                        <input
                          type="checkbox"
                          aria-label={`Select ${node.hostname}`}
                          checked={selected.has(node.id)}
                          onChange={() => toggle(node.id)}
                        />
                      </td>
                    ) : null}
                    <td className="px-3 py-2 font-mono text-xs">
                      <Link href={`/nodes/${node.id}`} className="hover:underline">
                        {node.hostname}
                      </Link>
                    </td>
                    <td className="px-3 py-2" data-testid="node-status">
                      <StatusBadge status={node.status} />
                    </td>
                    <td className="px-3 py-2">
                      <span className="inline-flex items-center gap-2">
                        <Link href={`/nodes?siteId=${node.site.id}`} className="hover:underline">
                          {node.site.name}
                        </Link>
                        <KindBadge kind={node.site.kind} />
                      </span>
                    </td>
                    <td className="px-3 py-2">{node.gpuModel}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      <span className={node.gpuFree === 0 ? "text-muted" : undefined}>
                        {formatInt(node.gpuFree)}
                      </span>{" "}
                      / {formatInt(node.gpuCount)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatInt(node.gpuMemoryGib)} GiB</td>
                    <td className="px-3 py-2 font-mono text-xs text-muted">{node.fabric}</td>
                    <td className="px-3 py-2 text-xs">
                      <LastHeartbeat at={node.lastHeartbeatAt} />
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
