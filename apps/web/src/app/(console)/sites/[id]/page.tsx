import { ESTATE_EDITOR_ROLES, roleRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import Link from "next/link";
import { KindBadge, StatusBadge } from "~/components/badges";
import { DisabledControl } from "~/components/disabled-reason";
import { DecommissionButton } from "~/components/site/decommission-button";
import { ExecutorEditor } from "~/components/site/executor-panel";
import { ExecutorNodesTable, SitePoolsTable } from "~/components/site/site-tables";
import { formatInt, formatPercent, formatUsd } from "~/lib/format";
import { formatAgo, formatDateTime } from "~/lib/format-time";
import { getSessionUser } from "~/server/auth";
import { getServerApi } from "~/server/trpc";

export const metadata: Metadata = { title: "Site" };

const GIB = 1024 ** 3;

export default async function SitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [api, user] = await Promise.all([getServerApi(), getSessionUser()]);
  const [site, executor] = await Promise.all([api.site.byId({ id }), api.executor.bySite({ siteId: id })]);
  const editRefusal = roleRefusal(user?.role, ESTATE_EDITOR_ROLES, "edit or decommission sites");
  const isEditor = editRefusal === null;
  const isLive = site.status !== "DECOMMISSIONED";

  return (
    <>
      <div className="mb-5 flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs text-muted">
            <Link href="/sites" className="hover:underline">
              Sites
            </Link>{" "}
            / {site.slug}
          </p>
          <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold tracking-tight">
            {site.name} <KindBadge kind={site.kind} /> <StatusBadge status={site.status} />
          </h1>
          <p className="mt-1 text-sm text-muted">
            {site.provider} · {site.region} · {site.country} ({site.jurisdiction}) · {site.wanGbps} Gbit/s WAN
            · egress {formatUsd(site.egressUsdPerGb)}/GB · {site.carbonGPerKwh} gCO₂/kWh
          </p>
        </div>
        {isEditor && isLive ? (
          <div className="flex items-start gap-2">
            <Link
              href={`/sites/${site.id}/edit`}
              className="rounded-md border border-border px-3 py-1.5 text-sm hover:bg-foreground/5"
            >
              Edit
            </Link>
            <DecommissionButton siteId={site.id} siteName={site.name} />
          </div>
        ) : editRefusal && isLive ? (
          <DisabledControl
            id="edit-site-reason"
            reason={editRefusal}
            className="rounded-md border border-border px-3 py-1.5 text-sm"
          >
            Edit
          </DisabledControl>
        ) : null}
      </div>

      <div className="grid gap-5 xl:grid-cols-3">
        <section
          className="rounded-lg border border-border bg-surface p-4 xl:col-span-2"
          aria-labelledby="capacity"
        >
          <h2 id="capacity" className="mb-2 text-sm font-semibold">
            Capacity
          </h2>
          <p className="text-sm" data-testid="site-capacity">
            <span className="text-2xl font-semibold tabular-nums">
              {formatInt(site.capacity.gpusAllocated)}
            </span>{" "}
            of{" "}
            <Link href={`/nodes?siteId=${site.id}`} className="hover:underline">
              {formatInt(site.capacity.gpusTotal)} GPUs
            </Link>{" "}
            allocated ({formatPercent(site.capacity.gpusAllocated, site.capacity.gpusTotal)})
          </p>
          <div className="mt-2 h-2 overflow-hidden rounded bg-foreground/10">
            <div
              className="h-full bg-accent"
              style={{ width: `${Math.round(site.capacity.utilisation * 100)}%` }}
            />
          </div>
          <SitePoolsTable siteId={site.id} pools={site.pools} />
        </section>

        <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="prices">
          <h2 id="prices" className="mb-2 text-sm font-semibold">
            Price per GPU-hour
          </h2>
          <table className="w-full text-sm tabular-nums" data-testid="site-prices">
            <tbody>
              {site.prices.map((price) => (
                <tr
                  key={price.gpuModel}
                  className="border-t border-border first:border-t-0"
                  title={price.source}
                >
                  <td className="py-1.5">{price.gpuModel}</td>
                  <td className="py-1.5 text-right">{formatUsd(price.usdPerGpuHour)}</td>
                  <td className="py-1.5 text-right text-xs text-muted">
                    {price.spotUsdPerGpuHour === null ? "" : `spot ${formatUsd(price.spotUsdPerGpuHour)}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {site.prices.length === 0 ? (
            <p className="text-sm text-muted">No prices: the engine cannot cost work here.</p>
          ) : null}
          <h2 className="mt-5 mb-2 text-sm font-semibold">Certifications</h2>
          <p className="flex flex-wrap gap-1.5">
            {site.certifications.map((c) => (
              <span key={c} className="rounded border border-border px-1.5 py-0.5 text-xs">
                {c}
              </span>
            ))}
            {site.certifications.length === 0 ? (
              <span className="text-sm text-muted">None recorded.</span>
            ) : null}
          </p>
        </section>

        <section
          className="rounded-lg border border-border bg-surface p-4 xl:col-span-2"
          aria-labelledby="executor"
          data-testid="site-executor"
        >
          <h2 id="executor" className="mb-2 text-sm font-semibold">
            Executor:{" "}
            {executor.kind === "MANUAL" ? "manual" : executor.kind === "SLURM" ? "Slurm" : "Kubernetes"}
          </h2>
          {executor.kind === "MANUAL" ? (
            <p className="text-sm text-muted">
              People report this site's lifecycle (started, finished) by hand; nothing is handed to a
              scheduler.
            </p>
          ) : (
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              {executor.kind === "SLURM" ? (
                <>
                  <dt className="text-muted">slurmrestd</dt>
                  <dd className="font-mono text-xs">{executor.endpoint}</dd>
                  <dt className="text-muted">User</dt>
                  <dd>
                    {executor.userName} · token {executor.hasCredential ? "stored (encrypted)" : "missing"}
                  </dd>
                  <dt className="text-muted">Partitions</dt>
                  <dd>
                    {Object.entries(executor.partitions)
                      .map(([model, partition]) => `${model} → ${partition}`)
                      .join(", ")}
                  </dd>
                </>
              ) : (
                <>
                  <dt className="text-muted">API server</dt>
                  <dd className="font-mono text-xs">{executor.endpoint}</dd>
                  <dt className="text-muted">Credentials</dt>
                  <dd>
                    bearer token {executor.hasCredential ? "stored (encrypted)" : "missing"} · CA bundle{" "}
                    {executor.caBundle ? "given" : "none (system CAs)"}
                  </dd>
                  <dt className="text-muted">Teams</dt>
                  <dd data-testid="executor-teams">
                    {Object.entries(executor.teams)
                      .map(([team, t]) => `${team} → namespace ${t.namespace}, LocalQueue ${t.localQueue}`)
                      .join("; ")}
                  </dd>
                  <dt className="text-muted">Nodes</dt>
                  <dd className="font-mono text-xs">
                    {executor.nodePoolLabel
                      ? `node pool ${executor.nodePoolLabel}`
                      : "the placed nodes (kubernetes.io/hostname)"}
                  </dd>
                </>
              )}
              <dt className="text-muted">Last sync</dt>
              <dd data-testid="executor-last-sync">
                {executor.lastSyncAt
                  ? `${formatAgo(executor.lastSyncAt)} (${formatDateTime(executor.lastSyncAt)})`
                  : "never"}
              </dd>
              <dt className="text-muted">Jobs open</dt>
              <dd>{formatInt(executor.openJobs)}</dd>
              {executor.lastError ? (
                <>
                  <dt className="text-status-bad">Last error</dt>
                  <dd className="text-status-bad" data-testid="executor-last-error">
                    {executor.lastError}
                    {executor.lastErrorAt ? ` (${formatAgo(executor.lastErrorAt)})` : ""}
                  </dd>
                </>
              ) : null}
            </dl>
          )}
          {executor.nodes.length > 0 ? <ExecutorNodesTable nodes={executor.nodes} /> : null}
          {isEditor && isLive ? <ExecutorEditor view={executor} /> : null}
        </section>

        <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="latency">
          <h2 id="latency" className="mb-2 text-sm font-semibold">
            Latency to user regions
          </h2>
          <table className="w-full text-sm tabular-nums">
            <tbody>
              {site.latencies.map((l) => (
                <tr key={l.userRegion} className="border-t border-border first:border-t-0">
                  <td className="py-1.5 font-mono text-xs">{l.userRegion}</td>
                  <td className="py-1.5 text-right">{l.latencyMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="running">
          <h2 id="running" className="mb-2 text-sm font-semibold">
            Workloads here ({site.activeWorkloads.length})
          </h2>
          <ul className="divide-y divide-border text-sm">
            {site.activeWorkloads.map((w) => (
              <li key={w.id} className="flex items-center justify-between py-1.5">
                <span>
                  {w.name} <span className="text-xs text-muted">{w.team}</span>
                </span>
                <span className="flex items-center gap-3">
                  <span className="tabular-nums text-muted">{w.gpuCount} GPUs</span>
                  <StatusBadge status={w.state} />
                </span>
              </li>
            ))}
          </ul>
          {site.otherTeamsWorkloads.count > 0 ? (
            <p className="pt-1.5 text-sm text-muted" data-testid="other-teams-workloads">
              and {site.otherTeamsWorkloads.count} of other teams ({site.otherTeamsWorkloads.gpus} GPUs)
            </p>
          ) : site.activeWorkloads.length === 0 ? (
            <p className="text-sm text-muted">Nothing scheduled or running.</p>
          ) : null}
        </section>

        <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="replicas">
          <h2 id="replicas" className="mb-2 text-sm font-semibold">
            Dataset replicas ({site.replicas.length})
          </h2>
          <ul className="divide-y divide-border text-sm">
            {site.replicas.map((r) => (
              <li key={r.id} className="flex items-center justify-between py-1.5">
                <Link href={`/datasets/${r.id}`} className="hover:underline">
                  {r.name}
                </Link>
                <span className="flex items-center gap-3 text-xs text-muted">
                  <span className="tabular-nums">{formatInt(Math.round(Number(r.sizeBytes) / GIB))} GiB</span>
                  <StatusBadge status={r.classification} />
                </span>
              </li>
            ))}
          </ul>
          {site.replicas.length === 0 ? (
            <p className="text-sm text-muted">No datasets are held here.</p>
          ) : null}
        </section>
      </div>
    </>
  );
}
