"use client";

import type { RouterOutputs } from "@switchyard/api";
import { SITE_KINDS, type TSiteInput, ZGpuModel, ZSiteInput } from "@switchyard/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useFieldArray, useFormContext } from "react-hook-form";
import { SITE_KIND_LABEL, type TSiteKind } from "~/components/badges";
import {
  CodeListField,
  FieldError,
  NumberField,
  SelectField,
  SubmitButton,
  TextField,
} from "~/components/form/fields";
import { fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { errorAt, useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

type TSite = RouterOutputs["site"]["byId"];

const EMPTY: TSiteInput = {
  slug: "",
  name: "",
  kind: "ON_PREM",
  provider: "",
  region: "",
  country: "",
  jurisdiction: "",
  certifications: [],
  wanGbps: 10,
  egressUsdPerGb: 0,
  carbonGPerKwh: 400,
  latitude: 0,
  longitude: 0,
  prices: [],
  latencies: [],
};

function fromSite(site: TSite): TSiteInput {
  return {
    slug: site.slug,
    name: site.name,
    kind: site.kind,
    provider: site.provider,
    region: site.region,
    country: site.country,
    jurisdiction: site.jurisdiction,
    certifications: site.certifications,
    wanGbps: site.wanGbps,
    egressUsdPerGb: site.egressUsdPerGb,
    carbonGPerKwh: site.carbonGPerKwh,
    latitude: site.latitude,
    longitude: site.longitude,
    prices: site.prices.map((p) => ({
      gpuModel: p.gpuModel as TSiteInput["prices"][number]["gpuModel"],
      usdPerGpuHour: p.usdPerGpuHour,
    })),
    latencies: site.latencies,
  };
}

/** Create or edit a site. */
export function SiteForm({ site }: { site?: TSite }) {
  const trpc = useTRPC();
  const router = useRouter();
  const state = useZodForm(ZSiteInput, site ? fromSite(site) : EMPTY);
  // Field errors of the update procedure are nested under "data.".
  const onError = (error: { message: string }) => state.serverError(error, "data.");
  const create = useMutation(
    trpc.site.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/sites/${id}`), onError }),
  );
  const update = useMutation(
    trpc.site.update.mutationOptions({
      onSuccess: ({ id }) => {
        router.push(`/sites/${id}`);
        router.refresh();
      },
      onError,
    }),
  );

  return (
    <ZodForm
      state={state}
      onSubmit={(data) => (site ? update.mutate({ id: site.id, data }) : create.mutate(data))}
      label={site ? `Edit ${site.name}` : "New site"}
      className="flex max-w-3xl flex-col gap-5"
    >
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" />
        <TextField name="slug" label="Slug" hint="Lowercase id used in URLs and the API, e.g. dc-paris" />
        <SelectField name="kind" label="Environment">
          {SITE_KINDS.map((k) => (
            <option key={k} value={k}>
              {SITE_KIND_LABEL[k as TSiteKind]}
            </option>
          ))}
        </SelectField>
        <TextField name="provider" label="Provider" hint="aws, gcp, lambda, onprem, edge…" />
        <TextField name="region" label="Region" />
        <TextField name="country" label="Country" hint="ISO 3166-1 alpha-2, e.g. DE" />
        <TextField name="jurisdiction" label="Jurisdiction" hint="Legal area for data residency, e.g. EU" />
        <CodeListField
          name="certifications"
          label="Certifications"
          hint="Comma-separated, e.g. ISO27001, SOC2, HIPAA"
        />
        <NumberField name="wanGbps" label="WAN bandwidth (Gbit/s)" step="any" />
        <NumberField name="egressUsdPerGb" label="Egress price (USD/GB)" step="any" />
        <NumberField name="carbonGPerKwh" label="Carbon intensity (gCO₂/kWh)" step="1" />
        <div className="grid grid-cols-2 gap-2">
          <NumberField name="latitude" label="Latitude" step="any" />
          <NumberField name="longitude" label="Longitude" step="any" />
        </div>
      </div>
      <PriceRows />
      <div className="flex gap-2">
        <SubmitButton pending={create.isPending || update.isPending}>
          {site ? "Save changes" : "Create site"}
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

/** Price per GPU-hour, one row per GPU model. */
function PriceRows() {
  const { control, register, getValues, formState } = useFormContext<TSiteInput>();
  const { fields, append, remove } = useFieldArray({ control, name: "prices" });
  const listErrors = formState.errors.prices?.root?.message ?? formState.errors.prices?.message;
  return (
    <fieldset
      className="flex flex-col gap-2"
      aria-invalid={listErrors ? true : undefined}
      aria-describedby={listErrors ? "prices-error" : undefined}
    >
      <legend className="mb-1 text-sm font-semibold">Price per GPU-hour</legend>
      <FieldError id="prices" errors={listErrors ? [listErrors] : undefined} />
      {fields.map((row, index) => {
        const id = `prices-${index}`;
        const errors = errorAt(formState.errors, `prices.${index}.usdPerGpuHour`);
        return (
          <div key={row.id} className="flex items-start gap-2">
            <select
              {...register(`prices.${index}.gpuModel`)}
              aria-label={`GPU model ${index + 1}`}
              className={`${INPUT_CLASS} w-48`}
            >
              {ZGpuModel.options.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <div className="flex flex-col gap-1">
              <input
                {...register(`prices.${index}.usdPerGpuHour`, {
                  setValueAs: (value: unknown) => (value === "" ? undefined : Number(value)),
                })}
                {...fieldProps(id, errors)}
                aria-label={`USD per GPU-hour ${index + 1}`}
                type="number"
                step="0.0001"
                className={`${INPUT_CLASS} w-36`}
              />
              <FieldError id={id} errors={errors} />
            </div>
            <button
              type="button"
              aria-label={`Remove price ${index + 1}`}
              onClick={() => remove(index)}
              className="p-2 text-muted hover:text-foreground"
            >
              <X className="size-4" />
            </button>
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => {
          const used = new Set(getValues("prices").map((p) => p.gpuModel));
          append({ gpuModel: ZGpuModel.options.find((m) => !used.has(m)) ?? "H100", usdPerGpuHour: 1 });
        }}
        className="inline-flex w-fit items-center gap-1 text-sm text-accent hover:underline"
      >
        <Plus className="size-3.5" aria-hidden /> Add a GPU price
      </button>
    </fieldset>
  );
}
