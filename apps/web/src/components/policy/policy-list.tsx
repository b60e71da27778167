"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, Plus, Scale } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { SuccessNote } from "~/components/form/form-field";
import { PageHeader } from "~/components/page-header";
import { actionsColumn, DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote, ExportCsvLink } from "~/components/table/table-parts";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { PolicyForm } from "./policy-form";
import { approversOf, formatPolicyValue, POLICY_KIND_LABEL, ruleOf, type TPolicyRow } from "./policy-labels";

type TEditing = { mode: "new" } | { mode: "edit"; rule: TPolicyRow } | null;

const panel = "rounded-lg border border-border bg-surface";

const COLUMNS: TColumn<TPolicyRow>[] = [
  {
    id: "rule",
    header: "Rule",
    cell: (rule) => (
      <>
        <Link href={`/settings/policies/${rule.key}`} className="font-medium hover:underline">
          {rule.name}
        </Link>
        <div className="font-mono text-xs text-muted">{rule.key}</div>
        {rule.pendingStepsOnOlderVersions > 0 ? (
          <div className="text-xs text-status-warn">
            {rule.pendingStepsOnOlderVersions} pending approval step
            {rule.pendingStepsOnOlderVersions === 1 ? "" : "s"} under an older version
          </div>
        ) : null}
      </>
    ),
  },
  { id: "kind", header: "Applies to", hideable: true, cell: (rule) => POLICY_KIND_LABEL[rule.kind] },
  { id: "approvers", header: "Approvers", hideable: true, cell: approversOf },
  {
    id: "approvals",
    header: "Approvals",
    align: "number",
    hideable: true,
    cell: (rule) => rule.requiredApprovals,
  },
  {
    id: "threshold",
    header: "Threshold",
    align: "number",
    hideable: true,
    testId: "policy-threshold",
    cell: (rule) => formatPolicyValue("thresholdUsd", rule.thresholdUsd),
  },
  {
    id: "expires",
    header: "Expires",
    align: "number",
    hideable: true,
    cell: (rule) => `${rule.expiresAfterHours} h`,
  },
  { id: "step", header: "Step", align: "number", hideable: true, cell: (rule) => rule.stepOrder },
  {
    id: "version",
    header: "Version",
    align: "number",
    testId: "policy-version",
    cell: (rule) => (
      <Link href={`/settings/policies/${rule.key}`} className="hover:underline">
        v{rule.version}
      </Link>
    ),
  },
  {
    id: "status",
    header: "Status",
    cell: (rule) => (
      <span className={rule.enabled ? "text-status-ok" : "text-muted"}>
        {rule.enabled ? "Enabled" : "Disabled"}
      </span>
    ),
  },
  {
    id: "edited",
    header: "Last edited",
    hideable: true,
    className: "text-xs",
    cell: (rule) => (
      <>
        {rule.createdBy?.name ?? "—"}
        <div className="text-muted">{formatDateTime(rule.createdAt)}</div>
      </>
    ),
  },
];

/** The rules in force; admins edit them (each save is a new version), everyone else reads. */
export function PolicyList({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const query = useQuery(trpc.policy.list.queryOptions({ page }));
  const [editing, setEditing] = useState<TEditing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = useMutation(
    trpc.policy.update.mutationOptions({
      onSuccess: async (saved, input) => {
        await queryClient.invalidateQueries({ queryKey: trpc.policy.pathKey() });
        setNotice(`${input.enabled ? "Enabled" : "Disabled"} ${saved.key}: version ${saved.version}.`);
      },
    }),
  );

  const openForm = (next: TEditing) => {
    setNotice(null);
    toggle.reset();
    setEditing(next);
  };

  const ruleActions = actionsColumn<TPolicyRow>((rule) => (
    <>
      <button
        type="button"
        aria-label={`Edit ${rule.name}`}
        onClick={() => openForm({ mode: "edit", rule })}
        className="rounded-md border border-border px-2.5 py-1 text-sm hover:bg-foreground/5"
      >
        Edit
      </button>{" "}
      <button
        type="button"
        aria-label={`${rule.enabled ? "Disable" : "Enable"} ${rule.name}`}
        disabled={toggle.isPending}
        onClick={() => {
          setNotice(null);
          toggle.mutate({
            ...ruleOf(rule),
            key: rule.key,
            baseVersion: rule.version,
            enabled: !rule.enabled,
          });
        }}
        className="rounded-md border border-border px-2.5 py-1 text-sm hover:bg-foreground/5 disabled:opacity-50"
      >
        {rule.enabled ? "Disable" : "Enable"}
      </button>
    </>
  ));

  return (
    <>
      <PageHeader
        level={2}
        title="Policy rules"
        description="What needs approval before a workload is scheduled, and who approves it. Every edit is a new version; requests keep the version they were opened under."
        actions={
          <div className="flex items-center gap-2">
            <ExportCsvLink table="policies" queryString="" />
            {canEdit && editing?.mode !== "new" ? (
              <button
                type="button"
                onClick={() => openForm({ mode: "new" })}
                className="inline-flex items-center gap-1 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent hover:bg-accent/90"
              >
                <Plus className="size-3.5" aria-hidden /> New rule
              </button>
            ) : null}
          </div>
        }
      />
      <div className="flex flex-col gap-4">
        <p
          className="flex items-start gap-2 rounded-md border border-status-bad/30 bg-status-bad/5 px-3 py-2 text-sm"
          data-testid="on-prem-only-note"
        >
          <Ban className="mt-0.5 size-4 shrink-0 text-status-bad" aria-hidden />
          <span>
            <strong className="font-semibold">On-prem-only data is a hard block, not a rule.</strong> A
            dataset marked on-prem only never leaves on-prem: the placement engine rejects every other site
            for it, and no approval can allow it.
          </span>
        </p>
        {notice ? <SuccessNote>{notice}</SuccessNote> : null}
        {toggle.error ? <ErrorNote message={toggle.error.message} /> : null}
        {editing ? (
          <section className={panel}>
            <PolicyForm
              key={editing.mode === "edit" ? `${editing.rule.key}-${editing.rule.version}` : "new"}
              rule={editing.mode === "edit" ? editing.rule : undefined}
              onClose={(saved) => {
                setEditing(null);
                if (saved) setNotice(`Saved ${saved.key} as version ${saved.version}.`);
              }}
            />
          </section>
        ) : null}
        <DataTable
          id="policy"
          label="Policy rules"
          columns={canEdit ? [...COLUMNS, ruleActions] : COLUMNS}
          query={query}
          onPage={setPage}
          rowKey={(rule) => rule.key}
          rowTestId="policy-row"
          empty={{
            icon: Scale,
            title: "No policy rules",
            children: "Nothing needs approval before it is scheduled.",
          }}
        />
        {!canEdit ? <p className="text-xs text-muted">Only admins can change policy rules.</p> : null}
      </div>
    </>
  );
}
