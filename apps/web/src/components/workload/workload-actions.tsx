"use client";

import type { RouterOutputs } from "@switchyard/api";
import { canTransition } from "@switchyard/api/rules";
import { ZScheduleInput } from "@switchyard/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormField, fieldProps } from "~/components/form/form-field";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";
import { ScheduleApprovalNote } from "./approval-needs";

type TWorkload = RouterOutputs["workload"]["byId"];

const button =
  "rounded-md border border-border px-3 py-1.5 text-sm hover:bg-foreground/5 disabled:opacity-50";
const primary = "rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent disabled:opacity-50";

/**
 * The next steps the workload's state allows (the server's state machine), offered only to
 * someone who may change it; `refusal` (from the server's rule, auth/rules.ts) says why not.
 */
export function WorkloadActions({ workload, refusal }: { workload: TWorkload; refusal: string | null }) {
  if (refusal) {
    return (
      <div className="rounded-lg border border-border bg-surface p-4 text-sm" data-testid="workload-actions">
        <p className="text-muted" data-testid="workload-actions-refused">
          You can look at this workload but not change it. {refusal}
        </p>
      </div>
    );
  }
  return <AllowedActions workload={workload} />;
}

function AllowedActions({ workload }: { workload: TWorkload }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [overrideSite, setOverrideSite] = useState("");
  const [overrideReason, setOverrideReason] = useState("");
  const [overrideErrors, setOverrideErrors] = useState<TFieldErrors>({});
  const done = {
    onSuccess: () => {
      setError(null);
      router.refresh();
    },
    onError: (e: { message: string }) => setError(e.message),
  };
  const schedule = useMutation(trpc.workload.schedule.mutationOptions(done));
  const place = useMutation(trpc.workload.place.mutationOptions(done));
  const transition = useMutation(trpc.workload.transition.mutationOptions(done));
  const isBusy = schedule.isPending || place.isPending || transition.isPending;

  const decision = workload.decision;
  const canSchedule = workload.state === "PENDING" && decision?.status === "PROPOSED" && decision.feasible;
  const others = decision?.candidates.candidates.slice(1) ?? [];
  const move = (to: "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED") =>
    transition.mutate({ id: workload.id, to });

  /** An override needs a reason: said next to the reason field, from the server's own schema. */
  function overrideTo(decisionId: string) {
    const input = { id: workload.id, decisionId, override: { siteId: overrideSite, reason: overrideReason } };
    const checked = validate(ZScheduleInput, input);
    const showOn = (fields: TFieldErrors) => {
      setOverrideErrors(fields);
      if (fields["override.reason"]) document.getElementById("override-reason")?.focus();
    };
    if ("errors" in checked) {
      showOn(checked.errors);
      return;
    }
    setOverrideErrors({});
    schedule.mutate(checked.data, {
      onError: (e) => {
        const fields = fieldErrorsOf(e);
        if (fields["override.reason"]) {
          setError(fields["override.siteId"]?.join(" ") ?? null);
          showOn(fields);
        }
      },
    });
  }

  return (
    <div
      className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4"
      data-testid="workload-actions"
    >
      <div className="flex flex-wrap gap-2">
        {canSchedule ? (
          <button
            type="button"
            className={primary}
            disabled={isBusy}
            onClick={() => schedule.mutate({ id: workload.id, decisionId: decision.id })}
          >
            Schedule at {decision.candidates.candidates[0]?.siteName}
            <ScheduleApprovalNote approvals={decision.candidates.candidates[0]?.approvals} />
          </button>
        ) : null}
        {workload.state === "PENDING" ? (
          <button
            type="button"
            className={button}
            disabled={isBusy}
            onClick={() => place.mutate({ id: workload.id })}
          >
            Place again
          </button>
        ) : null}
        {canTransition(workload.state, "RUNNING") ? (
          <button type="button" className={primary} disabled={isBusy} onClick={() => move("RUNNING")}>
            Mark running
          </button>
        ) : null}
        {canTransition(workload.state, "SUCCEEDED") ? (
          <button type="button" className={primary} disabled={isBusy} onClick={() => move("SUCCEEDED")}>
            Mark succeeded
          </button>
        ) : null}
        {canTransition(workload.state, "FAILED") ? (
          <button type="button" className={button} disabled={isBusy} onClick={() => move("FAILED")}>
            Mark failed
          </button>
        ) : null}
        {canTransition(workload.state, "CANCELLED") ? (
          <button
            type="button"
            className={`${button} text-status-bad`}
            disabled={isBusy}
            onClick={() => move("CANCELLED")}
          >
            Cancel
          </button>
        ) : null}
      </div>
      {canSchedule && others.length > 0 ? (
        <div className="flex flex-wrap items-end gap-2 border-t border-border pt-3 text-sm">
          <label className="flex flex-col gap-1">
            Override: run at
            <select
              value={overrideSite}
              onChange={(e) => setOverrideSite(e.target.value)}
              className="rounded-md border border-border bg-surface px-2 py-1.5"
            >
              <option value="">another feasible site…</option>
              {others.map((c) => (
                <option key={c.siteId} value={c.siteId}>
                  #{c.rank} {c.siteName}
                </option>
              ))}
            </select>
          </label>
          <div className="min-w-72 flex-1">
            <FormField
              id="override-reason"
              label="Reason (audited)"
              errors={overrideErrors["override.reason"]}
            >
              <input
                {...fieldProps("override-reason", overrideErrors["override.reason"])}
                value={overrideReason}
                onChange={(e) => setOverrideReason(e.target.value)}
                className="rounded-md border border-border bg-surface px-2 py-1.5 aria-invalid:border-status-bad"
              />
            </FormField>
          </div>
          <button
            type="button"
            className={button}
            disabled={isBusy || !overrideSite}
            onClick={() => overrideTo(decision.id)}
          >
            Schedule there
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="text-sm text-status-bad" data-testid="action-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
