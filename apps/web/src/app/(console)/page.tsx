import type { Metadata } from "next";
import Link from "next/link";
import { SITE_KIND_LABEL, StatusBadge } from "~/components/badges";
import { OverviewDashboards } from "~/components/dashboard/overview-dashboards";
import { PageHeader } from "~/components/page-header";
import { formatInt, formatPercent } from "~/lib/format";
import { getServerApi } from "~/server/trpc";
import { GpuCapacityChart } from "./_components/gpu-capacity-chart";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const api = await getServerApi();
  const overview = await api.overview.get();
  const totals = overview.gpusByEnvironment.reduce(
    (acc, env) => ({
      total: acc.total + env.total,
      allocated: acc.allocated + env.allocated,
      free: acc.free + env.free,
    }),
    { total: 0, allocated: 0, free: 0 },
  );
  const stats = [
    { label: "Sites", value: overview.counts.sites, href: "/sites" },
    { label: "GPU nodes", value: overview.counts.nodes, href: "/nodes" },
    { label: "Datasets", value: overview.counts.datasets, href: "/datasets" },
    { label: "Workloads", value: overview.counts.workloads, href: "/workloads" },
    { label: "GPUs", value: totals.total, href: "/nodes" },
    {
      label: "GPUs allocated",
      value: totals.allocated,
      hint: formatPercent(totals.allocated, totals.total),
      href: "/workloads?state=RUNNING",
    },
  ];

  return (
    <>
      <PageHeader
        title="Overview"
        description="GPUs, sites and work across every environment, live from the database."
      />
      <section aria-label="Counts" className="mb-5 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        {stats.map((stat) => (
          <Link
            key={stat.label}
            href={stat.href}
            className="rounded-lg border border-border bg-surface px-4 py-3 hover:border-accent/50"
            data-testid={`stat-${stat.label}`}
          >
            <div className="text-xs text-muted">{stat.label}</div>
            <div className="mt-1 text-2xl font-semibold tabular-nums">
              {formatInt(stat.value)}
              {stat.hint ? <span className="ml-2 text-sm font-normal text-muted">{stat.hint}</span> : null}
            </div>
          </Link>
        ))}
      </section>

      <div className="grid gap-5 xl:grid-cols-[2fr_1fr]">
        <section
          aria-labelledby="gpu-chart-title"
          className="min-w-0 rounded-lg border border-border bg-surface p-4"
        >
          <h2 id="gpu-chart-title" className="mb-3 text-sm font-semibold">
            GPUs by environment
          </h2>
          <GpuCapacityChart data={overview.gpusByEnvironment} />
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-sm tabular-nums">
              <thead className="text-left text-xs text-muted">
                <tr>
                  <th className="px-2 py-1 font-medium">Environment</th>
                  <th className="px-2 py-1 text-right font-medium">Sites</th>
                  <th className="px-2 py-1 text-right font-medium">Nodes</th>
                  <th className="px-2 py-1 text-right font-medium">Total</th>
                  <th className="px-2 py-1 text-right font-medium">Allocated</th>
                  <th className="px-2 py-1 text-right font-medium">Free</th>
                  <th className="px-2 py-1 text-right font-medium">Unavailable</th>
                </tr>
              </thead>
              <tbody>
                {overview.gpusByEnvironment.map((env) => (
                  <tr key={env.kind} className="border-t border-border" data-testid={`env-row-${env.kind}`}>
                    <td className="px-2 py-1.5">
                      <Link href={`/sites?kind=${env.kind}`} className="hover:underline">
                        {SITE_KIND_LABEL[env.kind]}
                      </Link>
                    </td>
                    <td className="px-2 py-1.5 text-right">{formatInt(env.sites)}</td>
                    <td className="px-2 py-1.5 text-right">{formatInt(env.nodes)}</td>
                    <td className="px-2 py-1.5 text-right">{formatInt(env.total)}</td>
                    <td className="px-2 py-1.5 text-right">{formatInt(env.allocated)}</td>
                    <td className="px-2 py-1.5 text-right">{formatInt(env.free)}</td>
                    <td className="px-2 py-1.5 text-right">{formatInt(env.unavailable)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section
          aria-labelledby="workload-states-title"
          className="min-w-0 rounded-lg border border-border bg-surface p-4"
        >
          <h2 id="workload-states-title" className="mb-3 text-sm font-semibold">
            Workloads by state
          </h2>
          {overview.workloadsByState.length === 0 ? (
            <p className="text-sm text-muted">No workloads yet.</p>
          ) : (
            <ul className="divide-y divide-border text-sm">
              {overview.workloadsByState.map((row) => (
                <li key={row.state}>
                  <Link
                    href={`/workloads?state=${row.state}`}
                    className="flex items-center justify-between py-1.5 hover:bg-foreground/5"
                    data-testid={`workload-state-${row.state}`}
                  >
                    <StatusBadge status={row.state} />
                    <span className="tabular-nums">{formatInt(row.count)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <h2 className="mt-5 mb-2 text-sm font-semibold">Nodes by status</h2>
          <ul className="divide-y divide-border text-sm">
            {overview.nodesByStatus.map((row) => (
              <li key={row.status}>
                <Link
                  href={`/nodes?status=${row.status}`}
                  className="flex items-center justify-between py-1.5 hover:bg-foreground/5"
                  data-testid={`node-status-${row.status}`}
                >
                  <StatusBadge status={row.status} />
                  <span className="tabular-nums">{formatInt(row.count)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <OverviewDashboards />
    </>
  );
}
