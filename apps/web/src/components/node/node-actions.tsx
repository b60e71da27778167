"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { StatusBadge } from "~/components/badges";
import { SuccessNote } from "~/components/form/form-field";
import { ErrorNote } from "~/components/table/table-parts";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

type TAction = "cordon" | "drain" | "uncordon";
type TResult = RouterOutputs["node"]["cordon"];

const ACTIONS: { action: TAction; label: string; done: string; status: string; hint: string }[] = [
  {
    action: "cordon",
    label: "Cordon",
    done: "Cordoned",
    status: "CORDONED",
    hint: "No new work; running work stays",
  },
  {
    action: "drain",
    label: "Drain",
    done: "Set draining",
    status: "DRAINING",
    hint: "No new work; running work must move",
  },
  {
    action: "uncordon",
    label: "Uncordon",
    done: "Made ready",
    status: "READY",
    hint: "Takes new work again",
  },
];

const plural = (count: number, word: string) => `${formatInt(count)} ${word}${count === 1 ? "" : "s"}`;

/**
 * Cordon, drain and uncordon for a selection of nodes (one on the node page, many on the
 * table). Each click is one transaction on the server; a refusal comes back in words.
 */
export function NodeActions({
  ids,
  currentStatus,
  onDone,
}: {
  ids: string[];
  /** On a node's own page: its status, so actions that would change nothing are disabled. */
  currentStatus?: string;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<{ action: TAction; result: TResult } | null>(null);
  const options = {
    onSuccess: () => {
      onDone?.();
      return queryClient.invalidateQueries({ queryKey: trpc.node.pathKey() });
    },
  };
  const mutations = {
    cordon: useMutation(trpc.node.cordon.mutationOptions(options)),
    drain: useMutation(trpc.node.drain.mutationOptions(options)),
    uncordon: useMutation(trpc.node.uncordon.mutationOptions(options)),
  };
  const [lastAction, setLastAction] = useState<TAction | null>(null);
  const isPending = Object.values(mutations).some((m) => m.isPending);
  const error = lastAction ? mutations[lastAction].error : null;

  const run = (action: TAction) => {
    setLastAction(action);
    setOutcome(null);
    for (const m of Object.values(mutations)) m.reset();
    mutations[action].mutate({ ids }, { onSuccess: (result) => setOutcome({ action, result }) });
  };

  const done = outcome ? ACTIONS.find((a) => a.action === outcome.action) : undefined;

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {ACTIONS.map((a) => (
          <button
            key={a.action}
            type="button"
            title={a.hint}
            disabled={isPending || ids.length === 0 || currentStatus === a.status || currentStatus === "DOWN"}
            onClick={() => run(a.action)}
            className="rounded-md border border-border bg-surface px-2.5 py-1 text-sm hover:bg-foreground/5 disabled:opacity-40"
          >
            {a.label}
          </button>
        ))}
        {currentStatus === "DOWN" ? (
          <span className="text-xs text-muted">
            A down node takes no work and becomes ready when its agent heartbeats again.
          </span>
        ) : null}
      </div>
      {error ? <ErrorNote message={error.message} /> : null}
      {outcome && done ? (
        <div className="flex flex-col gap-2" data-testid="node-action-result">
          <SuccessNote>
            {done.done} {plural(outcome.result.changed.length, "node")}
            {outcome.result.unchanged.length > 0
              ? `; ${formatInt(outcome.result.unchanged.length)} already ${done.status.toLowerCase()}`
              : ""}
            .
          </SuccessNote>
          {outcome.action === "drain" ? <MustMove workloads={outcome.result.mustMove} /> : null}
        </div>
      ) : null}
    </div>
  );
}

/** The workloads holding GPUs on draining nodes: they must move before the nodes are empty. */
export function MustMove({
  workloads,
}: {
  workloads: { id: string; name: string; state: string; team: string; gpus: number; nodes: string[] }[];
}) {
  if (workloads.length === 0)
    return <p className="text-sm text-muted">No workload holds GPUs on these nodes; nothing must move.</p>;
  return (
    <section aria-labelledby="must-move-title" className="rounded-lg border border-status-warn/50 bg-surface">
      <h3 id="must-move-title" className="border-b border-border px-3 py-2 text-sm font-semibold">
        {plural(workloads.length, "workload")} must move
      </h3>
      <table className="w-full text-sm" data-testid="must-move">
        <thead className="text-left text-xs text-muted">
          <tr>
            <th className="px-3 py-1.5 font-medium">Workload</th>
            <th className="px-3 py-1.5 font-medium">Team</th>
            <th className="px-3 py-1.5 font-medium">State</th>
            <th className="px-3 py-1.5 text-right font-medium">GPUs here</th>
            <th className="px-3 py-1.5 font-medium">On nodes</th>
          </tr>
        </thead>
        <tbody>
          {workloads.map((w) => (
            <tr key={w.id} className="border-t border-border">
              <td className="px-3 py-1.5 font-medium">{w.name}</td>
              <td className="px-3 py-1.5">{w.team}</td>
              <td className="px-3 py-1.5">
                <StatusBadge status={w.state} />
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{formatInt(w.gpus)}</td>
              <td className="px-3 py-1.5 font-mono text-xs">{w.nodes.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
