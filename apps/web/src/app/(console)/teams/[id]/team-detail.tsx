"use client";

import type { RouterOutputs } from "@switchyard/api";
import { ROLE_LABELS } from "@switchyard/api/session";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { StatusBadge } from "~/components/badges";
import { ClassificationBadge } from "~/components/dataset/dataset-badges";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { DisabledControl } from "~/components/disabled-reason";
import { SuccessNote } from "~/components/form/form-field";
import { PageHeader } from "~/components/page-header";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { QuotaBar, quotaModelLabel } from "~/components/team/quota-bar";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { QuotaEditor } from "./quota-editor";
import { TeamShareChart } from "./team-share-chart";
import { TeamSpend } from "./team-spend";

const panel = "rounded-lg border border-border bg-surface";
const heading = "border-b border-border px-3 py-2 text-sm font-semibold";

type TTeam = RouterOutputs["team"]["byId"];

/** `groupName`: a site group's name by id (the quota's guarantee holds there only). */
const quotaColumns = (groupName: (id: string) => string): TColumn<TTeam["quotas"][number]>[] => [
  { id: "model", header: "GPU model", cell: (q) => quotaModelLabel(q.gpuModel) },
  {
    id: "sites",
    header: "Guaranteed on",
    cell: (q) => (q.siteGroupId === null ? "Every site" : groupName(q.siteGroupId)),
  },
  { id: "used", header: "Used now", align: "number", cell: (q) => formatInt(q.usedGpus) },
  { id: "guaranteed", header: "Guaranteed", align: "number", cell: (q) => formatInt(q.guaranteedGpus) },
  { id: "limit", header: "Limit", align: "number", cell: (q) => formatInt(q.limitGpus) },
  {
    id: "use",
    header: "Use",
    headerCell: <span className="sr-only">Use</span>,
    className: "md:w-1/3",
    cell: (q) => <QuotaBar used={q.usedGpus} guaranteed={q.guaranteedGpus} limit={q.limitGpus} />,
  },
];

const MEMBER_COLUMNS: TColumn<TTeam["members"][number]>[] = [
  {
    id: "name",
    header: "Name",
    className: "font-medium",
    cell: (m) => (
      <>
        {m.name}
        {m.disabled ? <span className="ml-1.5 text-xs text-muted">(disabled)</span> : null}
      </>
    ),
  },
  { id: "email", header: "Email", className: "text-xs break-all", cell: (m) => m.email },
  { id: "teamRole", header: "In the team", cell: (m) => (m.teamRole === "LEAD" ? "Lead" : "Member") },
  { id: "role", header: "Switchyard role", cell: (m) => ROLE_LABELS[m.role] },
];

/** `editRefusal`: why the user may not change quotas (from @switchyard/api/rules), or null. */
export function TeamDetail({ id, editRefusal }: { id: string; editRefusal: string | null }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.team.byId.queryOptions({ id }));
  const groups = useQuery(trpc.fairShare.siteGroups.queryOptions()).data;
  const [isEditing, setIsEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const back = { href: "/teams", label: "All teams" };
  if (!query.data)
    return <DetailPending back={back} what="team" error={query.isError ? query.error.message : undefined} />;

  const team = query.data;
  const quotaModels = new Set(team.quotas.map((q) => q.gpuModel));
  const unquoted = quotaModels.has("*") ? [] : team.usage.filter((u) => !quotaModels.has(u.gpuModel));

  return (
    <>
      <BackLink {...back} />
      <PageHeader title={team.name} description={team.description || undefined} />
      <div className="grid gap-5 xl:grid-cols-[3fr_2fr]">
        <div className="flex flex-col gap-5">
          <TeamSpend teamId={team.id} editRefusal={editRefusal} />
          <TeamShareChart teamId={team.id} />
          <section aria-labelledby="team-quotas" className={panel}>
            <div className="flex items-center justify-between border-b border-border px-3 py-2">
              <h2 id="team-quotas" className="text-sm font-semibold">
                GPU quotas
              </h2>
              {editRefusal ? (
                <DisabledControl
                  id="edit-quotas-reason"
                  reason={editRefusal}
                  className="rounded-md border border-border px-2.5 py-1 text-sm"
                >
                  Edit quotas
                </DisabledControl>
              ) : !isEditing ? (
                <button
                  type="button"
                  onClick={() => {
                    setNotice(null);
                    setIsEditing(true);
                  }}
                  className="rounded-md border border-border px-2.5 py-1 text-sm hover:bg-foreground/5"
                >
                  Edit quotas
                </button>
              ) : null}
            </div>
            {isEditing ? (
              <QuotaEditor
                teamId={team.id}
                quotas={team.quotas}
                onClose={(saved) => {
                  setIsEditing(false);
                  if (saved) setNotice("Quotas saved.");
                }}
              />
            ) : (
              <DataTable
                id="team-quotas"
                testId="quotas"
                label="GPU quotas"
                inset
                columns={quotaColumns(
                  (groupId) => groups?.find((g) => g.id === groupId)?.name ?? "a site group",
                )}
                rows={team.quotas}
                rowKey={(q) => q.gpuModel}
                rowTestId="quota-row"
                empty={{ title: "This team has no GPU quotas." }}
              />
            )}
            {unquoted.length > 0 && !isEditing ? (
              <p className="border-t border-border px-3 py-2 text-xs text-muted">
                Held without a quota: {unquoted.map((u) => `${formatInt(u.gpus)} ${u.gpuModel}`).join(", ")}.
              </p>
            ) : null}
          </section>
          {notice ? <SuccessNote>{notice}</SuccessNote> : null}

          <section aria-labelledby="team-members" className={panel}>
            <h2 id="team-members" className={heading}>
              Members <span className="font-normal text-muted">· {team.members.length}</span>
            </h2>
            <DataTable
              id="team-members"
              testId="members"
              label="Members"
              inset
              columns={MEMBER_COLUMNS}
              rows={team.members}
              empty={{ title: "No members yet." }}
            />
          </section>
        </div>

        <div className="flex flex-col gap-5">
          <section aria-labelledby="team-workloads" className={panel}>
            <h2 id="team-workloads" className={heading}>
              Workloads
            </h2>
            {team.workloadsByState.length === 0 ? (
              <p className="px-3 py-4 text-sm text-muted">No workloads yet.</p>
            ) : (
              <ul className="divide-y divide-border text-sm">
                {team.workloadsByState.map((w) => (
                  <li key={w.state} className="flex items-center justify-between px-3 py-1.5">
                    <StatusBadge status={w.state} />
                    <span className="tabular-nums">{formatInt(w.count)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="team-datasets" className={panel}>
            <h2 id="team-datasets" className={heading}>
              Datasets owned
            </h2>
            {team.datasets.length === 0 ? (
              <p className="px-3 py-4 text-sm text-muted">This team owns no datasets.</p>
            ) : (
              <ul className="divide-y divide-border text-sm">
                {team.datasets.map((d) => (
                  <li key={d.id} className="flex items-center justify-between gap-2 px-3 py-1.5">
                    <Link href={`/datasets/${d.id}`} className="hover:underline">
                      {d.name}
                    </Link>
                    <ClassificationBadge classification={d.classification} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </>
  );
}
