import type { Metadata } from "next";
import Link from "next/link";
import { DecidePanel } from "~/components/approval/decide-panel";
import { KindBadge, StatusBadge } from "~/components/badges";
import { BackLink } from "~/components/detail-pending";
import { DecisionExplanation } from "~/components/workload/decision-explanation";
import { formatUsd } from "~/lib/format";
import { formatBytes } from "~/lib/format-size";
import { formatDateTime } from "~/lib/format-time";
import { getServerApi } from "~/server/trpc";

export const metadata: Metadata = { title: "Approval request" };

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

export default async function ApprovalPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const api = await getServerApi();
  const r = await api.approval.byId({ id });
  const w = r.workload;
  const subject = w ? w.name : `copy of ${r.datasets[0]?.name ?? "a dataset"}`;
  const current = r.steps.find((s) => s.id === r.currentStepId);

  return (
    <>
      <BackLink href="/approvals" label="Approvals" />
      <div className="mb-5">
        <h1 className="flex items-center gap-3 text-xl font-semibold tracking-tight">
          <span>
            Approval for{" "}
            {w ? (
              <Link href={`/workloads/${w.id}`} className="hover:underline">
                {w.name}
              </Link>
            ) : (
              subject
            )}
          </span>
          <StatusBadge status={r.status} />
        </h1>
        <p className="mt-1 text-sm text-muted" data-testid="approval-summary">
          {r.summary}
        </p>
      </div>

      <div className="grid gap-5 xl:grid-cols-[2fr_1fr]">
        <div className="flex flex-col gap-5">
          {r.status === "PENDING" && current ? (
            r.canDecide.ok ? (
              <DecidePanel
                requestId={r.id}
                stepLabel={`step ${current.order} of ${r.steps.length}: ${current.approvers}`}
              />
            ) : (
              <p
                className="rounded-lg border border-border bg-surface p-4 text-sm text-muted"
                data-testid="cannot-decide"
              >
                Waiting for {current.approvers}. {r.canDecide.why}
              </p>
            )
          ) : null}

          <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="steps">
            <h2 id="steps" className="mb-2 text-sm font-semibold">
              Approval steps
            </h2>
            <ol className="flex flex-col gap-3" data-testid="approval-steps">
              {r.steps.map((s) => (
                <li key={s.id} className="rounded-md border border-border p-3" data-testid="approval-step">
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="font-medium">
                      {s.order}. {s.policy.name}
                    </span>
                    <span className="font-mono text-xs text-muted">
                      {s.policy.key} v{s.policy.version}
                    </span>
                    <StatusBadge status={s.status} />
                  </div>
                  <p className="mt-1 text-xs">{s.reason}</p>
                  <p className="mt-1 text-xs text-muted">
                    Approver: {s.approvers} · {s.approvals} of {s.requiredApprovals} approval
                    {s.requiredApprovals === 1 ? "" : "s"}
                  </p>
                  {s.decisions.length > 0 ? (
                    <ul className="mt-2 flex flex-col gap-1 text-xs">
                      {s.decisions.map((d) => (
                        <li key={d.id}>
                          <span className={d.verdict === "APPROVE" ? "text-status-ok" : "text-status-bad"}>
                            {d.verdict === "APPROVE" ? "Approved" : "Rejected"}
                          </span>{" "}
                          by {d.decider.name} ({d.decider.email}) · {formatDateTime(d.createdAt)}
                          {d.comment ? (
                            <blockquote className="mt-0.5 border-l-2 border-border pl-2">
                              {d.comment}
                            </blockquote>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>

          {r.decision ? (
            <DecisionExplanation decision={r.decision} askedSiteId={r.siteId} />
          ) : w ? (
            <p className="text-sm text-muted">The placement decision behind this request is gone.</p>
          ) : null}
        </div>

        <div className="flex flex-col gap-5">
          <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="request">
            <h2 id="request" className="mb-3 text-sm font-semibold">
              The request
            </h2>
            <dl className="grid grid-cols-2 gap-3">
              <Fact label="Destination">
                {r.site ? (
                  <span className="flex flex-wrap items-center gap-1.5">
                    <Link href={`/sites/${r.site.id}`} className="hover:underline">
                      {r.site.name}
                    </Link>
                    <KindBadge kind={r.site.kind} />
                  </span>
                ) : (
                  "—"
                )}
              </Fact>
              <Fact label="Jurisdiction">
                <span data-testid="approval-jurisdiction">
                  {r.site ? `${r.site.jurisdiction} · ${r.site.country}` : "—"}
                </span>
              </Fact>
              <Fact label="Estimated cost">
                <span data-testid="approval-cost">
                  {r.estimatedCostUsd === null ? "—" : formatUsd(r.estimatedCostUsd)}
                </span>
              </Fact>
              <Fact label="Certifications">{r.site?.certifications.join(", ") || "none"}</Fact>
              <Fact label="Requested by">
                {r.requestedBy.name}
                <div className="text-xs text-muted">{formatDateTime(r.createdAt)}</div>
              </Fact>
              <Fact label={r.status === "PENDING" ? "Expires" : "Decided"}>
                {formatDateTime(r.status === "PENDING" ? r.expiresAt : (r.decidedAt ?? r.updatedAt))}
              </Fact>
              {r.overrideReason ? <Fact label="Override reason">{r.overrideReason}</Fact> : null}
            </dl>
          </section>

          {w ? (
            <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="workload">
              <h2 id="workload" className="mb-2 text-sm font-semibold">
                Workload
              </h2>
              <p className="text-sm">
                <Link href={`/workloads/${w.id}`} className="font-medium hover:underline">
                  {w.name}
                </Link>{" "}
                <StatusBadge status={w.state} />
              </p>
              <p className="mt-1 text-xs text-muted">
                {w.kind.replace("_", " ").toLowerCase()} ·{" "}
                {w.gangNodes ? `${w.gangNodes} nodes × ${w.gpusPerNode} GPUs` : `${w.gpuCount} GPUs`} of{" "}
                {w.gpuModels.join(" / ") || "any model"} · {w.estimatedHours} h · priority {w.priority} ·{" "}
                {w.team.name} · submitted by {w.submittedBy.name}
              </p>
            </section>
          ) : null}
          {r.transfer ? (
            <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="copy">
              <h2 id="copy" className="mb-2 text-sm font-semibold">
                Dataset copy
              </h2>
              <p className="text-sm" data-testid="approval-copy">
                From {r.transfer.source.name} ({r.transfer.source.jurisdiction}) to {r.site?.name} (
                {r.site?.jurisdiction})
              </p>
              <p className="mt-1 text-xs text-muted">
                {formatBytes(r.transfer.bytes)} · egress {formatUsd(r.transfer.costUsd)} · about{" "}
                {Math.max(1, Math.round(r.transfer.etaSeconds / 60))} min · {r.transfer.status.toLowerCase()}
              </p>
            </section>
          ) : null}
          <section className="rounded-lg border border-border bg-surface p-4" aria-labelledby="datasets">
            <h2 id="datasets" className="text-sm font-semibold">
              {w ? "Datasets it reads" : "Dataset"}
            </h2>
            <ul className="mt-1 flex flex-col gap-2 text-sm" data-testid="approval-datasets">
              {r.datasets.length === 0 ? <li className="text-muted">None</li> : null}
              {r.datasets.map((d) => (
                <li key={d.id}>
                  <Link href={`/datasets/${d.id}`} className="hover:underline">
                    {d.name}
                  </Link>{" "}
                  <span className="text-xs font-medium">{d.classification}</span>
                  <div className="text-xs text-muted">
                    {formatBytes(d.sizeBytes)}
                    {d.regulations.length > 0 ? ` · ${d.regulations.join(", ")}` : ""}
                    {d.onPremOnly
                      ? " · on-prem only"
                      : d.residencyJurisdictions.length + d.residencyCountries.length > 0
                        ? ` · must stay in ${[...d.residencyJurisdictions, ...d.residencyCountries].join(", ")}`
                        : ""}
                    {d.stewards.length > 0
                      ? ` · stewards: ${d.stewards.map((s) => s.user.name).join(", ")}`
                      : ""}
                  </div>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </>
  );
}
