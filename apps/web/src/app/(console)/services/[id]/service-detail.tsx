"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { KindBadge, StatusBadge } from "~/components/badges";
import { BackLink, DetailPending } from "~/components/detail-pending";
import { PageHeader } from "~/components/page-header";
import { COVERAGE_TONE } from "~/components/service/coverage";
import { CoverageMap } from "~/components/service/coverage-map";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { useTRPC } from "~/trpc/react";

type TService = RouterOutputs["service"]["byId"];
type TPlan = NonNullable<TService["current"]>;
type TRegion = Extract<TPlan["regions"], unknown[]>[number];
type TReplica = TService["replicas"][number];

function regionColumns(plan: TPlan): TColumn<TRegion>[] {
  const siteOf = (index: number) => plan.replicas.find((r) => r.index === index)?.siteName ?? `#${index}`;
  return [
    {
      id: "region",
      header: "Region",
      cell: (r) => (
        <span className="inline-flex items-center gap-1.5 font-medium">
          <span className="size-2.5 rounded-full" style={{ backgroundColor: COVERAGE_TONE[r.status] }} />
          {r.region}
        </span>
      ),
    },
    { id: "demand", header: "Demand (req/s)", className: "tabular-nums", cell: (r) => r.demandRps },
    { id: "served", header: "Served (req/s)", className: "tabular-nums", cell: (r) => r.servedRps },
    {
      id: "latency",
      header: "Latency / SLO",
      className: "tabular-nums",
      cell: (r) =>
        `${r.latencyMs === undefined || r.latencyMs === null ? "–" : `${r.latencyMs} ms`} / ${r.maxLatencyMs} ms`,
    },
    {
      id: "servedBy",
      header: "Served by",
      cell: (r) =>
        r.servedBy.length === 0 ? (
          <span className="text-muted">–</span>
        ) : (
          <span className="text-xs">
            {r.servedBy.map((s) => `${siteOf(s.replica)} (${s.rps} req/s, ${s.latencyMs} ms)`).join(", ")}
          </span>
        ),
    },
    {
      id: "status",
      header: "Covered",
      cell: (r) =>
        r.status === "covered" ? (
          "yes"
        ) : (
          <span>
            {r.status}: {r.reason}
          </span>
        ),
    },
  ];
}

const REPLICA_COLUMNS: TColumn<TReplica>[] = [
  {
    id: "name",
    header: "Replica",
    cell: (w) => (
      <Link href={`/workloads/${w.id}`} className="font-medium hover:underline">
        {w.name}
      </Link>
    ),
  },
  { id: "state", header: "State", cell: (w) => <StatusBadge status={w.state} /> },
  {
    id: "site",
    header: "Site",
    cell: (w) =>
      w.site ? (
        <span className="inline-flex items-center gap-1.5">
          <KindBadge kind={w.site.kind} />
          <Link href={`/sites/${w.site.id}`} className="hover:underline">
            {w.site.name}
          </Link>
        </span>
      ) : (
        "–"
      ),
  },
  {
    id: "gpus",
    header: "GPUs held",
    cell: (w) =>
      w.allocations.map((a) => `${a.gpus}× ${a.node.gpuModel} on ${a.node.hostname}`).join(", ") || "–",
  },
  { id: "reason", header: "Why", className: "text-xs", cell: (w) => w.stateReason ?? "" },
];

function PlanSection({
  title,
  plan,
  geo,
  testId,
}: {
  title: string;
  plan: TPlan;
  geo: TService["geo"];
  testId: string;
}) {
  return (
    <section className="rounded-lg border border-border bg-surface" data-testid={testId}>
      <h2 className="border-b border-border px-3 py-2 text-sm font-semibold">
        {title}{" "}
        <span className="font-normal text-muted">
          · {plan.summary} · ${plan.costUsdPerHour.toFixed(2)}/h
        </span>
      </h2>
      <CoverageMap
        title={title}
        regions={plan.regions as TRegion[]}
        replicas={plan.replicas}
        places={geo.regions}
        sites={geo.sites}
        testId={`${testId}-map`}
      />
      <DataTable
        id={`${testId}-regions`}
        label={`${title}: coverage per region`}
        inset
        columns={regionColumns(plan)}
        rows={plan.regions as TRegion[]}
        rowKey={(r: TRegion) => r.region}
        rowTestId="region-row"
        empty={{ title: "No regions." }}
      />
    </section>
  );
}

export function ServiceDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.service.byId.queryOptions({ id }));
  const apply = useMutation(
    trpc.service.applyPlan.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.service.pathKey() }),
    }),
  );
  const back = { href: "/services", label: "All services" };
  if (!query.data)
    return (
      <DetailPending back={back} what="service" error={query.isError ? query.error.message : undefined} />
    );
  const s = query.data;
  const live = s.replicas.filter((r) =>
    ["PENDING", "AWAITING_APPROVAL", "SCHEDULED", "RUNNING"].includes(r.state),
  );
  return (
    <>
      <BackLink {...back} />
      <PageHeader
        title={s.name}
        description={`${s.team.name} · serves ${s.model.name} ${s.model.version ?? ""} · ${s.gpuCount} GPU per replica, ${s.replicaCapacityRps} req/s each · ${s.minReplicas}–${s.maxReplicas} replicas · ${s.applyMode === "AUTO" ? "plans apply automatically" : "plans wait for someone to apply them"}`}
      />
      {s.replanReason ? (
        <p className="mb-3 text-sm text-muted">Will be planned again: {s.replanReason}</p>
      ) : null}
      <div className="grid gap-4">
        {s.proposal ? (
          <div className="grid gap-2">
            <PlanSection title="Proposal" plan={s.proposal} geo={s.geo} testId="service-proposal" />
            <div className="flex items-center gap-3">
              <button
                type="button"
                className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-accent-foreground disabled:opacity-50"
                disabled={apply.isPending}
                onClick={() => apply.mutate({ id: s.id, planId: s.proposal?.id })}
              >
                Apply
              </button>
              {apply.isError ? <span className="text-sm text-danger">{apply.error.message}</span> : null}
              {apply.data ? (
                <span className="text-sm" role="status">
                  {apply.data.created.length} replicas started, {apply.data.kept.length} kept,{" "}
                  {apply.data.cancelled.length} cancelled
                  {apply.data.shortfalls.length ? `; ${apply.data.shortfalls.length} could not start` : ""}.
                </span>
              ) : null}
            </div>
          </div>
        ) : null}
        {s.current ? (
          <PlanSection title="Plan in force" plan={s.current} geo={s.geo} testId="service-current" />
        ) : null}
        <section className="rounded-lg border border-border bg-surface">
          <h2 className="border-b border-border px-3 py-2 text-sm font-semibold">
            Replicas <span className="font-normal text-muted">· {live.length} live</span>
          </h2>
          <DataTable
            id="service-replicas"
            label="Replicas"
            inset
            columns={REPLICA_COLUMNS}
            rows={s.replicas}
            rowTestId="service-replica-row"
            empty={{ title: "No replicas yet: apply a plan." }}
          />
        </section>
      </div>
    </>
  );
}
