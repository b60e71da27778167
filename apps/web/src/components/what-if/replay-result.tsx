"use client";

import type { RouterOutputs } from "@switchyard/api";
import { DataTable, type TColumn } from "~/components/table/data-table";
import { formatUsd } from "~/lib/format";

type TReplay = RouterOutputs["whatIf"]["preview"];
type TWorkloadRow = TReplay["workloads"][number];
type TTeamRow = TReplay["teams"][number];
type TServiceRow = TReplay["services"][number];

const usd = formatUsd;
const signed = (v: number) => (v > 0 ? `+${formatUsd(v)}` : formatUsd(v));
const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);

const CHANGE_WORDS: Record<TWorkloadRow["change"], string> = {
  moved: "Moves",
  unplaceable: "No longer fits",
  placed: "Fits after the change",
};

const WORKLOAD_COLUMNS: TColumn<TWorkloadRow>[] = [
  {
    id: "workload",
    header: "Workload",
    cell: (w) => (
      <>
        <a href={`/workloads/${w.workloadId}`} className="font-medium hover:underline">
          {w.name}
        </a>
        <div className="text-xs text-muted">
          {w.running
            ? `runs now at ${w.currentSite?.name ?? "a site"}`
            : w.state.toLowerCase().replace("_", " ")}
        </div>
      </>
    ),
  },
  { id: "team", header: "Team", hideable: true, cell: (w) => w.teamName },
  {
    id: "change",
    header: "Change",
    testId: "what-if-change-kind",
    cell: (w) => (
      <span
        className={
          w.change === "unplaceable" ? "text-status-bad" : w.change === "placed" ? "text-status-ok" : ""
        }
      >
        {CHANGE_WORDS[w.change]}
        {w.change === "moved" && w.sameSite ? " (other nodes, same site)" : ""}
      </span>
    ),
  },
  { id: "from", header: "From", cell: (w) => w.before?.siteName ?? "—" },
  {
    id: "to",
    header: "To",
    cell: (w) => w.after?.siteName ?? <span className="text-xs text-muted">{w.reason ?? "nowhere"}</span>,
  },
  { id: "cost", header: "Cost delta", align: "number", cell: (w) => signed(w.costDeltaUsd) },
  {
    id: "latency",
    header: "Latency",
    align: "number",
    hideable: true,
    cell: (w) =>
      w.before?.latencyMs != null || w.after?.latencyMs != null
        ? `${ms(w.before?.latencyMs ?? null)} → ${ms(w.after?.latencyMs ?? null)}`
        : "—",
  },
];

const TEAM_COLUMNS: TColumn<TTeamRow>[] = [
  { id: "team", header: "Team", cell: (t) => t.teamName },
  { id: "workloads", header: "Workloads", align: "number", cell: (t) => t.workloads },
  { id: "before", header: "Cost as is", align: "number", cell: (t) => usd(t.beforeUsd) },
  { id: "after", header: "Cost after", align: "number", cell: (t) => usd(t.afterUsd) },
  {
    id: "delta",
    header: "Delta",
    align: "number",
    testId: "what-if-team-delta",
    cell: (t) => signed(t.deltaUsd),
  },
  {
    id: "latency",
    header: "Mean latency",
    align: "number",
    cell: (t) => `${ms(t.beforeLatencyMs)} → ${ms(t.afterLatencyMs)}`,
  },
  { id: "moved", header: "Moves", align: "number", cell: (t) => t.moved },
  { id: "unplaceable", header: "No longer fit", align: "number", cell: (t) => t.unplaceable },
];

const site = (s: { siteName: string } | null, none: string) => s?.siteName ?? none;

