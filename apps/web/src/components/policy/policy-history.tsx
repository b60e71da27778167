"use client";

import type { TPolicyRule } from "@switchyard/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { History } from "lucide-react";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { PageHeader } from "~/components/page-header";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import {
  approversOf,
  formatPolicyValue,
  POLICY_FIELD_LABEL,
  POLICY_KIND_LABEL,
  type TPolicyVersionRow,
} from "./policy-labels";

const back = { href: "/settings/policies", label: "All policy rules" };

/** Every version of one rule, newest first, each with what changed from the version before. */
export function PolicyHistory({ policyKey }: { policyKey: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.policy.history.queryOptions({ key: policyKey }));
  if (!query.data)
    return (
      <DetailPending
        back={back}
        what="rule history"
        error={query.isError ? query.error.message : undefined}
      />
    );
  const [current] = query.data.versions;
  return (
    <>
      <BackLink {...back} />
      <PageHeader
        level={2}
        title={current?.name ?? policyKey}
        description={`${policyKey} · ${query.data.versions.length} version${query.data.versions.length === 1 ? "" : "s"}. Approval requests record the exact version they were opened under.`}
      />
      <ol className="flex flex-col gap-3" data-testid="policy-versions">
        {query.data.versions.map((v) => (
          <li
            key={v.id}
            className="rounded-lg border border-border bg-surface"
            data-testid="policy-version-entry"
            aria-label={`Version ${v.version}`}
          >
            <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-border px-3 py-2">
              <h2 className="text-sm font-semibold">
                Version {v.version}
                {v === current ? (
                  <span className="ml-2 text-xs font-normal text-status-ok">in force</span>
                ) : null}
              </h2>
              <p className="text-xs text-muted">
                {v.createdBy ? `${v.createdBy.name} (${v.createdBy.email})` : "unknown author"} ·{" "}
                {formatDateTime(v.createdAt)}
              </p>
            </div>
            <div className="px-3 py-2 text-sm">
              {v.changes === null ? (
                <p className="text-muted">Created.</p>
              ) : (
                <DataTable
                  id="policy-diff"
                  testId="policy-diff"
                  label={`Changes in version ${v.version}`}
                  columns={DIFF_COLUMNS}
                  rows={v.changes}
                  rowKey={(change) => change.field}
                  empty={{ icon: History, title: "No changes", children: "This version changed nothing." }}
                />
              )}
              <p className="mt-2 text-xs text-muted">
                {POLICY_KIND_LABEL[v.kind]} · {approversOf(v)} · {v.requiredApprovals} approval
                {v.requiredApprovals === 1 ? "" : "s"}
                {v.thresholdUsd !== null
                  ? ` · over ${formatPolicyValue("thresholdUsd", v.thresholdUsd)}`
                  : ""}{" "}
                · expires after {v.expiresAfterHours} h · step {v.stepOrder} ·{" "}
                {v.enabled ? "enabled" : "disabled"}
              </p>
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}

type TChange = NonNullable<TPolicyVersionRow["changes"]>[number];

const DIFF_COLUMNS: TColumn<TChange>[] = [
  { id: "field", header: "Field", cell: (change) => POLICY_FIELD_LABEL[change.field] },
  {
    id: "before",
    header: "Before",
    className: "text-status-bad line-through decoration-status-bad/50",
    cell: (change) => show(change.field, change.before),
  },
  {
    id: "after",
    header: "After",
    className: "text-status-ok",
    cell: (change) => show(change.field, change.after),
  },
];

function show(field: keyof TPolicyRule, value: unknown) {
  return formatPolicyValue(field, value as TPolicyRule[typeof field]);
}
