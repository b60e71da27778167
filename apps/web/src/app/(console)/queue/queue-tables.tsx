"use client";

import { useQuery } from "@tanstack/react-query";
import { ListOrdered } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { StatusBadge } from "~/components/badges";
import { formatShare, type TQueueRow, WAITING_FOR_LABEL } from "~/components/queue/queue-labels";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatInt } from "~/lib/format";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";

const COLUMNS: TColumn<TQueueRow>[] = [
  { id: "position", header: "#", align: "number", cell: (r) => formatInt(r.position) },
  {
    id: "name",
    header: "Workload",
    cell: (r) => (
      <>
        <Link href={`/workloads/${r.workloadId}`} className="font-medium hover:underline">
          {r.name}
        </Link>
        <div className="text-xs text-muted">{r.teamName}</div>
      </>
    ),
  },
  { id: "state", header: "State", hideable: true, cell: (r) => <StatusBadge status={r.state} /> },
  {
    id: "gpus",
    header: "GPUs",
    align: "number",
    hideable: true,
    cell: (r) => `${formatInt(r.gpus)} × ${r.gpuModel === "*" ? "any" : r.gpuModel}`,
  },
  { id: "priority", header: "Priority", align: "number", hideable: true, cell: (r) => r.priority },
  {
    id: "waiting",
    header: "Waits for",
    cell: (r) => (
      <>
        <span className="font-medium" data-testid="queue-waiting-for">
          {WAITING_FOR_LABEL[r.waitingFor]}
        </span>
        <div className="max-w-96 text-xs text-muted">{r.why}</div>
      </>
    ),
  },
  {
    id: "start",
    header: "Expected start",
    hideable: true,
    cell: (r) => (
      <>
        {r.expectedStartAt ? formatDateTime(r.expectedStartAt) : "unknown"}
        <div className="max-w-64 text-xs text-muted">{r.expectedStartNote}</div>
      </>
    ),
  },
];

type TTeamRow = {
  teamId: string;
  name: string;
  weight: number;
  dominantShare: number;
  entitledShare: number;
  underFairShare: boolean;
  guaranteedGpus: number;
  usedGpus: number;
  borrowedGpus: number;
  pendingGpus: number;
  queued: number;
};

const TEAM_COLUMNS: TColumn<TTeamRow>[] = [
  {
    id: "team",
    header: "Team",
    cell: (t) => (
      <Link href={`/teams/${t.teamId}`} className="font-medium hover:underline">
        {t.name}
      </Link>
    ),
  },
  { id: "weight", header: "Weight", align: "number", cell: (t) => t.weight },
  {
    id: "share",
    header: "Share (entitled)",
    align: "number",
    cell: (t) => (
      <span className={t.underFairShare ? "" : "text-muted"}>
        {formatShare(t.dominantShare)} ({formatShare(t.entitledShare)})
      </span>
    ),
  },
  { id: "guaranteed", header: "Guaranteed", align: "number", cell: (t) => formatInt(t.guaranteedGpus) },
  { id: "used", header: "Used", align: "number", cell: (t) => formatInt(t.usedGpus) },
  {
    id: "borrowed",
    header: "Borrowed",
    align: "number",
    testId: "team-borrowed",
    cell: (t) => formatInt(t.borrowedGpus),
  },
  { id: "pending", header: "Pending GPUs", align: "number", cell: (t) => formatInt(t.pendingGpus) },
  { id: "queued", header: "Queued", align: "number", cell: (t) => formatInt(t.queued) },
];

/** The pending queue in fair order, and each team's share; filtered by ?team= in the URL. */
export function QueueTables() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const teamId = params.get("team") ?? undefined;
  const queue = useQuery(trpc.fairShare.queue.queryOptions(teamId ? { teamId } : {}));
  const hierarchy = useQuery(trpc.fairShare.hierarchy.queryOptions());
  const names = new Map((hierarchy.data?.teams ?? []).map((t) => [t.id, t.name]));
  const teams: TTeamRow[] | undefined = queue.data?.teams.map((t) => ({
    ...t,
    name: names.get(t.teamId) ?? t.teamId,
  }));
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label htmlFor="queue-team" className="text-muted">
          Team
        </label>
        <select
          id="queue-team"
          className="rounded border border-border bg-surface px-2 py-1"
          value={teamId ?? ""}
          onChange={(e) => router.replace(e.target.value ? `/queue?team=${e.target.value}` : "/queue")}
        >
          <option value="">Every team</option>
          {(hierarchy.data?.teams ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        {queue.data ? (
          <span className="text-muted" data-testid="queue-total">
            {formatInt(queue.data.total)} queued in all
          </span>
        ) : null}
      </div>
      <DataTable
        id="queue"
        label="Queue"
        columns={COLUMNS}
        rows={queue.data?.rows}
        pending={queue.isPending}
        error={queue.error}
        rowKey={(r) => r.workloadId}
        rowTestId="queue-row"
        empty={{
          icon: ListOrdered,
          title: "Nothing is waiting",
          children: "Every workload you can see is placed, running or finished.",
        }}
      />
      <section aria-labelledby="queue-teams">
        <h2 id="queue-teams" className="mb-2 text-sm font-semibold">
          Teams: dominant share of the estate against the share each is entitled to
        </h2>
        <DataTable
          id="queue-teams"
          label="Team shares"
          columns={TEAM_COLUMNS}
          rows={teams}
          pending={queue.isPending}
          error={queue.error}
          rowKey={(t) => t.teamId}
          rowTestId="queue-team-row"
          empty={{ title: "No teams share the estate yet" }}
        />
      </section>
    </div>
  );
}
