"use client";

import type { RouterOutputs } from "@switchyard/api";
import { SITE_KINDS, type TSiteInput, ZGpuModel, ZSiteInput } from "@switchyard/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useCallback, useRef, useState } from "react";
import { SITE_KIND_LABEL, type TSiteKind } from "~/components/badges";
import { useFocusFirstError } from "~/components/form/use-focus-first-error";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
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

/** Create or edit a site. Validates with the procedure's own schema before sending. */
export function SiteForm({ site }: { site?: TSite }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState<TSiteInput>(site ? fromSite(site) : EMPTY);
  const [errors, setErrors] = useState<TFieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const showUnplaced = useCallback((messages: string[]) => setFormError(messages.join(" ")), []);
  useFocusFirstError(formRef, errors, showUnplaced);

  const onError = (error: { message: string }) => {
    const fields = fieldErrorsOf(error);
    // Field errors of the update procedure are nested under "data.".
    setErrors(
      Object.fromEntries(
        Object.entries(fields).map(([key, messages]) => [key.replace(/^data\./, ""), messages]),
      ),
    );
    // A banner only for what belongs to no field; field errors sit next to their fields.
    setFormError(Object.keys(fields).length > 0 ? null : error.message);
  };
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
  const isPending = create.isPending || update.isPending;

  const set = <K extends keyof TSiteInput>(key: K, value: TSiteInput[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const checked = validate(ZSiteInput, values);
    if ("errors" in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (site) update.mutate({ id: site.id, data: checked.data });
    else create.mutate(checked.data);
  }

  const text = (
    key: "slug" | "name" | "provider" | "region" | "country" | "jurisdiction",
    label: string,
    hint?: string,
  ) => (
    <Field label={label} error={errors[key]} hint={hint}>
      <input
        name={key}
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        className={inputClass}
        aria-invalid={Boolean(errors[key])}
      />
    </Field>
  );
  const num = (
    key: "wanGbps" | "egressUsdPerGb" | "carbonGPerKwh" | "latitude" | "longitude",
    label: string,
    step = "any",
  ) => (
    <Field label={label} error={errors[key]}>
      <input
        name={key}
        type="number"
        step={step}
        value={Number.isNaN(values[key]) ? "" : values[key]}
        onChange={(e) => set(key, e.target.value === "" ? Number.NaN : Number(e.target.value))}
        className={inputClass}
        aria-invalid={Boolean(errors[key])}
      />
    </Field>
  );

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-5">
      {formError ? (
        <p
          role="status"
          className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
          data-testid="form-error"
        >
          {formError}
        </p>
      ) : null}
      <fieldset className="grid grid-cols-2 gap-4">
        {text("name", "Name")}
        {text("slug", "Slug", "Lowercase id used in URLs and the API, e.g. dc-paris")}
        <Field label="Environment" error={errors.kind}>
          <select
            name="kind"
            value={values.kind}
            onChange={(e) => set("kind", e.target.value as TSiteKind)}
            className={inputClass}
          >
            {SITE_KINDS.map((k) => (
              <option key={k} value={k}>
                {SITE_KIND_LABEL[k as TSiteKind]}
              </option>
            ))}
          </select>
        </Field>
        {text("provider", "Provider", "aws, gcp, lambda, onprem, edge…")}
        {text("region", "Region")}
        {text("country", "Country", "ISO 3166-1 alpha-2, e.g. DE")}
        {text("jurisdiction", "Jurisdiction", "Legal area for data residency, e.g. EU")}
        <Field
          label="Certifications"
          error={errors.certifications ?? errors["certifications.0"]}
          hint="Comma-separated, e.g. ISO27001, SOC2, HIPAA"
        >
          <input
            name="certifications"
            value={values.certifications.join(", ")}
            onChange={(e) =>
              set(
                "certifications",
                e.target.value
                  .split(",")
                  .map((c) => c.trim())
                  .filter(Boolean),
              )
            }
            className={inputClass}
          />
        </Field>
        {num("wanGbps", "WAN bandwidth (Gbit/s)")}
        {num("egressUsdPerGb", "Egress price (USD/GB)")}
        {num("carbonGPerKwh", "Carbon intensity (gCO₂/kWh)", "1")}
        <div className="grid grid-cols-2 gap-2">
          {num("latitude", "Latitude")}
          {num("longitude", "Longitude")}
        </div>
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-semibold">Price per GPU-hour</legend>
        {errors.prices ? <p className="text-xs text-status-bad">{errors.prices.join(", ")}</p> : null}
        {values.prices.map((price, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional; a model may repeat while the user edits
          <div key={index} className="flex items-start gap-2">
            <select
              aria-label={`GPU model ${index + 1}`}
              value={price.gpuModel}
              onChange={(e) =>
                set(
                  "prices",
                  values.prices.map((p, i) =>
                    i === index ? { ...p, gpuModel: e.target.value as typeof p.gpuModel } : p,
                  ),
                )
              }
              className={`${inputClass} w-48`}
            >
              {ZGpuModel.options.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <Field label="" error={errors[`prices.${index}.usdPerGpuHour`]}>
              <input
                aria-label={`USD per GPU-hour ${index + 1}`}
                type="number"
                step="0.0001"
                value={Number.isNaN(price.usdPerGpuHour) ? "" : price.usdPerGpuHour}
                onChange={(e) =>
                  set(
                    "prices",
                    values.prices.map((p, i) =>
                      i === index
                        ? { ...p, usdPerGpuHour: e.target.value === "" ? Number.NaN : Number(e.target.value) }
                        : p,
                    ),
                  )
                }
                className={`${inputClass} w-36`}
              />
            </Field>
            <button
              type="button"
              aria-label={`Remove price ${index + 1}`}
              onClick={() =>
                set(
                  "prices",
                  values.prices.filter((_, i) => i !== index),
                )
              }
              className="p-2 text-muted hover:text-foreground"
            >
              <X className="size-4" />
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            set("prices", [
              ...values.prices,
              {
                gpuModel:
                  ZGpuModel.options.find((m) => !values.prices.some((p) => p.gpuModel === m)) ?? "H100",
                usdPerGpuHour: 1,
              },
            ])
          }
          className="inline-flex w-fit items-center gap-1 text-sm text-accent hover:underline"
        >
          <Plus className="size-3.5" aria-hidden /> Add a GPU price
        </button>
      </fieldset>

      <div className="flex gap-2">
        <button
          type="submit"
          disabled={isPending}
          className="rounded-md bg-accent px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
        >
          {isPending ? "Saving…" : site ? "Save changes" : "Create site"}
        </button>
        <button
          type="button"
          onClick={() => router.back()}
          className="rounded-md border border-border px-4 py-2 text-sm"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

const inputClass =
  "w-full rounded-md border border-border bg-surface px-3 py-1.5 text-sm aria-invalid:border-status-bad";

function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string[];
  hint?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: every caller passes its input as children
    <label className="flex flex-col gap-1 text-sm">
      {label ? <span>{label}</span> : null}
      {children}
      {error ? (
        <span className="text-xs text-status-bad">{error.join(", ")}</span>
      ) : hint ? (
        <span className="text-xs text-muted">{hint}</span>
      ) : null}
    </label>
  );
}
