"use client";

import { APPROVAL_VIEWS, type TApprovalView } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { StatusBadge } from "~/components/badges";
import { SavedViews } from "~/components/table/saved-views";
import {
  ErrorNote,
  ExportCsvLink,
  FilterSelect,
  Pagination,
  SkeletonRows,
  Th,
} from "~/components/table/table-parts";
import { useTableParams } from "~/components/table/use-table-params";
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

/** The approvals inbox: requests waiting for this user first, then every view of the others. */
export function ApprovalsTable({ defaultView }: { defaultView: TApprovalView }) {
  const trpc = useTRPC();
  const table = useTableParams({
    sortKeys: ["expiresAt"],
    defaultSort: "expiresAt",
    filters: ["view", "status"],
  });
  const view = APPROVAL_VIEWS.find((v) => v === table.filters.view) ?? defaultView;
  const status = DECIDED_STATUSES.find((s) => s.value === table.filters.status)?.value;
  const query = useQuery(
    trpc.approval.list.queryOptions(
      {
        view,
        status: view === "decided" || view === "mine" ? status : undefined,
        page: table.page,
        pageSize: 50,
      },
      { placeholderData: (previous) => previous },
    ),
  );
  const isOpenView = view === "inbox" || view === "open";
  const exportParams = new URLSearchParams(table.queryString);
  exportParams.set("view", view);

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <div
          role="tablist"
          aria-label="Approval views"
          className="flex rounded-md border border-border bg-surface p-0.5"
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
        <SavedViews table="approvals" />
        <div className="ml-auto">
          {/* The view defaults by role on this page, not in the list's input: name it. */}
          <ExportCsvLink table="approvals" queryString={exportParams.toString()} />
        </div>
      </div>
      {query.isError ? (
        <ErrorNote message={`Could not load approval requests: ${query.error.message}`} />
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-border bg-surface">
        <table className="w-full text-sm" data-testid="approvals-table">
          <thead className="border-b border-border text-left text-xs text-muted">
            <tr>
              <Th>Workload or copy</Th>
              <Th>Why</Th>
              <Th>Destination</Th>
              <Th align="right">Estimate</Th>
              <Th>{isOpenView ? "Waiting for" : "Outcome"}</Th>
              <Th>Requested</Th>
              <Th>{isOpenView ? "Expires" : "Decided"}</Th>
            </tr>
          </thead>
          <tbody className={query.isFetching ? "opacity-60" : undefined}>
            {query.isPending ? (
              <SkeletonRows columns={7} />
            ) : query.data?.rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-3 py-8 text-center text-muted">
                  {view === "inbox" ? "Nothing waits for you." : "No requests here."}
                </td>
              </tr>
            ) : (
              query.data?.rows.map((r) => (
                <tr
                  key={r.id}
                  className="border-t border-border hover:bg-foreground/3"
                  data-testid="approval-row"
                >
                  <td className="px-3 py-2">
                    <Link href={`/approvals/${r.id}`} className="font-medium hover:underline">
                      {r.workload?.name ?? `copy of ${r.transfer?.dataset.name ?? "a dataset"}`}
                    </Link>
                    <div className="text-xs text-muted">{r.workload?.team.name ?? "Dataset copy"}</div>
                  </td>
                  <td className="max-w-md px-3 py-2 text-xs">
                    {r.currentStep ? r.currentStep.reason : r.summary.split(": ").slice(1).join(": ")}
                  </td>
                  <td className="px-3 py-2 text-xs">
                    {r.site ? (
                      <>
                        {r.site.name} <span className="text-muted">({r.site.jurisdiction})</span>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {r.estimatedCostUsd === null ? "—" : formatUsd(r.estimatedCostUsd)}
                  </td>
                  <td className="px-3 py-2 text-xs">
                    {isOpenView && r.currentStep ? (
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
                    )}
                  </td>
                  <td className="px-3 py-2 text-xs">
                    {r.requestedBy.name}
                    <div className="text-muted" title={formatDateTime(r.createdAt)}>
                      {formatAgo(r.createdAt)}
                    </div>
                  </td>
                  <td
                    className="px-3 py-2 text-xs tabular-nums"
                    title={formatDateTime(r.decidedAt ?? r.expiresAt)}
                  >
                    {isOpenView
                      ? formatDateTime(r.expiresAt)
                      : r.decidedAt
                        ? formatDateTime(r.decidedAt)
                        : "—"}
                  </td>
                </tr>
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
