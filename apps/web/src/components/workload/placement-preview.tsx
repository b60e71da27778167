"use client";

import type { RouterOutputs } from "@switchyard/api";
import { KindBadge } from "~/components/badges";
import { formatUsd } from "~/lib/format";
import { ApprovalNeeds } from "./approval-needs";

type TResult = RouterOutputs["workload"]["preview"];

/** The engine's answer as the form is filled in: the top candidates and why the others fail. */
export function PlacementPreview({
  result,
  isPending,
  error,
}: {
  result: TResult | undefined;
  isPending: boolean;
  error: string | null;
}) {
  return (
    <aside
      className="rounded-lg border border-border bg-surface p-4"
      aria-label="Placement preview"
      data-testid="placement-preview"
    >
      <h2 className="mb-2 flex items-center justify-between text-sm font-semibold">
        Placement preview{" "}
        {isPending ? <span className="text-xs font-normal text-muted">updating…</span> : null}
      </h2>
      {error ? <p className="text-sm text-status-bad">{error}</p> : null}
      {!result && !error ? (
        <p className="text-sm text-muted">Fill in the GPUs, hours and team to see where this would run.</p>
      ) : null}
      {result ? (
        <>
          <p className="mb-3 text-sm" data-testid="preview-summary">
            {result.summary}
          </p>
          <ol className="flex flex-col gap-2">
            {result.candidates.slice(0, 3).map((c) => (
              <li key={c.siteId} className="rounded-md border border-border px-3 py-2 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium">
                    {c.rank}. {c.siteName}
                  </span>
                  <KindBadge kind={c.siteKind} />
                </div>
                <div className="mt-1 text-xs text-muted tabular-nums">
                  {formatUsd(c.cost.totalUsd)} ({formatUsd(c.cost.computeUsd)} compute +{" "}
                  {formatUsd(c.cost.egressUsd)} egress) · {c.gpuModel} on {c.nodes.length} node
                  {c.nodes.length === 1 ? "" : "s"}
                  {c.latencyMs !== undefined ? ` · ${c.latencyMs} ms` : ""} · score {c.totalScore.toFixed(1)}
                </div>
                <ApprovalNeeds approvals={c.approvals} className="mt-1" />
              </li>
            ))}
          </ol>
          {result.counts.feasible > 3 ? (
            <p className="mt-1 text-xs text-muted" data-testid="preview-more">
              and {result.counts.feasible - 3} more site{result.counts.feasible === 4 ? "" : "s"} that fit
            </p>
          ) : null}
          {result.reasonCounts.length > 0 ? (
            <>
              <h3 className="mt-4 mb-1 text-xs font-semibold text-muted">Why not the others</h3>
              <ul className="text-xs">
                {result.reasonCounts.slice(0, 6).map((r) => (
                  <li key={`${r.plugin}-${r.message}`} className="flex justify-between gap-2 py-0.5">
                    <span>{r.message}</span>
                    <span className="tabular-nums text-muted">{r.count}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </aside>
  );
}
