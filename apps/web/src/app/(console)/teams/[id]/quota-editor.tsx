"use client";

import { QUOTA_GPU_MODELS, type TTeamQuotasInput, ZTeamQuotasInput } from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { type FormEvent, useState } from "react";
import { fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { ErrorNote } from "~/components/table/table-parts";
import { quotaModelLabel } from "~/components/team/quota-bar";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";

type TRow = { key: number; gpuModel: string; guaranteedGpus: string; limitGpus: string };

const numberOrUndefined = (value: string) => (value.trim() === "" ? undefined : Number(value));

/** Edits a team's whole quota table; saved in one audited transaction. */
export function QuotaEditor({
  teamId,
  quotas,
  onClose,
}: {
  teamId: string;
  quotas: { gpuModel: string; guaranteedGpus: number; limitGpus: number }[];
  onClose: (saved: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<TRow[]>(() =>
    quotas.map((q, key) => ({
      key,
      gpuModel: q.gpuModel,
      guaranteedGpus: String(q.guaranteedGpus),
      limitGpus: String(q.limitGpus),
    })),
  );
  const [nextKey, setNextKey] = useState(quotas.length);
  const [clientErrors, setClientErrors] = useState<TFieldErrors>({});
  const save = useMutation(
    trpc.team.updateQuotas.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
        onClose(true);
      },
    }),
  );
  const errors = { ...fieldErrorsOf(save.error), ...clientErrors };
  const rowError = (index: number, field: string) => errors[`quotas.${index}.${field}`];

  const update = (key: number, change: Partial<TRow>) =>
    setRows((current) => current.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const addRow = () => {
    const used = new Set(rows.map((r) => r.gpuModel));
    const gpuModel = QUOTA_GPU_MODELS.find((m) => !used.has(m)) ?? "*";
    setRows((current) => [...current, { key: nextKey, gpuModel, guaranteedGpus: "0", limitGpus: "0" }]);
    setNextKey((k) => k + 1);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    const checked = validate<TTeamQuotasInput>(ZTeamQuotasInput, {
      teamId,
      quotas: rows.map((r) => ({
        gpuModel: r.gpuModel,
        guaranteedGpus: numberOrUndefined(r.guaranteedGpus),
        limitGpus: numberOrUndefined(r.limitGpus),
      })),
    });
    if ("errors" in checked) return setClientErrors(checked.errors);
    setClientErrors({});
    save.mutate(checked.data);
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Edit quotas" className="flex flex-col gap-3 p-3">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted">
          <tr>
            <th className="pb-1 font-medium">GPU model</th>
            <th className="pb-1 font-medium">Guaranteed GPUs</th>
            <th className="pb-1 font-medium">Limit GPUs</th>
            <th className="pb-1">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const label = quotaModelLabel(row.gpuModel);
            return (
              <tr key={row.key} className="align-top" data-testid="quota-edit-row">
                <td className="py-1 pr-2">
                  <select
                    {...fieldProps(`quota-${row.key}-model`, rowError(index, "gpuModel"))}
                    aria-label={`GPU model of row ${index + 1}`}
                    value={row.gpuModel}
                    onChange={(event) => update(row.key, { gpuModel: event.target.value })}
                    className={INPUT_CLASS}
                  >
                    {QUOTA_GPU_MODELS.map((m) => (
                      <option key={m} value={m}>
                        {quotaModelLabel(m)}
                      </option>
                    ))}
                  </select>
                  <FieldError id={`quota-${row.key}-model`} errors={rowError(index, "gpuModel")} />
                </td>
                <td className="py-1 pr-2">
                  <input
                    {...fieldProps(`quota-${row.key}-guaranteed`, rowError(index, "guaranteedGpus"))}
                    aria-label={`Guaranteed ${label} GPUs`}
                    type="number"
                    min={0}
                    value={row.guaranteedGpus}
                    onChange={(event) => update(row.key, { guaranteedGpus: event.target.value })}
                    className={INPUT_CLASS}
                  />
                  <FieldError id={`quota-${row.key}-guaranteed`} errors={rowError(index, "guaranteedGpus")} />
                </td>
                <td className="py-1 pr-2">
                  <input
                    {...fieldProps(`quota-${row.key}-limit`, rowError(index, "limitGpus"))}
                    aria-label={`Limit of ${label} GPUs`}
                    type="number"
                    min={0}
                    value={row.limitGpus}
                    onChange={(event) => update(row.key, { limitGpus: event.target.value })}
                    className={INPUT_CLASS}
                  />
                  <FieldError id={`quota-${row.key}-limit`} errors={rowError(index, "limitGpus")} />
                </td>
                <td className="py-1">
                  <button
                    type="button"
                    aria-label={`Remove the ${label} quota`}
                    onClick={() => setRows((current) => current.filter((r) => r.key !== row.key))}
                    className="rounded-md p-1.5 text-muted hover:bg-foreground/5 hover:text-foreground"
                  >
                    <X className="size-4" aria-hidden />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="text-sm text-muted">No quotas: saving removes them all.</p> : null}
      <p className="text-xs text-muted">
        The limit is at least the guaranteed GPUs. "Any model" caps the team's GPUs of every model together.
      </p>
      {save.error && Object.keys(fieldErrorsOf(save.error)).length === 0 ? (
        <ErrorNote message={save.error.message} />
      ) : null}
      <div className="flex items-center gap-2">
        <button
          type="button"
          onClick={addRow}
          disabled={rows.length >= QUOTA_GPU_MODELS.length}
          className="inline-flex items-center gap-1 rounded-md border border-border px-2.5 py-1 text-sm hover:bg-foreground/5 disabled:opacity-40"
        >
          <Plus className="size-3.5" aria-hidden /> Add quota
        </button>
        <span className="ml-auto" />
        <button
          type="button"
          onClick={() => onClose(false)}
          className="rounded-md px-3 py-1.5 text-sm text-muted hover:text-foreground"
        >
          Cancel
        </button>
        <button
          type="submit"
          disabled={save.isPending}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 disabled:opacity-50"
        >
          {save.isPending ? "Saving…" : "Save quotas"}
        </button>
      </div>
    </form>
  );
}

function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors || errors.length === 0) return null;
  return (
    <p id={`${id}-error`} className="mt-1 text-xs text-status-bad">
      {errors.join(" ")}
    </p>
  );
}
