"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { KindBadge, StatusBadge } from "~/components/badges";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { GpuTelemetry } from "~/components/node/gpu-telemetry";
import { LastHeartbeat } from "~/components/node/last-heartbeat";
import { MustMove, NodeActions } from "~/components/node/node-actions";
import { PageHeader } from "~/components/page-header";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatInt } from "~/lib/format";
import { formatAgo, formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";

type TAllocation = RouterOutputs["node"]["byId"]["allocations"][number];

const ALLOCATION_COLUMNS: TColumn<TAllocation>[] = [
  {
    id: "workload",
    header: "Workload",
    className: "font-medium",
    cell: (a) => a.workload?.name ?? <span className="text-muted">Another team's workload</span>,
  },
  { id: "team", header: "Team", cell: (a) => a.team },
  {
    id: "state",
    header: "Workload state",
    cell: (a) =>
      a.workload ? <StatusBadge status={a.workload.state} /> : <span className="text-muted">—</span>,
  },
  { id: "gpus", header: "GPUs", align: "number", cell: (a) => formatInt(a.gpus) },
  {
    id: "allocation",
    header: "Allocation",
    className: "text-xs",
    cell: (a) => (a.status === "ACTIVE" ? "held" : `released ${a.releasedAt ? formatAgo(a.releasedAt) : ""}`),
  },
  {
    id: "since",
    header: "Since",
    className: "text-xs",
    cell: (a) => <span title={formatDateTime(a.createdAt)}>{formatAgo(a.createdAt)}</span>,
  },
];

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

/** `editRefusal`: why the user may not cordon or drain (from @switchyard/api/rules), or null. */
export function NodeDetail({ id, editRefusal }: { id: string; editRefusal: string | null }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.node.byId.queryOptions({ id }));
  const back = { href: "/nodes", label: "All nodes" };
  if (!query.data)
    return <DetailPending back={back} what="node" error={query.isError ? query.error.message : undefined} />;

  const node = query.data;
  const active = node.allocations.filter((a) => a.status === "ACTIVE");
  const labels = Object.entries(node.labels);
  return (
    <>
      <BackLink {...back} />
      <PageHeader
        title={node.hostname}
        description={`${node.gpuCount} × ${node.gpuModel} at ${node.site.name}`}
      />
      <div className="grid gap-5 xl:grid-cols-[1fr_2fr]">
        <section aria-labelledby="node-facts" className="rounded-lg border border-border bg-surface p-4">
          <h2 id="node-facts" className="mb-3 text-sm font-semibold">
            Node
          </h2>
          <dl className="grid grid-cols-2 gap-3">
            <Fact label="Status">
              <span data-testid="node-status">
                <StatusBadge status={node.status} />
              </span>
            </Fact>
            <Fact label="Site">
              <span className="inline-flex flex-wrap items-center gap-1.5">
                <Link href={`/nodes?siteId=${node.site.id}`} className="hover:underline">
                  {node.site.name}
                </Link>
                <KindBadge kind={node.site.kind} />
              </span>
            </Fact>
            <Fact label="GPUs free / total">
              <span className="tabular-nums">
                {formatInt(node.gpuFree)} / {formatInt(node.gpuCount)}
              </span>
            </Fact>
            <Fact label="GPU">
              {node.gpuModel}, {formatInt(node.gpuMemoryGib)} GiB
            </Fact>
            <Fact label="Fabric">
              <span className="font-mono text-xs">{node.fabric}</span>
            </Fact>
            <Fact label="Interconnect">{node.interconnect}</Fact>
            <Fact label="Last heartbeat">
              <LastHeartbeat at={node.lastHeartbeatAt} />
            </Fact>
            <Fact label="Driver">
              <span data-testid="node-driver">
                {node.driverVersion ?? <span className="text-muted">unknown</span>}
              </span>
            </Fact>
            <Fact label="CUDA">
              <span data-testid="node-cuda">
                {node.cudaVersion ?? <span className="text-muted">unknown</span>}
              </span>
            </Fact>
            <Fact label="MIG mode">
              <span data-testid="node-mig">
                {node.migMode ?? <span className="text-muted">unknown</span>}
              </span>
            </Fact>
            <Fact label="Agent">
              {node.agentVersion ? (
                <span data-testid="node-agent-version">switchyard-agent {node.agentVersion}</span>
              ) : (
                <span className="text-muted">none reports</span>
              )}
            </Fact>
            <Fact label="Labels">
              {labels.length === 0 ? (
                <span className="text-muted">none</span>
              ) : (
                <span className="font-mono text-xs">
                  {labels.map(([key, value]) => `${key}=${String(value)}`).join(", ")}
                </span>
              )}
            </Fact>
          </dl>
          <div className="mt-4 border-t border-border pt-3">
            {editRefusal ? (
              <p className="text-sm text-muted" data-testid="node-actions-refused">
                {editRefusal}
              </p>
            ) : (
              <NodeActions ids={[node.id]} currentStatus={node.status} />
            )}
          </div>
        </section>

        <section aria-labelledby="node-allocations" className="flex flex-col gap-3">
          {node.status === "DRAINING" ? (
            <MustMove
              workloads={active.flatMap((a) =>
                a.workload
                  ? [
                      {
                        id: a.workload.id,
                        name: a.workload.name,
                        state: a.workload.state,
                        team: a.team,
                        gpus: a.gpus,
                        nodes: [node.hostname],
                      },
                    ]
                  : [],
              )}
            />
          ) : null}
          <div className="rounded-lg border border-border bg-surface">
            <h2 id="node-allocations" className="border-b border-border px-3 py-2 text-sm font-semibold">
              Allocations{" "}
              <span className="font-normal text-muted">
                · {formatInt(node.gpuAllocated)} of {formatInt(node.gpuCount)} GPUs held
              </span>
            </h2>
            <DataTable
              id="node-allocations"
              testId="allocations"
              label="Allocations"
              inset
              columns={ALLOCATION_COLUMNS}
              rows={node.allocations}
              empty={{ title: "No workload has held GPUs on this node." }}
            />
          </div>
        </section>
      </div>
      <div className="mt-5">
        <GpuTelemetry nodeId={node.id} />
      </div>
    </>
  );
}
