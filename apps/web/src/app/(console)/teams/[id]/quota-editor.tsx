"use client";

import { QUOTA_GPU_MODELS, type TTeamQuotasInput, ZTeamQuotasInput } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { FieldError, SubmitButton } from "~/components/form/fields";
import { fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { errorAt, useZodForm, ZodForm } from "~/components/form/zod-form";
import { quotaModelLabel } from "~/components/team/quota-bar";
import { useTRPC } from "~/trpc/react";

type TQuotaField = `quotas.${number}.${"gpuModel" | "guaranteedGpus" | "limitGpus" | "siteGroupId"}`;

const asCount = (value: unknown) => (value === "" ? undefined : Number(value));
/** "" is the select's "every site". */
const asGroup = (value: unknown) => (value === "" || value === null ? null : String(value));

/** Edits a team's whole quota table; saved in one audited transaction. */
export function QuotaEditor({
  teamId,
  quotas,
  onClose,
}: {
  teamId: string;
  quotas: { gpuModel: string; guaranteedGpus: number; limitGpus: number; siteGroupId: string | null }[];
  onClose: (saved: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useZodForm(ZTeamQuotasInput, {
    teamId,
    quotas: quotas as TTeamQuotasInput["quotas"],
  });
  const save = useMutation(
    trpc.team.updateQuotas.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.team.pathKey() });
        onClose(true);
      },
      onError: (error) => state.serverError(error),
    }),
  );

  return (
    <ZodForm
      state={state}
      onSubmit={(input) => save.mutate(input)}
      idPrefix="quota-"
      label="Edit quotas"
      className="flex flex-col gap-3 p-3"
    >
      <QuotaRows />
      <div className="flex items-center gap-2">
        <span className="ml-auto" />
        <button
          type="button"
          onClick={() => onClose(false)}
          className="rounded-md px-3 py-1.5 text-sm text-muted hover:text-foreground"
        >
          Cancel
        </button>
        <SubmitButton pending={save.isPending}>Save quotas</SubmitButton>
      </div>
    </ZodForm>
  );
}

function QuotaRows() {
  const { control, register, formState } = useFormContext<TTeamQuotasInput>();
  const { fields, append, remove } = useFieldArray({ control, name: "quotas" });
  const models = useWatch({ control, name: "quotas" }).map((q) => q.gpuModel);
  const trpc = useTRPC();
  const groups = useQuery(trpc.fairShare.siteGroups.queryOptions()).data ?? [];
  const cell = (name: TQuotaField, label: string, kind: "count" | "model" | "group") => {
    const id = `quota-${name.replaceAll(".", "-")}`;
    const errors = errorAt(formState.errors, name);
    const setValueAs = kind === "count" ? asCount : kind === "group" ? asGroup : undefined;
    const control = {
      ...register(name, setValueAs ? { setValueAs } : undefined),
      ...fieldProps(id, errors),
      "aria-label": label,
      className: INPUT_CLASS,
    };
    return (
      <td className="py-1 pr-2">
        {kind === "count" ? (
          <input {...control} type="number" min={0} />
        ) : kind === "model" ? (
          <select {...control}>
            {QUOTA_GPU_MODELS.map((m) => (
              <option key={m} value={m}>
                {quotaModelLabel(m)}
              </option>
            ))}
          </select>
        ) : (
          <select {...control}>
            <option value="">Every site</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({g.sites.length === 1 ? "1 site" : `${g.sites.length} sites`})
              </option>
            ))}
          </select>
        )}
        <FieldError id={id} errors={errors} />
      </td>
    );
  };
  return (
    <>
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted">
          <tr>
            <th className="pb-1 font-medium">GPU model</th>
            <th className="pb-1 font-medium">Guaranteed GPUs</th>
            <th className="pb-1 font-medium">Limit GPUs</th>
            <th className="pb-1 font-medium">Guaranteed on</th>
            <th className="pb-1">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((row, index) => {
            const label = quotaModelLabel(models[index] ?? row.gpuModel);
            return (
              <tr key={row.id} className="align-top" data-testid="quota-edit-row">
                {cell(`quotas.${index}.gpuModel`, `GPU model of row ${index + 1}`, "model")}
                {cell(`quotas.${index}.guaranteedGpus`, `Guaranteed ${label} GPUs`, "count")}
                {cell(`quotas.${index}.limitGpus`, `Limit of ${label} GPUs`, "count")}
                {cell(`quotas.${index}.siteGroupId`, `Sites where the ${label} guarantee holds`, "group")}
                <td className="py-1">
                  <button
                    type="button"
                    aria-label={`Remove the ${label} quota`}
                    onClick={() => remove(index)}
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
      {fields.length === 0 ? <p className="text-sm text-muted">No quotas: saving removes them all.</p> : null}
      <p className="text-xs text-muted">
        The limit is at least the guaranteed GPUs. "Any model" caps the team's GPUs of every model together. A
        guarantee on a site group holds on its sites only; the team may still borrow idle GPUs elsewhere up to
        its limit. Site groups are managed under Settings → Fair sharing.
      </p>
      <button
        type="button"
        onClick={() => {
          const used = new Set(models);
          append({
            gpuModel: QUOTA_GPU_MODELS.find((m) => !used.has(m)) ?? "*",
            guaranteedGpus: 0,
            limitGpus: 0,
            siteGroupId: null,
          });
        }}
        disabled={fields.length >= QUOTA_GPU_MODELS.length}
        className="inline-flex w-fit items-center gap-1 rounded-md border border-border px-2.5 py-1 text-sm hover:bg-foreground/5 disabled:opacity-40"
      >
        <Plus className="size-3.5" aria-hidden /> Add quota
      </button>
    </>
  );
}