const SERVICE_COLUMNS: TColumn<TServiceRow>[] = [
  {
    id: "service",
    header: "Service",
    cell: (s) => (
      <>
        <a href={`/services/${s.serviceId}`} className="font-medium hover:underline">
          {s.name}
        </a>
        <div className="text-xs text-muted">{s.teamName}</div>
      </>
    ),
  },
  {
    id: "lost",
    header: "Regions losing SLO",
    testId: "what-if-service-lost",
    cell: (s) =>
      s.error ? (
        <span className="text-status-bad">{s.error}</span>
      ) : s.lostRegions.length === 0 ? (
        <span className="text-muted">None</span>
      ) : (
        <ul className="flex flex-col gap-1">
          {s.lostRegions.map((r) => (
            <li key={r.region}>
              <span className="font-medium text-status-bad">{r.region}</span>{" "}
              <span className="text-xs">
                ({r.after.servedRps}/{r.after.demandRps} req/s within {r.after.maxLatencyMs} ms)
              </span>
              {r.reason ? <div className="text-xs text-muted">{r.reason}</div> : null}
            </li>
          ))}
        </ul>
      ),
  },
  {
    id: "moves",
    header: "Replicas moved",
    testId: "what-if-service-moves",
    cell: (s) =>
      s.moves.length === 0 ? (
        <span className="text-muted">
          None ({s.replicasBefore} replica{s.replicasBefore === 1 ? "" : "s"})
        </span>
      ) : (
        <ul className="flex flex-col gap-0.5 text-xs">
          {s.moves.map((m) => (
            <li key={`${m.from?.siteId ?? ""}>${m.to?.siteId ?? ""}`}>
              {m.replicas} × {site(m.from, "new")} → {site(m.to, "dropped")}
            </li>
          ))}
        </ul>
      ),
  },
  {
    id: "replicas",
    header: "Replicas",
    align: "number",
    hideable: true,
    cell: (s) => `${s.replicasBefore} → ${s.replicasAfter}`,
  },
  {
    id: "cost",
    header: "Cost delta/h",
    align: "number",
    testId: "what-if-service-cost",
    cell: (s) => signed(s.costDeltaUsdPerHour),
  },
];

/**
 * What the replay found: a summary line, the bound, the workloads that change, the inference
 * services (regions losing SLO, replicas moved, cost per hour), and each team's deltas.
 */
export function ReplayResult({ result }: { result: TReplay }) {
  const t = result.totals;
  return (
    <section aria-label="What-if result" data-testid="what-if-result" className="flex flex-col gap-4">
      <div className="rounded-lg border border-border bg-surface p-3 text-sm">
        <p data-testid="what-if-summary">
          {t.workloads} workloads replayed: <strong>{t.moved}</strong> move, <strong>{t.unplaceable}</strong>{" "}
          no longer fit, <strong>{t.placed}</strong> fit only after the change. Cost {usd(t.beforeUsd)} →{" "}
          {usd(t.afterUsd)} ({signed(t.deltaUsd)}){result.complete ? "" : ", for the teams you see"}.
        </p>
        <p className="mt-1 text-xs text-muted" data-testid="what-if-bound">
          With the changes: {result.bound.scenario.summary}. As is: {result.bound.baseline.summary}. Nothing
          in the estate changed.
        </p>
        {result.services.length > 0 ? (
          <p className="mt-1 text-xs" data-testid="what-if-services-summary">
            {result.services.length} inference service{result.services.length === 1 ? "" : "s"} replayed:{" "}
            <strong>{result.services.reduce((n, s) => n + s.lostRegions.length, 0)}</strong> region
            {result.services.reduce((n, s) => n + s.lostRegions.length, 0) === 1 ? "" : "s"} lose their SLO,{" "}
            <strong>{result.services.reduce((n, s) => n + s.replicasMoved, 0)}</strong> replicas move, cost{" "}
            {signed(Math.round(result.services.reduce((n, s) => n + s.costDeltaUsdPerHour, 0) * 100) / 100)}
            /h.
          </p>
        ) : null}
        {result.drainedNodes.length > 0 ? (
          <p className="mt-1 text-xs text-muted">
            {result.drainedNodes.length} node{result.drainedNodes.length === 1 ? "" : "s"} drained or lost
            {result.drainedNodes.length <= 6
              ? `: ${result.drainedNodes.map((n) => n.hostname).join(", ")}`
              : ""}
            .
          </p>
        ) : null}
      </div>
      <DataTable
        id="what-if-workloads"
        label="Workloads whose placement changes"
        rows={result.workloads}
        rowKey={(w) => w.workloadId}
        columns={WORKLOAD_COLUMNS}
        empty={{ title: "No workload moves or stops fitting." }}
      />
      <DataTable
        id="what-if-services"
        label="Services"
        rows={result.services}
        rowKey={(r) => r.serviceId}
        columns={SERVICE_COLUMNS}
        empty={{ title: "No inference service you see is running." }}
      />
      <DataTable
        id="what-if-teams"
        label="Cost and latency per team"
        rows={result.teams}
        rowKey={(r) => r.teamId}
        columns={TEAM_COLUMNS}
        empty={{ title: "No team has work to replay." }}
      />
    </section>
  );
}
