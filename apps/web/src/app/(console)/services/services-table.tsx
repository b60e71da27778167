"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TServiceRow = RouterOutputs["service"]["list"]["rows"][number];

const COLUMNS: TColumn<TServiceRow>[] = [
  {
    id: "name",
    header: "Service",
    cell: (s) => (
      <Link href={`/services/${s.id}`} className="font-medium hover:underline">
        {s.name}
      </Link>
    ),
  },
  { id: "team", header: "Team", cell: (s) => s.team.name },
  {
    id: "model",
    header: "Model",
    cell: (s) => (
      <Link href={`/models/${s.model.id}`} className="hover:underline">
        {s.model.name} <span className="font-mono text-xs text-muted">{s.model.version}</span>
      </Link>
    ),
  },
  { id: "replicas", header: "Replicas", className: "tabular-nums", cell: (s) => formatInt(s.replicas) },
  {
    id: "covered",
    header: "Regions covered",
    className: "tabular-nums",
    cell: (s) => `${s.regionsCovered}/${s.regionsTotal}`,
  },
  {
    id: "cost",
    header: "Cost / hour",
    className: "tabular-nums",
    cell: (s) => (s.costUsdPerHour === null ? "–" : `$${s.costUsdPerHour.toFixed(2)}`),
  },
  {
    id: "state",
    header: "State",
    cell: (s) => (
      <span className="text-xs">
        {s.state.toLowerCase()} · {s.applyMode === "AUTO" ? "applies plans" : "proposes plans"}
        {s.hasProposal ? " · proposal waiting" : ""}
      </span>
    ),
  },
];

export function ServicesTable() {
  const trpc = useTRPC();
  const query = useQuery(trpc.service.list.queryOptions({ pageSize: 100 }));
  return (
    <div className="grid gap-3">
      <p className="text-sm text-muted">
        Also through <code>POST /api/v1/services</code> and{" "}
        <code>switchyard services create -f service.yaml</code>.
      </p>
      <DataTable
        id="services"
        label="Services"
        columns={COLUMNS}
        rows={query.data?.rows ?? []}
        rowTestId="service-row"
        empty={{ title: query.isPending ? "Loading services…" : "No services yet." }}
      />
    </div>
  );
}
