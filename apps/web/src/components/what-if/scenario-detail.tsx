"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { DetailPending } from "~/components/detail-pending";
import { Dialog } from "~/components/dialog";
import { DisabledControl } from "~/components/disabled-reason";
import { PRIMARY_BUTTON } from "~/components/form/fields";
import { SuccessNote } from "~/components/form/form-field";
import { PageHeader } from "~/components/page-header";
import { ErrorNote } from "~/components/table/table-parts";
import { formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { ReplayResult } from "./replay-result";
import { CHANGE_LABEL, ScenarioEditor } from "./scenario-editor";

const BUTTON =
  "rounded-md border border-border px-3 py-1.5 text-sm hover:bg-foreground/5 disabled:opacity-50";

/**
 * One scenario by link: its changes, replayed on the current estate when opened (and again on
 * demand), edited in place, and turned into a planned drain after a confirmation.
 */
export function ScenarioDetail({ id, editRefusal }: { id: string; editRefusal: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const scenario = useQuery(trpc.whatIf.byId.queryOptions({ id }));
  const run = useMutation(trpc.whatIf.run.mutationOptions());
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const drain = useMutation(
    trpc.whatIf.planDrain.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await queryClient.invalidateQueries({ queryKey: trpc.whatIf.pathKey() });
      },
    }),
  );
  const remove = useMutation(
    trpc.whatIf.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.whatIf.pathKey() });
        router.push("/what-if");
      },
    }),
  );
  const loaded = scenario.data?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per loaded scenario
  useEffect(() => {
    if (loaded) run.mutate({ id: loaded });
  }, [loaded, scenario.data?.updatedAt]);

  if (!scenario.data)
    return (
      <DetailPending
        back={{ href: "/what-if", label: "What-if" }}
        what="scenario"
        error={scenario.error?.message}
      />
    );
  const s = scenario.data;
  const drains = s.changes.some((c) => c.kind === "drain" || c.kind === "lose");
  const drainedNodes = run.data?.result.drainedNodes.filter((n) => !n.id.startsWith("what-if-")) ?? [];

  return (
    <>
      <PageHeader
        title={s.name}
        description={`${s.description ? `${s.description} · ` : ""}Shared with ${s.team?.name ?? "everyone"} · by ${s.createdBy.name} · updated ${formatDateTime(s.updatedAt)}`}
        actions={
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className={BUTTON}
              disabled={run.isPending}
              onClick={() => run.mutate({ id })}
            >
              {run.isPending ? "Replaying…" : "Run again on the current estate"}
            </button>
            {editRefusal ? (
              <DisabledControl id="what-if-edit-refusal" reason={editRefusal} className={BUTTON}>
                Plan the drain
              </DisabledControl>
            ) : (
              <>
                <button type="button" className={BUTTON} onClick={() => setEditing((v) => !v)}>
                  {editing ? "Close the editor" : "Edit"}
                </button>
                {drains ? (
                  <button
                    type="button"
                    className={PRIMARY_BUTTON}
                    onClick={() => setConfirming(true)}
                    data-testid="what-if-plan-drain"
                  >
                    Plan the drain
                  </button>
                ) : null}
                <button
                  type="button"
                  className={BUTTON}
                  onClick={() => remove.mutate({ id })}
                  disabled={remove.isPending}
                >
                  Delete
                </button>
              </>
            )}
          </div>
        }
      />
      <ul className="mb-4 flex flex-wrap gap-2 text-xs" aria-label="Changes">
        {s.changes.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the changes are an ordered list without ids
          <li key={i} className="rounded border border-border bg-surface px-2 py-1">
            {CHANGE_LABEL[c.kind]}:{" "}
            <code>{JSON.stringify(Object.fromEntries(Object.entries(c).filter(([k]) => k !== "kind")))}</code>
          </li>
        ))}
      </ul>
      {s.drainedAt ? (
        <SuccessNote>
          Turned into a planned drain on {formatDateTime(s.drainedAt)}: its nodes are DRAINING.
        </SuccessNote>
      ) : null}
      {drain.data ? (
        <SuccessNote>
          {drain.data.changed.length} node{drain.data.changed.length === 1 ? "" : "s"} now DRAINING;{" "}
          {drain.data.mustMove.length} workload{drain.data.mustMove.length === 1 ? "" : "s"} must move.
        </SuccessNote>
      ) : null}
      {remove.error ? <ErrorNote message={remove.error.message} /> : null}
      {editing ? (
        <div className="mb-4 rounded-lg border border-border bg-surface">
          <ScenarioEditor scenario={{ ...s, changes: s.changes }} canSave onSaved={() => setEditing(false)} />
        </div>
      ) : null}
      {run.error ? <ErrorNote message={run.error.message} /> : null}
      {run.data ? (
        <ReplayResult result={run.data.result} />
      ) : run.isPending ? (
        <p role="status" className="text-sm text-muted">
          Replaying running and pending work on the current estate…
        </p>
      ) : null}
      <Dialog open={confirming} title="Plan the drain" onClose={() => setConfirming(false)}>
        <div className="flex flex-col gap-3 p-4 text-sm">
          <p>
            This changes the estate: {drainedNodes.length} node{drainedNodes.length === 1 ? "" : "s"} go to
            DRAINING through the node service (no new work; running work must move). It is audited. Nodes the
            scenario adds are not real and are left out.
          </p>
          {drain.error ? <ErrorNote message={drain.error.message} /> : null}
          <div className="flex gap-2">
            <button
              type="button"
              className={PRIMARY_BUTTON}
              disabled={drain.isPending}
              data-testid="what-if-confirm-drain"
              onClick={() => drain.mutate({ id, confirm: true })}
            >
              {drain.isPending ? "Draining…" : `Drain ${drainedNodes.length} nodes`}
            </button>
            <button type="button" className={BUTTON} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
