"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { SuccessNote } from "~/components/form/form-field";
import { PageHeader } from "~/components/page-header";
import { ErrorNote, ExportCsvLink, Pagination, SkeletonRows, Th } from "~/components/table/table-parts";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { PolicyForm } from "./policy-form";
import { approversOf, formatPolicyValue, POLICY_KIND_LABEL, ruleOf, type TPolicyRow } from "./policy-labels";

type TEditing = { mode: "new" } | { mode: "edit"; rule: TPolicyRow } | null;

const panel = "rounded-lg border border-border bg-surface";

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
        {query.isError ? <ErrorNote message={query.error.message} /> : null}
        <div className={`${panel} overflow-x-auto`}>
          <table className="w-full text-sm" data-testid="policy-table">
            <thead className="text-left text-xs text-muted">
              <tr>
                <Th>Rule</Th>
                <Th>Applies to</Th>
                <Th>Approvers</Th>
                <Th align="right">Approvals</Th>
                <Th align="right">Threshold</Th>
                <Th align="right">Expires</Th>
                <Th align="right">Step</Th>
                <Th align="right">Version</Th>
                <Th>Status</Th>
                <Th>Last edited</Th>
                {canEdit ? (
                  <th className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {!query.data ? (
                <SkeletonRows columns={canEdit ? 11 : 10} rows={4} />
              ) : (
                query.data.rows.map((rule) => (
                  <tr key={rule.key} className="border-t border-border align-top" data-testid="policy-row">
                    <td className="px-3 py-2">
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
                    </td>
                    <td className="px-3 py-2">{POLICY_KIND_LABEL[rule.kind]}</td>
                    <td className="px-3 py-2">{approversOf(rule)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{rule.requiredApprovals}</td>
                    <td className="px-3 py-2 text-right tabular-nums" data-testid="policy-threshold">
                      {formatPolicyValue("thresholdUsd", rule.thresholdUsd)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{rule.expiresAfterHours} h</td>
                    <td className="px-3 py-2 text-right tabular-nums">{rule.stepOrder}</td>
                    <td className="px-3 py-2 text-right tabular-nums" data-testid="policy-version">
                      <Link href={`/settings/policies/${rule.key}`} className="hover:underline">
                        v{rule.version}
                      </Link>
                    </td>
                    <td className="px-3 py-2">
                      <span className={rule.enabled ? "text-status-ok" : "text-muted"}>
                        {rule.enabled ? "Enabled" : "Disabled"}
                      </span>
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {rule.createdBy?.name ?? "—"}
                      <div className="text-muted">{formatDateTime(rule.createdAt)}</div>
                    </td>
                    {canEdit ? (
                      <td className="whitespace-nowrap px-3 py-2 text-right">
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
                      </td>
                    ) : null}
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
            onPage={setPage}
          />
        ) : null}
        {!canEdit ? <p className="text-xs text-muted">Only admins can change policy rules.</p> : null}
      </div>
    </>
  );
}
