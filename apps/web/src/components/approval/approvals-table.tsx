"use client";

import type { RouterOutputs } from "@switchyard/api";
import { APPROVAL_FILTERS, APPROVAL_VIEWS, type TApprovalView } from "@switchyard/api/schemas";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import Link from "next/link";
import { StatusBadge } from "~/components/badges";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { cn } from "~/lib/cn";
import { formatUsd } from "~/lib/format";
import { formatAgo, formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";

const VIEW_LABEL: Record<TApprovalView, string> = {
  inbox: "Waiting for me",
  open: "All pending",
  decided: "Decided",
  mine: "Requested by me",
};

const DECIDED_STATUSES = [
  { value: "APPROVED", label: "Approved" },
  { value: "REJECTED", label: "Rejected" },
  { value: "EXPIRED", label: "Expired" },
  { value: "CANCELLED", label: "Cancelled" },
] as const;

type TApprovalRow = RouterOutputs["approval"]["list"]["rows"][number];

/** The columns of one view: the open views say who must decide and when it expires; the others the outcome. */
function approvalColumns(isOpenView: boolean): TColumn<TApprovalRow>[] {
  return [
    {
      id: "subject",
      header: "Workload or copy",
      cell: (r) => (
        <>
          <Link href={`/approvals/${r.id}`} className="font-medium hover:underline">
            {r.workload?.name ?? `copy of ${r.transfer?.dataset.name ?? "a dataset"}`}
          </Link>
          <div className="text-xs text-muted">{r.workload?.team.name ?? "Dataset copy"}</div>
        </>
      ),
    },
    {
      id: "why",
      header: "Why",
      hideable: true,
      className: "md:max-w-md text-xs",
      cell: (r) => (r.currentStep ? r.currentStep.reason : r.summary.split(": ").slice(1).join(": ")),
    },
    {
      id: "destination",
      header: "Destination",
      hideable: true,
      className: "text-xs",
      cell: (r) =>
        r.site ? (
          <>
            {r.site.name} <span className="text-muted">({r.site.jurisdiction})</span>
          </>
        ) : (
          "—"
        ),
    },
    {
      id: "estimate",
      header: "Estimate",
      align: "number",
      hideable: true,
      cell: (r) => (r.estimatedCostUsd === null ? "—" : formatUsd(r.estimatedCostUsd)),
    },
    {
      id: "state",
      header: isOpenView ? "Waiting for" : "Outcome",
      hideable: true,
      className: "text-xs",
      cell: (r) =>
        isOpenView && r.currentStep ? (
          <>
            {r.currentStep.approvers}
            {r.steps > 1 ? (
              <span className="text-muted">
                {" "}
                · step {r.currentStep.order} of {r.steps}
              </span>
            ) : null}
          </>
        ) : (
          <StatusBadge status={r.status} />
        ),
    },
    {
      id: "requested",
      header: "Requested",
      hideable: true,
      className: "text-xs",
      cell: (r) => (
        <>
          {r.requestedBy.name}
          <div className="text-muted" title={formatDateTime(r.createdAt)}>
            {formatAgo(r.createdAt)}
          </div>
        </>
      ),
    },
    {
      id: "when",
      header: isOpenView ? "Expires" : "Decided",
      hideable: true,
      className: "text-xs tabular-nums",
      cell: (r) => (
        <span title={formatDateTime(r.decidedAt ?? r.expiresAt)}>
          {isOpenView ? formatDateTime(r.expiresAt) : r.decidedAt ? formatDateTime(r.decidedAt) : "—"}
        </span>
      ),
    },
  ];
}

/** The approvals inbox: requests waiting for this user first, then every view of the others. */
export function ApprovalsTable({ defaultView }: { defaultView: TApprovalView }) {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: ["expiresAt"],
    defaultSort: "expiresAt",
    filters: APPROVAL_FILTERS,
  });
  const view = pick(APPROVAL_VIEWS, table.filters.view) ?? defaultView;
  const status = DECIDED_STATUSES.find((s) => s.value === table.filters.status)?.value;
  const query = useQuery(
    trpc.approval.list.queryOptions(
      {
        view,
        status: view === "decided" || view === "mine" ? status : undefined,
        page: table.page,
        pageSize: 50,
      },
      { placeholderData: keepPreviousData },
    ),
  );
  const isOpenView = view === "inbox" || view === "open";
  // The view defaults by role on this page, not in the list's input: the export names it.
  const exportParams = new URLSearchParams(table.queryString);
  exportParams.set("view", view);

  return (
    <DataTable
      id="approvals"
      label="Approval requests"
      columns={approvalColumns(isOpenView)}
      query={query}
      url={table}
      rowTestId="approval-row"
      savedViews="approvals"
      exportCsv={{ table: "approvals", queryString: exportParams.toString() }}
      empty={{
        icon: Inbox,
        title: view === "inbox" ? "Nothing waits for you." : "No requests here.",
        children: view === "inbox" ? "Requests that need your decision appear here." : "Try another view.",
      }}
      toolbar={
        <>
          <div
            role="tablist"
            aria-label="Approval views"
            className="flex flex-wrap rounded-md border border-border bg-surface p-0.5"
          >
            {APPROVAL_VIEWS.map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={v === view}
                onClick={() =>
                  table.setParams({ view: v === defaultView ? null : v, status: null, page: null })
                }
                className={cn(
                  "rounded px-3 py-1 text-sm",
                  v === view ? "bg-accent/12 font-medium text-accent" : "text-muted hover:text-foreground",
                )}
              >
                {VIEW_LABEL[v]}
              </button>
            ))}
          </div>
          {!isOpenView ? (
            <FilterSelect
              label="Status"
              value={status}
              allLabel="Every outcome"
              options={DECIDED_STATUSES}
              onChange={(value) => table.setFilter("status", value)}
            />
          ) : null}
        </>
      }
    />
  );
}
