"use client";

import { type TSaveScenarioInput, ZSaveScenarioInput } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useEffect } from "react";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { NumberField, SelectField, SubmitButton, TextAreaField, TextField } from "~/components/form/fields";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { errorAt, useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";
import { ReplayResult } from "./replay-result";

type TChange = TSaveScenarioInput["changes"][number];
type TKind = TChange["kind"];
type TSelectorBy = "siteId" | "fabric" | "gpuModel" | "label" | "nodeIds";

export const CHANGE_LABEL: Record<TKind, string> = {
  drain: "Drain nodes",
  lose: "Lose nodes",
  price: "Change a price",
  "add-capacity": "Add capacity",
  policy: "Change the policy",
  "service-demand": "Change a service's demand",
};

const SELECTOR_LABEL: Record<TSelectorBy, string> = {
  siteId: "a whole site",
  fabric: "a fabric",
  gpuModel: "a GPU model",
  label: "a node label",
  nodeIds: "node ids",
};

/** A fresh change of a kind, with the fields it needs. */
function blankChange(kind: TKind, siteId: string): TChange {
  switch (kind) {
    case "drain":
    case "lose":
      return { kind, nodes: { siteId } };
    case "price":
      return { kind, siteId, gpuModel: "H100", usdPerGpuHour: 2 };
    case "add-capacity":
      return { kind, siteId, gpuModel: "H100", nodes: 4, gpusPerNode: 8, gpuMemoryGib: 80, fabric: "" };
    case "policy":
      return { kind, profile: "cost-first" };
    case "service-demand":
      return { kind, serviceId: "", region: "" };
  }
}

function blankSelector(by: TSelectorBy, site: string): Record<string, unknown> {
  // Optional beside a fabric, model or label: an empty choice means every site.
  const siteId = site || undefined;
  switch (by) {
    case "siteId":
      return { siteId: site };
    case "fabric":
      return { fabric: "", siteId };
    case "gpuModel":
      return { gpuModel: "H100", siteId };
    case "label":
      return { label: { key: "", value: "" }, siteId };
    case "nodeIds":
      return { nodeIds: [] };
  }
}

type TScenarioRow = {
  id: string;
  name: string;
  description: string;
  teamId: string | null;
  changes: TChange[];
};

/**
 * Builds a scenario's changes, previews the replay (nothing is saved, nothing changes) and saves
 * it; an existing scenario is replaced. Errors name the change and field, next to the field.
 */
export function ScenarioEditor({
  scenario,
  canSave,
  onSaved,
}: {
  scenario?: TScenarioRow;
  canSave: boolean;
  onSaved?: (id: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = useQuery(trpc.node.options.queryOptions());
  const formOptions = useQuery(trpc.workload.formOptions.queryOptions());
  const services = useQuery(trpc.service.list.queryOptions({ pageSize: 200 }));
  const firstSite = options.data?.sites[0]?.id ?? "";
  const state = useZodForm(ZSaveScenarioInput, {
    ...(scenario ? { id: scenario.id } : {}),
    name: scenario?.name ?? "",
    description: scenario?.description ?? "",
    teamId: scenario?.teamId ?? null,
    changes: scenario?.changes ?? [{ kind: "drain", nodes: { siteId: "" } }],
  });
  const { control } = state.form;
  const changes = useFieldArray({ control, name: "changes" });
  const onError = (error: { message: string }) => state.serverError(error);
  const preview = useMutation(trpc.whatIf.preview.mutationOptions({ onError }));
  const save = useMutation(
    trpc.whatIf.save.mutationOptions({
      onError,
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.whatIf.pathKey() });
        onSaved?.(saved.id);
      },
    }),
  );
  const kinds = Object.keys(CHANGE_LABEL) as TKind[];

  return (
    <ZodForm
      state={state}
      onSubmit={(values) => save.mutate(values)}
      idPrefix="scenario-"
      label={scenario ? `Edit ${scenario.name}` : "New scenario"}
      className="flex flex-col gap-4 p-4"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" placeholder="Drain Frankfurt for maintenance" />
        <SharedWithField teams={formOptions.data?.teams ?? []} />
      </div>
      <TextAreaField name="description" label="Description" rows={2} />
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-2 text-sm font-semibold">Changes</legend>
        {changes.fields.map((field, index) => (
          <ChangeRow
            key={field.id}
            index={index}
            sites={options.data?.sites ?? []}
            gpuModels={formOptions.data?.gpuModels ?? options.data?.gpuModels ?? []}
            profiles={formOptions.data?.profiles ?? []}
            teams={formOptions.data?.teams ?? []}
            services={(services.data?.rows ?? []).filter((r) => r.state === "ACTIVE")}
            onRemove={changes.fields.length > 1 ? () => changes.remove(index) : undefined}
          />
        ))}
        <div className="flex flex-wrap gap-2">
          {kinds.map((kind) => (
            <button
              key={kind}
              type="button"
              onClick={() => changes.append(blankChange(kind, firstSite))}
              className="inline-flex items-center gap-1 rounded-md border border-border px-2 py-1 text-xs hover:bg-foreground/5"
            >
              <Plus className="size-3" aria-hidden /> {CHANGE_LABEL[kind]}
            </button>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="what-if-preview"
          onClick={() =>
            void state.form.handleSubmit(
              (values) => preview.mutate({ changes: values.changes }),
              () => state.requestFocus(),
            )()
          }
          className="rounded-md border border-border px-3 py-1.5 text-sm hover:bg-foreground/5"
        >
          {preview.isPending ? "Replaying…" : "Run what-if"}
        </button>
        {canSave ? (
          <SubmitButton pending={save.isPending}>{scenario ? "Save changes" : "Save scenario"}</SubmitButton>
        ) : (
          <span className="text-xs text-muted">
            Saving scenarios needs the Admin or Platform engineer role.
          </span>
        )}
      </div>
      {preview.data ? <ReplayResult result={preview.data} /> : null}
    </ZodForm>
  );
}

type TOption = { id: string; name: string };

function ChangeRow({
  index,
  sites,
  gpuModels,
  profiles,
  teams,
  services,
  onRemove,
}: {
  index: number;
  sites: TOption[];
  gpuModels: readonly string[];
  profiles: { name: string; description: string }[];
  teams: TOption[];
  services: TOption[];
  onRemove?: () => void;
}) {
  const { setValue, control } = useFormContext<TSaveScenarioInput>();
  const at = `changes.${index}` as const;
  const change = useWatch({ control, name: at }) as TChange | undefined;
  if (!change) return null;
  const siteOptions = (
    <>
      <option value="">Choose a site</option>
      {sites.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </>
  );
  const modelOptions = gpuModels.map((m) => (
    <option key={m} value={m}>
      {m}
    </option>
  ));
  const by: TSelectorBy | undefined =
    change.kind === "drain" || change.kind === "lose"
      ? "nodeIds" in change.nodes
        ? "nodeIds"
        : "label" in change.nodes
          ? "label"
          : "gpuModel" in change.nodes
            ? "gpuModel"
            : "fabric" in change.nodes
              ? "fabric"
              : "siteId"
      : undefined;
  const siteOf = (): string =>
    change.kind === "drain" || change.kind === "lose"
      ? "siteId" in change.nodes
        ? (change.nodes.siteId ?? "")
        : ""
      : "siteId" in change
        ? change.siteId
        : "";

  return (
    <div className="rounded-md border border-border p-3" data-testid="what-if-change">
      <div className="mb-2 flex items-center justify-between gap-2">
        <label className="flex items-center gap-2 text-sm font-medium">
          <span className="sr-only">Change {index + 1}</span>
          <select
            aria-label={`Change ${index + 1}: what changes`}
            value={change.kind}
            onChange={(e) =>
              setValue(at, blankChange(e.target.value as TKind, siteOf()), { shouldValidate: false })
            }
            className={INPUT_CLASS}
          >
            {(Object.keys(CHANGE_LABEL) as TKind[]).map((k) => (
              <option key={k} value={k}>
                {CHANGE_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        {onRemove ? (
          <button
            type="button"
            onClick={onRemove}
            aria-label={`Remove change ${index + 1}`}
            className="rounded p-1 text-muted hover:text-foreground"
          >
            <Trash2 className="size-4" aria-hidden />
          </button>
        ) : null}
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        {by ? (
          <>
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">Which nodes</span>
              <select
                aria-label={`Change ${index + 1}: which nodes`}
                value={by}
                onChange={(e) =>
                  setValue(`${at}.nodes`, blankSelector(e.target.value as TSelectorBy, siteOf()) as never)
                }
                className={INPUT_CLASS}
              >
                {(Object.keys(SELECTOR_LABEL) as TSelectorBy[]).map((k) => (
                  <option key={k} value={k}>
                    {SELECTOR_LABEL[k]}
                  </option>
                ))}
              </select>
            </label>
            {by !== "nodeIds" ? (
              <SelectField
                name={`${at}.nodes.siteId`}
                label={by === "siteId" ? "Site" : "At site (optional)"}
                parse={(v) => v || undefined}
              >
                {siteOptions}
              </SelectField>
            ) : (
              <NodeIdsField name={`${at}.nodes.nodeIds`} index={index} />
            )}
            {by === "fabric" ? <TextField name={`${at}.nodes.fabric`} label="Fabric" /> : null}
            {by === "gpuModel" ? (
              <SelectField name={`${at}.nodes.gpuModel`} label="GPU model">
                {modelOptions}
              </SelectField>
            ) : null}
            {by === "label" ? (
              <>
                <TextField name={`${at}.nodes.label.key`} label="Label" placeholder="pool" />
                <TextField name={`${at}.nodes.label.value`} label="Value" placeholder="H100" />
              </>
            ) : null}
          </>
        ) : null}
        {change.kind === "price" || change.kind === "add-capacity" ? (
          <>
            <SelectField name={`${at}.siteId`} label="Site">
              {siteOptions}
            </SelectField>
            <SelectField name={`${at}.gpuModel`} label="GPU model">
              {modelOptions}
            </SelectField>
          </>
        ) : null}
        {change.kind === "price" ? (
          <NumberField name={`${at}.usdPerGpuHour`} label="USD per GPU-hour" step="0.01" />
        ) : null}
        {change.kind === "add-capacity" ? (
          <>
            <NumberField name={`${at}.nodes`} label="Nodes" />
            <NumberField name={`${at}.gpusPerNode`} label="GPUs per node" />
            <NumberField name={`${at}.gpuMemoryGib`} label="Memory per GPU (GiB)" />
            <TextField name={`${at}.fabric`} label="Fabric (optional)" />
            <NumberField
              name={`${at}.usdPerGpuHour`}
              label="USD per GPU-hour"
              hint="Needed when the site has no price for the model"
              empty={undefined}
              step="0.01"
            />
          </>
        ) : null}
        {change.kind === "service-demand" ? (
          <ServiceDemandFields
            index={index}
            serviceId={change.serviceId}
            region={change.region}
            services={services}
          />
        ) : null}
        {change.kind === "policy" ? (
          <>
            <SelectField name={`${at}.profile`} label="Profile" parse={(v) => v || undefined}>
              <option value="">Keep each workload's profile</option>
              {profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </SelectField>
            <SelectField name={`${at}.teamId`} label="For" parse={(v) => v || undefined}>
              <option value="">Every team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </SelectField>
          </>
        ) : null}
      </div>
    </div>
  );
}

/**
 * A service-demand change: the service (active ones the user sees), one of its regions (with
 * today's demand and SLO), the new demand and, optionally, a new SLO. Choosing a service picks
 * its first region and today's demand there.
 */
function ServiceDemandFields({
  index,
  serviceId,
  region,
  services,
}: {
  index: number;
  serviceId: string;
  region: string;
  services: TOption[];
}) {
  const trpc = useTRPC();
  const { setValue } = useFormContext<TSaveScenarioInput>();
  const at = `changes.${index}` as const;
  const service = useQuery({
    ...trpc.service.byId.queryOptions({ id: serviceId }),
    enabled: serviceId !== "",
  });
  const regions = service.data?.regions ?? [];
  useEffect(() => {
    const first = regions[0];
    if (!first || regions.some((r) => r.region === region)) return;
    setValue(`${at}.region`, first.region);
    setValue(`${at}.demandRps`, first.demandRps);
  }, [regions, region, at, setValue]);
  const known = services.some((s) => s.id === serviceId);
  return (
    <>
      <SelectField name={`${at}.serviceId`} label="Service">
        <option value="">Choose a service</option>
        {!known && serviceId ? <option value={serviceId}>{serviceId}</option> : null}
        {services.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        name={`${at}.region`}
        label="User region"
        onChange={(e) => {
          const chosen = regions.find((r) => r.region === e.target.value);
          if (chosen) setValue(`${at}.demandRps`, chosen.demandRps);
        }}
      >
        {regions.length === 0 ? <option value={region}>{region || "Choose a service first"}</option> : null}
        {regions.map((r) => (
          <option key={r.region} value={r.region}>
            {r.region} (now {r.demandRps} req/s within {r.maxLatencyMs} ms)
          </option>
        ))}
      </SelectField>
      <NumberField name={`${at}.demandRps`} label="New demand (req/s)" step="any" />
      <NumberField name={`${at}.maxLatencyMs`} label="New latency SLO (ms, optional)" step="any" />
    </>
  );
}

/** Node ids typed as one comma-separated line, kept in the form as a list. */
function NodeIdsField({ name, index }: { name: string; index: number }) {
  const { setValue, getValues, formState } = useFormContext();
  const id = `scenario-${name}`;
  const errors = errorAt(formState.errors, name);
  const initial = (getValues(name) as string[] | undefined)?.join(", ") ?? "";
  return (
    <FormField id={id} label="Node ids" hint="Separated by commas" errors={errors}>
      <input
        aria-label={`Change ${index + 1}: node ids`}
        defaultValue={initial}
        onChange={(e) =>
          setValue(
            name,
            e.target.value
              .split(",")
              .map((v) => v.trim())
              .filter(Boolean),
          )
        }
        {...fieldProps(id, errors)}
        className={INPUT_CLASS}
      />
    </FormField>
  );
}

/** Who sees the scenario: everyone (null) or one team; a controlled choice kept as null or an id. */
function SharedWithField({ teams }: { teams: TOption[] }) {
  const { setValue, control, formState } = useFormContext<TSaveScenarioInput>();
  const teamId = useWatch({ control, name: "teamId" });
  const id = "scenario-teamId";
  const errors = errorAt(formState.errors, "teamId");
  return (
    <FormField id={id} label="Shared with" errors={errors}>
      <select
        value={teamId ?? ""}
        onChange={(e) => setValue("teamId", e.target.value === "" ? null : e.target.value)}
        {...fieldProps(id, errors)}
        className={INPUT_CLASS}
      >
        <option value="">Everyone signed in</option>
        {teams.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} only
          </option>
        ))}
      </select>
    </FormField>
  );
}
