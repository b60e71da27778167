"use client";

import { SERVICE_APPLY_MODES, SITE_KINDS, ZServiceCreate } from "@switchyard/api/schemas";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useFieldArray, useFormContext } from "react-hook-form";
import type { z } from "zod";
import {
  CheckboxGroupField,
  CodeListField,
  FieldError,
  NumberField,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
} from "~/components/form/fields";
import { fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { errorAt, useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

type TServiceForm = z.input<typeof ZServiceCreate>;

const DEFAULTS: TServiceForm = {
  name: "",
  description: "",
  teamId: "",
  modelId: "",
  gpu: { count: 1 },
  gpuModels: [],
  minGpuMemoryGib: undefined,
  replicaCapacityRps: 100,
  regions: [{ region: "", demandRps: 100, maxLatencyMs: 50 }],
  minReplicas: 1,
  maxReplicas: 4,
  allowedKinds: [],
  requiredCertifications: [],
  applyMode: "PROPOSE",
};

const APPLY_MODE_LABEL: Record<(typeof SERVICE_APPLY_MODES)[number], string> = {
  PROPOSE: "Propose: someone applies each plan",
  AUTO: "Automatic: the loop applies each plan",
};

/** Create an inference service: the service.create procedure's own schema checks it as typed. */
export function ServiceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.service.formOptions.queryOptions());
  const regions = useQuery(trpc.userRegion.list.queryOptions({ pageSize: 200 }));
  const state = useZodForm(ZServiceCreate, DEFAULTS);
  const { form, serverError } = state;
  const create = useMutation(
    trpc.service.create.mutationOptions({
      onSuccess: ({ id }) => router.push(`/services/${id}`),
      onError: (error) => serverError(error),
    }),
  );

  // The first team and model once the choices arrive, so the form starts complete.
  const firstTeam = options.data?.teams[0]?.id;
  const firstModel = options.data?.models[0]?.id;
  useEffect(() => {
    if (firstTeam && !form.getValues("teamId")) form.setValue("teamId", firstTeam);
    if (firstModel && !form.getValues("modelId")) form.setValue("modelId", firstModel);
  }, [firstTeam, firstModel, form]);
  const data = options.data;

  return (
    <ZodForm
      state={state}
      onSubmit={(input) => create.mutate(input)}
      label="New service"
      className="flex max-w-4xl flex-col gap-5"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" hint="Lowercase letters, digits and dashes" autoComplete="off" />
        <SelectField name="teamId" label="Team">
          {data?.teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </SelectField>
        <SelectField name="modelId" label="Model" hint="A model artifact (Models in the navigation)">
          {data?.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} {m.version ?? ""} ({m.classification.toLowerCase()})
            </option>
          ))}
        </SelectField>
        <SelectField name="applyMode" label="Plans">
          {SERVICE_APPLY_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {APPLY_MODE_LABEL[mode]}
            </option>
          ))}
        </SelectField>
      </div>
      <TextAreaField name="description" label="Description" rows={2} />

      <fieldset className="flex flex-col gap-3 rounded-lg border border-border p-3">
        <legend className="px-1 text-sm font-semibold">One replica</legend>
        <div className="grid gap-4 sm:grid-cols-4">
          <NumberField name="gpu.count" label="GPUs per replica" min="1" />
          <NumberField
            name="replicaCapacityRps"
            label="Capacity (requests/s)"
            hint="What one replica serves"
            step="any"
          />
          <NumberField name="minReplicas" label="Min replicas" min="0" />
          <NumberField name="maxReplicas" label="Max replicas" min="1" />
        </div>
        <CheckboxGroupField
          name="gpuModels"
          legend="GPU models (none chosen: any GPU with the memory below)"
          listClassName="flex flex-wrap gap-3"
          choices={(data?.gpuModels ?? []).map((m) => ({ value: m, label: m }))}
        />
        <div className="sm:w-64">
          <NumberField name="minGpuMemoryGib" label="…or any GPU with at least (GiB)" />
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-3 rounded-lg border border-border p-3">
        <legend className="px-1 text-sm font-semibold">Where it may run</legend>
        <CheckboxGroupField
          name="allowedKinds"
          legend="Environments (none chosen: all)"
          listClassName="flex flex-wrap gap-4"
          choices={SITE_KINDS.map((k) => ({ value: k, label: k.replace("_", "-").toLowerCase() }))}
        />
        <div className="sm:w-80">
          <CodeListField
            name="requiredCertifications"
            label="Required certifications"
            placeholder="HIPAA, SOC2"
            upperCase
          />
        </div>
      </fieldset>

      <RegionRows choices={regions.data?.rows ?? []} />

      <div className="flex gap-2">
        <SubmitButton pending={create.isPending} pendingLabel="Creating…">
          Create service
        </SubmitButton>
        <button
          type="button"
          onClick={() => router.back()}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
      </div>
    </ZodForm>
  );
}

