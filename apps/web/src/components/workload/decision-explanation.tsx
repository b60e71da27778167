"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { KindBadge } from "~/components/badges";
import { formatUsd } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { ApprovalNeeds } from "./approval-needs";
import { shownCandidates } from "./shown-candidates";

/** Candidates shown in full; the chosen one is shown too when it ranks past them. */
const SHOWN_CANDIDATES = 8;

// A workload's decision carries the approvals each candidate would need; an approval
// request's (already asked for) does not.
type TDecision =
  | NonNullable<RouterOutputs["workload"]["byId"]["decision"]>
  | NonNullable<RouterOutputs["approval"]["byId"]["decision"]>;
type TForecast = NonNullable<
  RouterOutputs["workload"]["byId"]["decision"]
>["candidates"]["candidates"][number]["approvals"];

const approvalsOf = (c: object): TForecast => ("approvals" in c ? (c.approvals as TForecast) : null);

/**
 * Ranked candidates with cost and per-plugin scores, rejected sites by reason, and "why not X?".
 * `askedSiteId`: the site an approval request waits to schedule at, before the decision is
 * accepted (then the decision's chosen site is shown).
 */
export function DecisionExplanation({
  decision,
  askedSiteId = null,
}: {
  decision: TDecision;
  askedSiteId?: string | null;
}) {
  const { candidates, policy, omitted, fallback } = decision.candidates;
  const picked = decision.chosenSiteId
    ? { siteId: decision.chosenSiteId, label: "chosen" }
    : askedSiteId
      ? { siteId: askedSiteId, label: "asked for" }
      : null;
  const { rejected, reasonCounts, counts } = decision.rejections;
  const [whyNot, setWhyNot] = useState("");
  const asked = rejected.find((r) => r.siteId === whyNot) ?? null;
  const askedCandidate = candidates.find((c) => c.siteId === whyNot) ?? null;
  // A compact decision keeps its top candidates and counts the rest: any other site is
  // explained on demand by the server (from the engine on the current estate).
  const isCompact = omitted > 0 || decision.rejections.omitted > 0;
  const trpc = useTRPC();
  const sites = useQuery({ ...trpc.site.locations.queryOptions(), enabled: isCompact });
  const stored = new Set([...rejected.map((r) => r.siteId), ...candidates.map((c) => c.siteId)]);
  const askServer = whyNot !== "" && !stored.has(whyNot);
  const onDemand = useQuery({
    ...trpc.workload.whyNot.queryOptions({ id: decision.workloadId, siteId: whyNot }),
    enabled: askServer,
  });
  const choices = [
    ...rejected.map((r) => ({ id: r.siteId, name: r.siteName })),
    ...candidates.slice(1).map((c) => ({ id: c.siteId, name: c.siteName })),
    ...(sites.data ?? []).filter((s) => !stored.has(s.id)).map((s) => ({ id: s.id, name: s.name })),
  ].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section
      className="rounded-lg border border-border bg-surface p-4"
      aria-labelledby="decision"
      data-testid="decision"
    >
      <h2 id="decision" className="text-sm font-semibold">
        Placement decision · {decision.status.toLowerCase()} · profile {decision.profile}
      </h2>
      <p className="mt-1 text-sm" data-testid="decision-summary">
        {decision.summary}
      </p>
      {decision.overrideReason ? (
        <p className="mt-1 text-sm text-status-warn">Overridden: {decision.overrideReason}</p>
      ) : null}

      {candidates.length > 0 ? (
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-sm" data-testid="candidates">
            <thead className="text-left text-xs text-muted">
              <tr>
                <th className="px-2 py-1 font-medium">#</th>
                <th className="px-2 py-1 font-medium">Site</th>
                <th className="px-2 py-1 text-right font-medium">Compute</th>
                <th className="px-2 py-1 text-right font-medium">Egress</th>
                <th className="px-2 py-1 text-right font-medium">Total</th>
                <th className="px-2 py-1 font-medium">Scores (weight)</th>
              </tr>
            </thead>
            <tbody>
              {shownCandidates(candidates, picked?.siteId ?? null, SHOWN_CANDIDATES).map((c) => (
                <Fragment key={c.siteId}>
                  <tr className="border-t border-border align-top" data-testid="candidate-row">
                    <td className="px-2 py-2 tabular-nums">{c.rank}</td>
                    <td className="px-2 py-2">
                      <div className="flex items-center gap-2 font-medium">
                        {c.siteName} <KindBadge kind={c.siteKind} />
                        {c.siteId === picked?.siteId ? (
                          <span
                            className="rounded bg-accent/15 px-1.5 py-0.5 text-[11px] font-medium text-accent"
                            data-testid="candidate-chosen"
                          >
                            {picked.label}
                          </span>
                        ) : null}
                      </div>
                      <div className="text-xs text-muted">
                        {c.gpuModel} × {c.nodes.reduce((s, n) => s + n.gpus, 0)} on {c.nodes.length} node
                        {c.nodes.length === 1 ? "" : "s"}
                        {c.latencyMs !== undefined ? ` · ${c.latencyMs} ms` : ""}
                        {c.cost.transferHours > 0
                          ? ` · ${c.cost.transferHours.toFixed(1)} h to copy data`
                          : ""}
                      </div>
                    </td>
                    <td className="px-2 py-2 text-right tabular-nums">{formatUsd(c.cost.computeUsd)}</td>
                    <td className="px-2 py-2 text-right tabular-nums">{formatUsd(c.cost.egressUsd)}</td>
                    <td className="px-2 py-2 text-right font-medium tabular-nums">
                      {formatUsd(c.cost.totalUsd)}
                    </td>
                    <td className="px-2 py-2">
                      <div className="flex flex-col gap-0.5">
                        {c.scores.map((s) => (
                          <div
                            key={s.plugin}
                            className="flex items-center gap-2 text-[11px]"
                            title={`raw ${s.raw}`}
                          >
                            <span className="w-24 text-muted">
                              {s.plugin} ({policy.weights[s.plugin] ?? s.weight})
                            </span>
                            <span className="h-1.5 w-24 overflow-hidden rounded bg-foreground/10">
                              <span
                                className="block h-full bg-accent"
                                style={{ width: `${Math.round(s.score)}%` }}
                              />
                            </span>
                            <span className="tabular-nums">{Math.round(s.score)}</span>
                          </div>
                        ))}
                        <div className="text-[11px] font-medium">total {c.totalScore.toFixed(1)}</div>
                      </div>
                    </td>
                  </tr>
                  {approvalsOf(c) ? (
                    <tr data-testid="candidate-approvals">
                      <td />
                      <td colSpan={5} className="px-2 pb-2">
                        <ApprovalNeeds approvals={approvalsOf(c)} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
          {omitted > 0 ? (
            <p className="mt-1 text-xs text-muted" data-testid="candidates-omitted">
              {omitted} more site{omitted === 1 ? "" : "s"} fit, ranked lower; ask “why not” for any of them
              below.
            </p>
          ) : null}
        </div>
      ) : null}
      {fallback ? (
        <p className="mt-2 text-sm text-status-warn" data-testid="decision-fallback">
          Scheduled at candidate #{fallback.rank}: the GPUs of{" "}
          {fallback.tried.map((t) => `${t.siteName} (#${t.rank})`).join(", ")} were taken meanwhile.
        </p>
      ) : null}

      <h3 className="mt-4 text-xs font-semibold text-muted">
        Rejected: {counts.rejected} of {counts.sites} sites
      </h3>
      <ul className="mt-1 text-sm" data-testid="rejection-reasons">
        {reasonCounts.map((r) => (
          <li
            key={`${r.plugin}-${r.message}`}
            className="flex justify-between gap-2 border-t border-border py-1 first:border-t-0"
          >
            <span>{r.message}</span>
            <span className="tabular-nums text-muted">
              {r.count} site{r.count === 1 ? "" : "s"}
            </span>
          </li>
        ))}
      </ul>

      <div className="mt-4 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="why-not">Why not</label>
        <select
          id="why-not"
          value={whyNot}
          onChange={(e) => setWhyNot(e.target.value)}
          className="rounded-md border border-border bg-surface px-2 py-1 text-sm"
        >
          <option value="">{sites.isPending && isCompact ? "loading sites…" : "choose a site…"}</option>
          {choices.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <span>?</span>
      </div>
      {asked ? (
        <ul className="mt-2 list-disc pl-5 text-sm" data-testid="why-not-answer">
          {asked.reasons.map((r) => (
            <li key={`${r.plugin}-${r.message}`}>
              {r.message}{" "}
              <span className="text-xs text-muted">
                ({r.plugin}
                {r.detail ? `: ${r.detail}` : ""})
              </span>
            </li>
          ))}
        </ul>
      ) : askedCandidate ? (
        <p className="mt-2 text-sm" data-testid="why-not-answer">
          {askedCandidate.siteName} fits, but ranks #{askedCandidate.rank} with a score of{" "}
          {askedCandidate.totalScore.toFixed(1)} against {candidates[0]?.totalScore.toFixed(1)} for{" "}
          {candidates[0]?.siteName} ({formatUsd(askedCandidate.cost.totalUsd)} against{" "}
          {formatUsd(candidates[0]?.cost.totalUsd ?? 0)}).
        </p>
      ) : askServer ? (
        <p className="mt-2 text-sm" data-testid="why-not-answer" aria-live="polite">
          {onDemand.isPending
            ? "Asking the placement engine…"
            : onDemand.isError
              ? onDemand.error.message
              : `${onDemand.data?.explanation ?? ""}${
                  onDemand.data?.source === "current-estate"
                    ? " (on the estate as it is now: the decision kept only its top candidates)"
                    : ""
                }`}
        </p>
      ) : null}
    </section>
  );
}
