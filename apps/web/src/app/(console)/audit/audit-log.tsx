"use client";

import { AUDIT_SORT_KEYS } from "@switchyard/api/schemas";
import { useMutation, useQuery } from "@tanstack/react-query";
import { ShieldCheck, ShieldX } from "lucide-react";
import { Fragment, useState } from "react";
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
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

/** Every kind of object the services audit (grep objectType in packages/api and packages/db). */
const OBJECT_TYPES = [
  "Site",
  "GpuNode",
  "Dataset",
  "Team",
  "Workload",
  "PlacementDecision",
  "DataTransfer",
  "ApprovalRequest",
  "Policy",
  "Webhook",
  "WebhookDelivery",
  "PriceCatalog",
  "Estate",
];

export function AuditLog() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: AUDIT_SORT_KEYS,
    defaultSort: "seq",
    filters: ["objectType", "action"],
  });
  const [searchDraft, setSearchDraft] = useDebouncedSearch(table.search, table.setParams);
  const [openSeq, setOpenSeq] = useState<string | null>(null);
  // The newest events first unless the user asked otherwise.
  const direction = table.queryString.includes("dir=asc") ? "asc" : "desc";
  const query = useQuery(
    trpc.audit.list.queryOptions(
      {
        page: table.page,
        pageSize: 50,
        direction,
        objectType: table.filters.objectType,
        action: table.filters.action,
        search: table.search || undefined,
      },
      { placeholderData: (previous) => previous },
    ),
  );
  const verify = useMutation(trpc.audit.verify.mutationOptions());

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox
          label="Search audit events"
          placeholder="Search actor or object id"
          value={searchDraft}
          onChange={setSearchDraft}
        />
        <SavedViews table="audit" />
        <select
          value={table.filters.objectType ?? ""}
          onChange={(e) => table.setFilter("objectType", e.target.value || undefined)}
          aria-label="Object type"
          className="rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
        >
          <option value="">Every object type</option>
          {OBJECT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        <input
          value={table.filters.action ?? ""}
          onChange={(e) => table.setFilter("action", e.target.value.trim() || undefined)}
          placeholder="Action, e.g. site."
          aria-label="Action"
          className="w-40 rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
        />
        <div className="ml-auto flex items-center gap-2">
          <ExportCsvLink table="audit" queryString={table.queryString} />
          {verify.data ? (
            verify.data.ok ? (
              <span
                className="inline-flex items-center gap-1 text-sm text-status-ok"
                data-testid="audit-verify-result"
              >
                <ShieldCheck className="size-4" aria-hidden /> Chain intact: {formatInt(verify.data.checked)}{" "}
                events verified
              </span>
            ) : (
              <details className="text-sm text-status-bad" data-testid="audit-verify-result">
                <summary className="inline-flex cursor-pointer items-center gap-1">
                  <ShieldX className="size-4" aria-hidden /> {formatInt(verify.data.brokenCount)} broken{" "}
                  {verify.data.brokenCount === 1 ? "event" : "events"} of {formatInt(verify.data.checked)},
                  first #{verify.data.broken[0]?.seq}: {verify.data.broken[0]?.reason}
                </summary>
                <ul className="mt-1 max-h-48 overflow-y-auto text-xs" data-testid="audit-broken-events">
                  {verify.data.broken.map((b) => (
                    <li key={b.seq}>
                      #{b.seq}: {b.reason}
                    </li>
                  ))}
                  {verify.data.brokenCount > verify.data.broken.length ? (
                    <li>… and {formatInt(verify.data.brokenCount - verify.data.broken.length)} more</li>
                  ) : null}
                </ul>
              </details>
            )
          ) : null}
          <button
            type="button"
            onClick={() => verify.mutate()}
            disabled={verify.isPending}
            className="rounded-md border border-border bg-surface px-3 py-1.5 text-sm hover:bg-foreground/5"
          >
            {verify.isPending ? "Verifying…" : "Verify chain"}
          </button>
        </div>
      </div>
      {query.isError ? <ErrorNote message={`Could not load the audit log: ${query.error.message}`} /> : null}
      {verify.isError ? <ErrorNote message={verify.error.message} /> : null}
      <div className="overflow-x-auto rounded-lg border border-border bg-surface">
        <table className="w-full text-sm" data-testid="audit-table">
          <thead className="border-b border-border text-left text-xs text-muted">
            <tr>
              <SortHeader
                column="seq"
                label="#"
                sort="seq"
                direction={direction}
                onSort={() => table.setParams({ dir: direction === "desc" ? "asc" : null, page: null })}
              />
              <Th>When (UTC)</Th>
              <Th>Actor</Th>
              <Th>Action</Th>
              <Th>Object</Th>
            </tr>
          </thead>
          <tbody className={query.isFetching ? "opacity-60" : undefined}>
            {query.isPending ? (
              <SkeletonRows columns={5} />
            ) : (
              query.data?.rows.map((event) => (
                <Fragment key={event.seq}>
                  <tr
                    className="cursor-pointer border-t border-border hover:bg-foreground/3"
                    onClick={() => setOpenSeq(openSeq === event.seq ? null : event.seq)}
                    data-testid="audit-row"
                  >
                    <td className="px-3 py-2 font-mono text-xs tabular-nums">
                      <button type="button" aria-expanded={openSeq === event.seq} className="hover:underline">
                        {event.seq}
                      </button>
                    </td>
                    <td className="px-3 py-2 text-xs tabular-nums">
                      {event.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                    </td>
                    <td className="px-3 py-2">{event.actorLabel}</td>
                    <td className="px-3 py-2 font-mono text-xs">{event.action}</td>
                    <td className="px-3 py-2 text-xs">
                      {event.objectType} <span className="font-mono text-muted">{event.objectId}</span>
                    </td>
                  </tr>
                  {openSeq === event.seq ? (
                    <tr className="border-t border-border bg-background">
                      <td colSpan={5} className="px-3 py-3">
                        <div className="grid gap-3 md:grid-cols-2">
                          <JsonBlock title="Before" value={event.before} />
                          <JsonBlock title="After" value={event.after} />
                        </div>
                        <p className="mt-2 font-mono text-[11px] text-muted">
                          hash {event.hash.slice(0, 16)}… · previous {event.prevHash.slice(0, 16)}…
                          {event.requestId ? ` · request ${event.requestId}` : ""}
                        </p>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))
            )}
          </tbody>
        </table>
      </div>
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

function JsonBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <div className="mb-1 text-xs font-medium text-muted">{title}</div>
      <pre className="max-h-72 overflow-auto rounded-md border border-border bg-surface p-2 text-[11px] leading-relaxed">
        {value === null || value === undefined ? "—" : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}