/** Demand per user region: the region, its requests/s and its latency SLO, one row each. */
function RegionRows({ choices }: { choices: { name: string; label: string }[] }) {
  const { control, register, formState } = useFormContext<TServiceForm>();
  const { fields, append, remove } = useFieldArray({ control, name: "regions" });
  const listErrors = formState.errors.regions?.root?.message ?? formState.errors.regions?.message;
  const numeric = { setValueAs: (value: unknown) => (value === "" ? undefined : Number(value)) };
  return (
    <fieldset
      className="flex flex-col gap-2 rounded-lg border border-border p-3"
      aria-invalid={listErrors ? true : undefined}
      aria-describedby={listErrors ? "regions-error" : undefined}
    >
      <legend className="px-1 text-sm font-semibold">Demand per user region</legend>
      <FieldError id="regions" errors={listErrors ? [listErrors] : undefined} />
      {fields.map((row, index) => {
        const cell = (name: "region" | "demandRps" | "maxLatencyMs") => {
          const id = `regions-${index}-${name}`;
          const errors = errorAt(formState.errors, `regions.${index}.${name}`);
          return { id, errors, aria: fieldProps(id, errors) };
        };
        const region = cell("region");
        const demand = cell("demandRps");
        const latency = cell("maxLatencyMs");
        return (
          <div key={row.id} className="flex flex-wrap items-start gap-2" data-testid="service-region-row">
            <div className="flex flex-col gap-1">
              <select
                {...register(`regions.${index}.region`)}
                {...region.aria}
                aria-label={`User region ${index + 1}`}
                className={`${INPUT_CLASS} w-72`}
              >
                <option value="">Choose a user region…</option>
                {choices.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.label} ({c.name})
                  </option>
                ))}
              </select>
              <FieldError id={region.id} errors={region.errors} />
            </div>
            <div className="flex flex-col gap-1">
              <input
                {...register(`regions.${index}.demandRps`, numeric)}
                {...demand.aria}
                aria-label={`Demand (requests/s) ${index + 1}`}
                type="number"
                step="any"
                className={`${INPUT_CLASS} w-36`}
              />
              <FieldError id={demand.id} errors={demand.errors} />
            </div>
            <div className="flex flex-col gap-1">
              <input
                {...register(`regions.${index}.maxLatencyMs`, numeric)}
                {...latency.aria}
                aria-label={`Latency SLO (ms) ${index + 1}`}
                type="number"
                className={`${INPUT_CLASS} w-32`}
              />
              <FieldError id={latency.id} errors={latency.errors} />
            </div>
            <button
              type="button"
              aria-label={`Remove region ${index + 1}`}
              onClick={() => remove(index)}
              className="p-2 text-muted hover:text-foreground"
            >
              <X className="size-4" />
            </button>
          </div>
        );
      })}
      <p className="text-xs text-muted">Demand in requests/s; the latency SLO in milliseconds.</p>
      <button
        type="button"
        onClick={() => append({ region: "", demandRps: 100, maxLatencyMs: 50 })}
        className="inline-flex w-fit items-center gap-1 text-sm text-accent hover:underline"
      >
        <Plus className="size-3.5" aria-hidden /> Add a region
      </button>
    </fieldset>
  );
}
