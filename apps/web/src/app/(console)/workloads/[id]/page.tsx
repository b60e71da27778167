import { isEstateEditor, operateWorkloadRefusal } from "@switchyard/api/rules";
import type { Metadata } from "next";
import Link from "next/link";
import { KindBadge, StatusBadge } from "~/components/badges";
import { QueueStanding } from "~/components/queue/queue-standing";
import { DecisionExplanation } from "~/components/workload/decision-explanation";
import { EvidenceLinks } from "~/components/workload/evidence-links";
import { TransferActions } from "~/components/workload/transfer-actions";
import { WorkloadActions } from "~/components/workload/workload-actions";
import { formatInt, formatUsd } from "~/lib/format";
import { formatDateTime } from "~/lib/format-time";
import { getActor } from "~/server/actor";
import { getServerApi } from "~/server/trpc";

export const metadata: Metadata = { title: "Workload" };

export default async function WorkloadPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [api, actor] = await Promise.all([getServerApi(), getActor()]);
  const w = await api.workload.byId({ id });
  const isEditor = isEstateEditor(actor.role);
  // Only FORBIDDEN can come back here: byId has already answered NOT_FOUND for a hidden workload.
  const refusal = operateWorkloadRefusal(actor, w.teamId)?.message ?? null;
  const gpus = w.gangNodes ? `${w.gangNodes} nodes × ${w.gpusPerNode} GPUs` : `${w.gpuCount} GPUs`;

  return (
    <>
      <div className="mb-5 flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs text-muted">
            <Link href="/workloads" className="hover:underline">
              Workloads
            </Link>{" "}
            / {w.team.name}
          </p>
          <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold tracking-tight">
            {w.name} <StatusBadge status={w.state} />
          </h1>
          <p className="mt-1 text-sm text-muted">
            {w.kind.replace("_", " ").toLowerCase()} · {gpus} of{" "}
            {w.gpuModels.join(" / ") || `≥ ${w.minGpuMemoryGib} GiB`} · {w.estimatedHours} h · priority{" "}
            {w.priority}
            {w.preemptible ? " · preemptible" : ""}
            {w.budgetUsd !== null ? ` · budget ${formatUsd(w.budgetUsd)}` : ""} · submitted by{" "}
            {w.submittedBy.name}
          </p>
          {w.stateReason ? (
            <p className="mt-1 text-sm" data-testid="state-reason">
              {w.stateReason}
            </p>
          ) : null}
        </div>
        <EvidenceLinks workloadId={w.id} />
      </div>

      <div className="grid gap-5 xl:grid-cols-[2fr_1fr]">
        <div className="flex flex-col gap-5">
          <WorkloadActions workload={w} refusal={refusal} />
          {w.approvals.length > 0 ? (
            <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="approvals">
              <h2 id="approvals" className="mb-2 text-sm font-semibold">
                Approvals
              </h2>
              <ul className="flex flex-col gap-2 text-sm" data-testid="workload-approvals">
                {w.approvals.map((a) => (
                  <li key={a.id} className="flex flex-wrap items-center gap-2">
                    <StatusBadge status={a.status} />
                    <Link href={`/approvals/${a.id}`} className="hover:underline">
                      {a.summary.split(": ").slice(1).join(": ") || a.summary}
                    </Link>
                    <span className="text-xs text-muted">
                      {a.status === "PENDING"
                        ? `expires ${formatDateTime(a.expiresAt)}`
                        : a.decidedAt
                          ? formatDateTime(a.decidedAt)
                          : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {w.decision ? (
            <DecisionExplanation
              decision={w.decision}
              askedSiteId={w.approvals.find((a) => a.status === "PENDING")?.siteId ?? null}
            />
          ) : (
            <p className="text-sm text-muted">Not placed yet.</p>
          )}
        </div>
        <div className="flex flex-col gap-5">
          <QueueStanding workloadId={w.id} />
          <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="where">
            <h2 id="where" className="mb-2 text-sm font-semibold">
              Where it runs
            </h2>
            {w.site ? (
              <p className="flex items-center gap-2 text-sm">
                <Link href={`/sites/${w.site.id}`} className="hover:underline">
                  {w.site.name}
                </Link>
                <KindBadge kind={w.site.kind} />
              </p>
            ) : (
              <p className="text-sm text-muted">No site: not scheduled.</p>
            )}
            <ul className="mt-2 text-xs">
              {w.allocations.map((a) => (
                <li key={a.node.id} className="flex justify-between">
                  <Link href={`/nodes/${a.node.id}`} className="font-mono hover:underline">
                    {a.node.hostname}
                  </Link>
                  <span className="tabular-nums">
                    {a.gpus} × {a.node.gpuModel}
                  </span>
                </li>
              ))}
            </ul>
            {w.command ? (
              <>
                <h3 className="mt-3 text-xs font-semibold text-muted">Command</h3>
                <pre
                  className="overflow-x-auto rounded bg-foreground/5 p-2 font-mono text-xs"
                  data-testid="workload-command"
                >
                  {w.command}
                </pre>
              </>
            ) : null}
            {w.image ? (
              <>
                <h3 className="mt-3 text-xs font-semibold text-muted">Container image</h3>
                <p className="font-mono text-xs" data-testid="workload-image">
                  {w.image}
                </p>
              </>
            ) : null}
            {w.datasets.length > 0 ? (
              <>
                <h3 className="mt-3 text-xs font-semibold text-muted">Datasets</h3>
                <ul className="text-sm">
                  {w.datasets.map(({ dataset }) => (
                    <li key={dataset.id}>
                      <Link
                        href={dataset.kind === "MODEL" ? `/models/${dataset.id}` : `/datasets/${dataset.id}`}
                        className="hover:underline"
                      >
                        {dataset.name}
                      </Link>{" "}
                      <span className="text-xs text-muted">{dataset.classification.toLowerCase()}</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {w.output ? (
              <>
                <h3 className="mt-3 text-xs font-semibold text-muted">Model produced</h3>
                <p className="text-sm">
                  <Link
                    href={`/models/${w.output.id}`}
                    className="hover:underline"
                    data-testid="workload-output"
                  >
                    {w.output.name} {w.output.version}
                  </Link>
                </p>
              </>
            ) : null}
            {w.transfers.length > 0 ? (
              <>
                <h3 className="mt-3 text-xs font-semibold text-muted">Data transfers</h3>
                <ul className="text-xs">
                  {w.transfers.map((t) => (
                    <li key={t.id}>
                      {t.dataset.name} from {t.sourceSite.name}:{" "}
                      {formatInt(Math.round(Number(t.bytes) / 1024 ** 3))} GiB, {formatUsd(t.costUsd)}, ~
                      {Math.round(t.etaSeconds / 60)} min · {t.status.toLowerCase()}
                      {isEditor && t.status !== "COMPLETED" && t.status !== "CANCELLED" ? (
                        <TransferActions transferId={t.id} />
                      ) : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {w.dependsOn.length > 0 ? (
              <>
                <h3 className="mt-3 text-xs font-semibold text-muted">Runs after</h3>
                <ul className="text-sm">
                  {w.dependsOn.map(({ dependsOn: p }) => (
                    <li key={p.id}>
                      <Link href={`/workloads/${p.id}`} className="hover:underline">
                        {p.name}
                      </Link>{" "}
                      <StatusBadge status={p.state} />
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>

          {w.externalJobs[0] ? <ExternalJobPanel workloadId={w.id} job={w.externalJobs[0]} /> : null}

          <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="timeline">
            <h2 id="timeline" className="mb-2 text-sm font-semibold">
              Timeline
            </h2>
            <ol className="relative border-l border-border pl-4" data-testid="timeline">
              {w.events.map((e) => (
                <li key={e.id} className="mb-3" data-testid="timeline-event">
                  <span className="absolute -left-1 mt-1.5 size-2 rounded-full bg-accent" />
                  <div className="flex items-center gap-2 text-sm">
                    <StatusBadge status={e.toState} />
                    <span className="text-xs tabular-nums text-muted">
                      {e.createdAt.toISOString().slice(0, 19).replace("T", " ")} UTC
                    </span>
                  </div>
                  <div className="text-xs">
                    {e.reason}
                    {e.actor ? <span className="text-muted"> · {e.actor.name}</span> : null}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </>
  );
}

type TExternalJob = {
  kind: string;
  externalId: string | null;
  externalState: string | null;
  externalReason: string | null;
  nodes: string | null;
  exitCode: number | null;
  lastError: string | null;
  attempts: number;
};

/** The scheduler's job of the latest hand-over: id, live state, how to look at it, the download. */
function ExternalJobPanel({ workloadId, job }: { workloadId: string; job: TExternalJob }) {
  const isKube = job.kind === "KUBERNETES";
  const [namespace, name] = isKube && job.externalId ? job.externalId.split("/") : [];
  const download = `/api/workloads/${encodeURIComponent(workloadId)}/${isKube ? "manifest" : "sbatch"}`;
  return (
    <section
      className="rounded-lg border border-border bg-surface p-4"
      aria-labelledby="scheduler"
      data-testid="external-job"
    >
      <h2 id="scheduler" className="mb-2 text-sm font-semibold">
        {isKube ? "Kubernetes Job" : "Slurm job"}
      </h2>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-muted">{isKube ? "Job" : "Job id"}</dt>
        <dd className="font-mono" data-testid="external-job-id">
          {job.externalId ?? (isKube ? "not applied yet" : "not submitted yet")}
        </dd>
        <dt className="text-muted">{isKube ? "Kubernetes state" : "Slurm state"}</dt>
        <dd data-testid="external-job-state">
          {job.externalState ?? "—"}
          {job.externalReason ? <span className="text-xs text-muted"> ({job.externalReason})</span> : null}
        </dd>
        {job.nodes ? (
          <>
            <dt className="text-muted">Nodes</dt>
            <dd className="font-mono text-xs">{job.nodes}</dd>
          </>
        ) : null}
        {job.exitCode !== null ? (
          <>
            <dt className="text-muted">Exit code</dt>
            <dd className="tabular-nums">{job.exitCode}</dd>
          </>
        ) : null}
        {job.lastError ? (
          <>
            <dt className="text-status-bad">Last error</dt>
            <dd className="text-status-bad">
              {job.lastError} (attempt {job.attempts})
            </dd>
          </>
        ) : null}
      </dl>
      {job.externalId ? (
        <p className="mt-2 text-xs text-muted" data-testid="external-job-command">
          On the cluster:{" "}
          {isKube ? (
            <>
              <code className="font-mono">
                kubectl -n {namespace} get job {name}
              </code>{" "}
              (Kueue: <code className="font-mono">kubectl -n {namespace} get workloads.kueue.x-k8s.io</code>)
            </>
          ) : (
            <>
              <code className="font-mono">squeue -j {job.externalId}</code> or{" "}
              <code className="font-mono">scontrol show job {job.externalId}</code>
            </>
          )}
        </p>
      ) : null}
      <a
        href={download}
        className="mt-2 inline-block text-sm text-accent hover:underline"
        data-testid={isKube ? "download-manifest" : "download-sbatch"}
      >
        {isKube ? "Download manifest (YAML)" : "Download sbatch script"}
      </a>
    </section>
  );
}
