"use client";

import type { RouterOutputs } from "@switchyard/api";
import { type TGpuClassesInput, ZGpuClassesInput } from "@switchyard/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { FieldError, SubmitButton } from "~/components/form/fields";
import { fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { errorAt, useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

export type TGpuClasses = RouterOutputs["fairShare"]["gpuClasses"];
type TModel = TGpuClasses["models"][number];

const asUnits = (value: unknown) => (value === "" || value === null ? undefined : Number(value));
const SMALL_BUTTON =
  "inline-flex w-fit items-center gap-1 rounded-md border border-border px-2.5 py-1 text-sm hover:bg-foreground/5 disabled:opacity-40";

/** Edits the whole set of GPU classes; saved in one audited transaction (no rows: classes off). */
export function GpuClassesForm({
  data,
  onSaved,
  onCancel,
}: {
  data: TGpuClasses;
  onSaved: (inEffect: boolean) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useZodForm(ZGpuClassesInput, {
    classes: data.classes.map((c) => ({ gpuModel: c.gpuModel, units: c.units })),
  } satisfies TGpuClassesInput);
  const save = useMutation(
    trpc.fairShare.setGpuClasses.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.fairShare.pathKey() });
        onSaved(saved.inEffect);
      },
      onError: (error) => state.serverError(error),
    }),
  );
  return (
    <ZodForm
      state={state}
      onSubmit={(input) => save.mutate(input)}
      idPrefix="gpu-class-"
      label="Edit GPU classes"
      className="flex flex-col gap-3"
    >
      <ClassRows models={data.models} reference={data.reference} />
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
        <SubmitButton pending={save.isPending}>Save classes</SubmitButton>
      </div>
    </ZodForm>
  );
}

function ClassRows({ models, reference }: { models: readonly TModel[]; reference: string | null }) {
  const { control, register, formState } = useFormContext<TGpuClassesInput>();
  const { fields, append, remove, replace } = useFieldArray({ control, name: "classes" });
  const listed = useWatch({ control, name: "classes" }).map((c) => c.gpuModel);
  const suggestions = models.filter((m) => m.suggestedUnits !== null);
  const cell = (name: `classes.${number}.${"gpuModel" | "units"}`, label: string) => {
    const id = `gpu-class-${name.replaceAll(".", "-")}`;
    const errors = errorAt(formState.errors, name);
    const control = {
      ...register(name, name.endsWith("units") ? { setValueAs: asUnits } : undefined),
      ...fieldProps(id, errors),
      "aria-label": label,
      className: INPUT_CLASS,
    };
    return (
      <td className="py-1 pr-2">
        {name.endsWith("units") ? (
          <input {...control} type="number" min={0.01} step="any" />
        ) : (
          <select {...control}>
            {models.map((m) => (
              <option key={m.gpuModel} value={m.gpuModel}>
                {m.gpuModel}
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
            <th className="pb-1 font-medium">Units per GPU</th>
            <th className="pb-1 font-medium">By price</th>
            <th className="pb-1">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((row, index) => {
            const model = listed[index] ?? row.gpuModel;
            const suggested = models.find((m) => m.gpuModel === model)?.suggestedUnits;
            return (
              <tr key={row.id} className="align-top" data-testid="gpu-class-edit-row">
                {cell(`classes.${index}.gpuModel`, `GPU model of row ${index + 1}`)}
                {cell(`classes.${index}.units`, `Units per ${model} GPU`)}
                <td className="py-2.5 pr-2 text-xs text-muted tabular-nums">{suggested ?? "no price"}</td>
                <td className="py-1">
                  <button
                    type="button"
                    aria-label={`Remove ${model}`}
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
      {fields.length === 0 ? (
        <p className="text-sm text-muted">No classes: saving turns them off (shares per GPU model).</p>
      ) : null}
      <p className="text-xs text-muted">
        A model not listed counts 1 unit per GPU. "By price" is the model's median price over{" "}
        {reference ?? "the reference model"}'s, across the sites that price it.
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          onClick={() => {
            const used = new Set(listed);
            const next = models.find((m) => !used.has(m.gpuModel));
            if (next) append({ gpuModel: next.gpuModel, units: next.suggestedUnits ?? 1 });
          }}
          disabled={fields.length >= models.length}
          className={SMALL_BUTTON}
        >
          <Plus className="size-3.5" aria-hidden /> Add a model
        </button>
        <button
          type="button"
          onClick={() =>
            replace(suggestions.map((m) => ({ gpuModel: m.gpuModel, units: m.suggestedUnits ?? 1 })))
          }
          disabled={suggestions.length === 0}
          className={SMALL_BUTTON}
        >
          Fill from prices
        </button>
      </div>
    </>
  );
}
