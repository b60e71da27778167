"use client";

import type { RouterOutputs } from "@switchyard/api";
import Link from "next/link";
import { StatusBadge } from "~/components/badges";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatInt } from "~/lib/format";

type TPool = RouterOutputs["site"]["byId"]["pools"][number];
type TExecutorNode = RouterOutputs["executor"]["bySite"]["nodes"][number];

function poolColumns(siteId: string): TColumn<TPool>[] {
  return [
    { id: "model", header: "GPU model", cell: (pool) => pool.gpuModel },
    { id: "status", header: "Node status", cell: (pool) => <StatusBadge status={pool.status} /> },
    {
      id: "nodes",
      header: "Nodes",
      align: "number",
      cell: (pool) => (
        <Link
          href={`/nodes?siteId=${siteId}&gpuModel=${encodeURIComponent(pool.gpuModel)}&status=${pool.status}`}
          className="hover:underline"
        >
          {formatInt(pool.nodes)}
        </Link>
      ),
    },
    { id: "gpus", header: "GPUs", align: "number", cell: (pool) => formatInt(pool.gpus) },
    { id: "allocated", header: "Allocated", align: "number", cell: (pool) => formatInt(pool.allocated) },
  ];
}

/** A site's capacity by GPU model and node status; each node count opens the nodes table on it. */
export function SitePoolsTable({ siteId, pools }: { siteId: string; pools: readonly TPool[] }) {
  return (
    <div className="mt-4">
      <DataTable
        id="site-pools"
        label="Capacity by GPU model and node status"
        inset
        columns={poolColumns(siteId)}
        rows={pools}
        rowKey={(pool) => `${pool.gpuModel}-${pool.status}`}
        empty={{ title: "No GPU nodes at this site yet." }}
      />
    </div>
  );
}

const EXECUTOR_NODE_COLUMNS: TColumn<TExecutorNode>[] = [
  { id: "node", header: "Node", className: "font-mono text-xs", cell: (n) => n.hostname },
  {
    id: "schedulerState",
    header: "Slurm state",
    cell: (n) => (
      <>
        {n.schedulerState}
        {n.schedulerReason ? <span className="text-xs text-muted"> ({n.schedulerReason})</span> : null}
      </>
    ),
  },
  { id: "status", header: "Switchyard", cell: (n) => <StatusBadge status={n.status} /> },
  { id: "gpus", header: "GPUs allocated", align: "number", cell: (n) => `${n.gpuAllocated} / ${n.gpuCount}` },
];

/** The nodes the site's scheduler reports, beside the state Switchyard keeps for them. */
export function ExecutorNodesTable({ nodes }: { nodes: readonly TExecutorNode[] }) {
  return (
    <div className="mt-3">
      <DataTable
        id="executor-nodes"
        testId="executor-nodes"
        label="Scheduler nodes"
        inset
        columns={EXECUTOR_NODE_COLUMNS}
        rows={nodes}
        rowKey={(n) => n.hostname}
        empty={{ title: "The scheduler reports no nodes." }}
      />
    </div>
  );
}
