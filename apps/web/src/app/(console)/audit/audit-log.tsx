"use client";

import type { RouterOutputs } from "@switchyard/api";
import { AUDIT_FILTERS, AUDIT_SORT_KEYS } from "@switchyard/api/schemas";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { FileClock, ShieldCheck, ShieldX } from "lucide-react";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote, FilterSelect } from "~/components/table/table-parts";
import { useTableParams } from "~/components/table/use-table-params";
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

type TAuditRow = RouterOutputs["audit"]["list"]["rows"][number];

const utc = (date: Date) => date.toISOString().replace("T", " ").slice(0, 19);

/** The columns; the event number unfolds the event's before and after. */
const COLUMNS: TColumn<TAuditRow>[] = [
  {
    id: "seq",
    header: "#",
    sortKey: "seq",
    className: "font-mono text-xs tabular-nums",
    unfolds: true,
    cell: (event) => event.seq,
  },
  {
    id: "when",
    header: "When (UTC)",
    hideable: true,
    className: "text-xs tabular-nums",
    cell: (e) => utc(e.createdAt),
  },
  { id: "actor", header: "Actor", hideable: true, cell: (e) => e.actorLabel },
  { id: "action", header: "Action", className: "font-mono text-xs", cell: (e) => e.action },
  {
    id: "object",
    header: "Object",
    hideable: true,
    className: "text-xs",
    cell: (e) => (
      <>
        {e.objectType} <span className="font-mono break-all text-muted">{e.objectId}</span>
      </>
    ),
  },
];

function EventDetail({ event }: { event: TAuditRow }) {
  return (
    <>
      <div className="grid gap-3 md:grid-cols-2">
        <JsonBlock title="Before" value={event.before} />
        <JsonBlock title="After" value={event.after} />
      </div>
      <p className="mt-2 font-mono text-[11px] break-all text-muted">
        hash {event.hash.slice(0, 16)}… · previous {event.prevHash.slice(0, 16)}…
        {event.requestId ? ` · request ${event.requestId}` : ""}
      </p>
    </>
  );
}

export function AuditLog() {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: AUDIT_SORT_KEYS,
    defaultSort: "seq",
    // The newest events first unless the user asked otherwise.
    defaultDirection: "desc",
    filters: AUDIT_FILTERS,
  });
  const query = useQuery(
    trpc.audit.list.queryOptions(
      {
        ...table.listInput,
        pageSize: 50,
        objectType: table.filters.objectType,
        action: table.filters.action,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  const verify = useVerify();

  return (
    <DataTable
      id="audit"
      label="Audit log"
      columns={COLUMNS}
      query={query}
      url={table}
      rowKey={(event) => event.seq}
      rowTestId="audit-row"
      detail={(event, isUnfolded) => (isUnfolded ? <EventDetail event={event} /> : null)}
      search={{ label: "Search audit events", placeholder: "Search actor or object id" }}
      savedViews="audit"
      exportCsv="audit"
      empty={{
        icon: FileClock,
        title: "No audit events match",
        children: "Nothing has been audited yet.",
        filtered: "Clear the search or the filters to see every event.",
      }}
      toolbar={
        <>
          <FilterSelect
            label="Object type"
            value={table.filters.objectType}
            allLabel="Every object type"
            options={OBJECT_TYPES.map((type) => ({ value: type, label: type }))}
            onChange={(value) => table.setFilter("objectType", value)}
          />
          <input
            value={table.filters.action ?? ""}
            onChange={(e) => table.setFilter("action", e.target.value.trim() || undefined)}
            placeholder="Action, e.g. site."
            aria-label="Action"
            className="w-40 rounded-md border border-border bg-surface px-2 py-1.5 text-sm"
          />
          <VerifyChain verify={verify} />
        </>
      }
    >
      {verify.isError ? <ErrorNote message={verify.error.message} /> : null}
    </DataTable>
  );
}

/** Checks the hash chain of the whole log and says what it found. */
function VerifyChain({ verify }: { verify: ReturnType<typeof useVerify> }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
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
              {verify.data.brokenCount === 1 ? "event" : "events"} of {formatInt(verify.data.checked)}, first
              #{verify.data.broken[0]?.seq}: {verify.data.broken[0]?.reason}
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
  );
}

function useVerify() {
  const trpc = useTRPC();
  return useMutation(trpc.audit.verify.mutationOptions());
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
