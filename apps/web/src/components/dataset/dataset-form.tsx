"use client";

import type { RouterOutputs } from "@switchyard/api";
import {
  CLASSIFICATIONS,
  GB,
  residencyViolation,
  type TCreateDatasetInput,
  ZCreateDatasetInput,
} from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Controller, useWatch } from "react-hook-form";
import { CheckboxField, CheckboxGroupField, CodeListField, SubmitButton } from "~/components/form/fields";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { errorAt, useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

type TDataset = RouterOutputs["dataset"]["byId"];

const CLASSIFICATION_HINT = {
  PUBLIC: "Public: anyone may see it.",
  INTERNAL: "Internal: the company's own, no special rules.",
  CONFIDENTIAL: "Confidential: moves across borders may need a steward's approval.",
  REGULATED: "Regulated: under a named regulation; every move needs its stewards' approval.",
} as const;

const EMPTY: TCreateDatasetInput = {
  slug: "",
  name: "",
  description: "",
  sizeGb: Number.NaN,
  classification: "INTERNAL",
  regulations: [],
  residencyCountries: [],
  residencyJurisdictions: [],
  onPremOnly: false,
  ownerTeamId: "",
  stewardIds: [],
  replicaSiteIds: [],
};

function fromDataset(d: TDataset): TCreateDatasetInput {
  return {
    slug: d.slug,
    name: d.name,
    description: d.description,
    sizeGb: Number(d.sizeBytes) / GB,
    classification: d.classification,
    regulations: d.regulations,
    residencyCountries: d.residencyCountries,
    residencyJurisdictions: d.residencyJurisdictions,
    onPremOnly: d.onPremOnly,
    ownerTeamId: d.ownerTeam.id,
    stewardIds: d.stewards.map((s) => s.id),
    replicaSiteIds: d.replicas.map((r) => r.site.id),
  };
}

/**
 * Register a dataset, or edit one. Validated in the browser with the procedure's own schema.
 * `stewardId` starts a new dataset with that steward ticked. As the person types the residency
 * rules, the sites list shows which sites they forbid (the residencyViolation the server checks).
 */
export function DatasetForm({ dataset, stewardId }: { dataset?: TDataset; stewardId?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.dataset.formOptions.queryOptions());
  const state = useZodForm(
    ZCreateDatasetInput,
    // A steward who registers data stewards it (the server adds them too).
    dataset ? fromDataset(dataset) : { ...EMPTY, stewardIds: stewardId ? [stewardId] : [] },
  );
  const { form, serverError } = state;
  const {
    register,
    control,
    formState: { errors },
  } = form;
  const done = async ({ id }: { id: string }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() });
    router.push(`/datasets/${id}`);
  };
  const create = useMutation(trpc.dataset.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.dataset.update.mutationOptions({ onSuccess: done }));

  const rules = useWatch({
    control,
    name: ["residencyCountries", "residencyJurisdictions", "onPremOnly", "slug"],
  });
  const [residencyCountries, residencyJurisdictions, onPremOnly, slug] = rules;
  const classification = useWatch({ control, name: "classification" });

  const onSubmit = ({ slug: _slug, replicaSiteIds: _sites, ...fields }: TCreateDatasetInput) => {
    if (dataset) update.mutate({ id: dataset.id, data: fields }, { onError: (e) => serverError(e, "data.") });
    else
      create.mutate({ slug: _slug, replicaSiteIds: _sites, ...fields }, { onError: (e) => serverError(e) });
  };
  const err = (name: string) => errorAt(errors, name);
  const sites = options.data?.sites ?? [];
  const existingReplicas = new Set(dataset?.replicas.map((r) => r.site.id) ?? []);

  return (
    <ZodForm
      state={state}
      onSubmit={onSubmit}
      label={dataset ? `Edit ${dataset.slug}` : "Register a dataset"}
      className="flex max-w-3xl flex-col gap-5"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        {dataset ? null : (
          <FormField
            id="slug"
            label="Slug"
            hint="Never changes; used in URLs and the API."
            errors={err("slug")}
          >
            <input {...register("slug")} {...fieldProps("slug", err("slug"))} className={INPUT_CLASS} />
          </FormField>
        )}
        <FormField id="name" label="Name" errors={err("name")}>
          <input {...register("name")} {...fieldProps("name", err("name"))} className={INPUT_CLASS} />
        </FormField>
        <FormField id="sizeGb" label="Size (GB)" errors={err("sizeGb")}>
          <input
            {...register("sizeGb", { valueAsNumber: true })}
            {...fieldProps("sizeGb", err("sizeGb"))}
            type="number"
            step="any"
            min="0"
            className={INPUT_CLASS}
          />
        </FormField>
        <FormField id="ownerTeamId" label="Owner team" errors={err("ownerTeamId")}>
          <select
            {...register("ownerTeamId")}
            {...fieldProps("ownerTeamId", err("ownerTeamId"))}
            className={INPUT_CLASS}
          >
            <option value="">Choose a team…</option>
            {(options.data?.teams ?? []).map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <FormField id="description" label="Description" errors={err("description")}>
        <textarea
          {...register("description")}
          {...fieldProps("description", err("description"))}
          rows={2}
          className={INPUT_CLASS}
        />
      </FormField>

      <fieldset className="grid gap-4 rounded-lg border border-border p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold">Classification and residency</legend>
        <FormField
          id="classification"
          label="Classification"
          hint={CLASSIFICATION_HINT[classification]}
          errors={err("classification")}
        >
          <select
            {...register("classification")}
            {...fieldProps("classification", err("classification"))}
            className={INPUT_CLASS}
          >
            {CLASSIFICATIONS.map((c) => (
              <option key={c} value={c}>
                {c.charAt(0) + c.slice(1).toLowerCase()}
              </option>
            ))}
          </select>
        </FormField>
        {(
          [
            ["regulations", "Regulations", "GDPR, HIPAA"],
            ["residencyCountries", "May only reside in countries", "DE, FR (empty: anywhere)"],
            ["residencyJurisdictions", "May only reside in jurisdictions", "EU (empty: anywhere)"],
          ] as const
        ).map(([name, label, placeholder]) => (
          <CodeListField key={name} name={name} label={label} placeholder={placeholder} upperCase />
        ))}
        <div className="self-end">
          <CheckboxField name="onPremOnly" label="May only reside on-prem" />
        </div>
      </fieldset>

      <div className="rounded-lg border border-border p-4">
        <CheckboxGroupField
          name="stewardIds"
          legend="Stewards (they decide this data's approvals)"
          choices={(options.data?.stewards ?? []).map((s) => ({
            value: s.id,
            label: (
              <>
                {s.name} <span className="text-xs text-muted">{s.email}</span>
              </>
            ),
          }))}
        />
      </div>

      {dataset ? null : (
        <Controller
          control={control}
          name="replicaSiteIds"
          render={({ field }) => (
            <fieldset
              // Named, so an error on it stays on it while the sites are still loading.
              name={field.name}
              className="flex flex-col gap-1 rounded-lg border border-border p-4"
              aria-invalid={err("replicaSiteIds") ? true : undefined}
              aria-describedby={err("replicaSiteIds") ? "replicaSiteIds-error" : undefined}
            >
              <legend className="px-1 text-sm font-semibold">Where copies are stored today</legend>
              {err("replicaSiteIds") ? (
                <p id="replicaSiteIds-error" className="text-xs text-status-bad">
                  {err("replicaSiteIds")?.join(" ")}
                </p>
              ) : null}
              <div className="grid max-h-72 gap-1 overflow-y-auto sm:grid-cols-2">
                {sites.map((site) => {
                  const violation = residencyViolation(
                    { slug: slug || "this dataset", residencyCountries, residencyJurisdictions, onPremOnly },
                    site,
                  );
                  const checked = field.value.includes(site.id);
                  return (
                    <label
                      key={site.id}
                      className="flex items-start gap-2 text-sm"
                      data-testid="replica-site"
                    >
                      <input
                        type="checkbox"
                        className="mt-1"
                        name={field.name}
                        checked={checked}
                        disabled={Boolean(violation) && !checked}
                        onChange={() =>
                          field.onChange(
                            checked ? field.value.filter((id) => id !== site.id) : [...field.value, site.id],
                          )
                        }
                      />
                      <span>
                        {site.name}{" "}
                        <span className="text-xs text-muted">
                          {site.country} · {site.jurisdiction}
                        </span>
                        {violation ? (
                          <span className="block text-xs text-status-warn">{violation}</span>
                        ) : null}
                      </span>
                    </label>
                  );
                })}
              </div>
            </fieldset>
          )}
        />
      )}
      {dataset && existingReplicas.size > 0 ? (
        <p className="text-sm text-muted">
          Copies are added and removed on the dataset's page; a rule that a copy breaks is refused here.
        </p>
      ) : null}

      <div className="flex gap-2">
        <SubmitButton pending={create.isPending || update.isPending}>
          {dataset ? "Save changes" : "Register dataset"}
        </SubmitButton>
        <button
          type="button"
          onClick={() => router.back()}
          className="rounded-md border border-border px-3 py-1.5 text-sm hover:bg-foreground/5"
        >
          Cancel
        </button>
      </div>
    </ZodForm>
  );
}
