"use client";

import {
  humanFieldErrors,
  POLICY_PROFILES,
  type TWorkloadSpec,
  WORKLOAD_KINDS,
  ZWorkloadSpec,
} from "@switchyard/api/schemas";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";
import { PlacementPreview } from "./placement-preview";

type TForm = {
  name: string;
  kind: (typeof WORKLOAD_KINDS)[number];
  teamId: string;
  isGang: boolean;
  gpus: string;
  gangNodes: string;
  gpusPerNode: string;
  gpuModels: string[];
  estimatedHours: string;
  datasetIds: string[];
  userRegion: string;
  maxLatencyMs: string;
  certifications: string;
  allowedKinds: ("ON_PREM" | "CLOUD" | "EDGE")[];
  budgetUsd: string;
  priority: string;
  preemptible: boolean;
  dependsOn: string[];
  policyProfile: string;
  minGpuMemoryGib: string;
  deadline: string;
  command: string;
  image: string;
};

const num = (value: string) => (value.trim() === "" ? undefined : Number(value));

function toSpec(form: TForm): unknown {
  return {
    name: form.name,
    kind: form.kind,
    teamId: form.teamId,
    gpu: form.isGang
      ? { nodes: num(form.gangNodes), gpusPerNode: num(form.gpusPerNode) }
      : { count: num(form.gpus) },
    gpuModels: form.gpuModels,
    ...(form.minGpuMemoryGib ? { minGpuMemoryGib: num(form.minGpuMemoryGib) } : {}),
    estimatedHours: num(form.estimatedHours),
    datasetIds: form.datasetIds,
    ...(form.userRegion ? { latency: { userRegion: form.userRegion, maxMs: num(form.maxLatencyMs) } } : {}),
    requiredCertifications: form.certifications
      .split(",")
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean),
    allowedKinds: form.allowedKinds,
    ...(form.budgetUsd ? { budgetUsd: num(form.budgetUsd) } : {}),
    priority: num(form.priority),
    preemptible: form.preemptible,
    dependsOn: form.dependsOn,
    ...(form.deadline ? { deadline: localDateTime(form.deadline) } : {}),
    ...(form.policyProfile ? { policyProfile: form.policyProfile } : {}),
    ...(form.command.trim() ? { command: form.command } : {}),
    ...(form.image.trim() ? { image: form.image.trim() } : {}),
  };
}

/** A datetime-local value as an instant in the browser's time zone (the server's may differ). */
function localDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** The form's controls in page order, by the spec path their errors arrive on. */
const FIELD_CONTROLS: [path: string, id: string, label: string][] = [
  ["name", "name", "Name"],
  ["kind", "kind", "Kind"],
  ["teamId", "team", "Team"],
  ["estimatedHours", "hours", "Estimated hours"],
  ["gpu.nodes", "gang-nodes", "Nodes"],
  ["gpu.gpusPerNode", "gpus-per-node", "GPUs per node"],
  ["gpu.count", "gpus", "GPUs"],
  ["gpuModels", "gpu-models", "GPU models"],
  ["minGpuMemoryGib", "min-memory", "Minimum GPU memory"],
  ["datasetIds", "datasets", "Datasets"],
  ["latency.userRegion", "region", "Users in region"],
  ["latency.maxMs", "latency", "Max latency"],
  ["requiredCertifications", "certs", "Required certifications"],
  ["deadline", "deadline", "Deadline"],
  ["budgetUsd", "budget", "Budget ceiling"],
  ["priority", "priority", "Priority"],
  ["policyProfile", "profile", "Placement policy"],
  ["command", "command", "Command"],
  ["image", "image", "Container image"],
  ["allowedKinds", "environments", "Environments"],
  ["dependsOn", "depends", "Runs after"],
];
const FIELD_LABELS: Record<string, string> = Object.fromEntries(
  FIELD_CONTROLS.map(([path, , label]) => [path, label]),
);

/**
 * Errors keyed by the form's own paths: "spec." dropped, list items ("gpuModels.0") on their
 * list, and the GPU request as a whole on the GPU field shown.
 */
function errorsForForm(errors: TFieldErrors, isGang: boolean): TFieldErrors {
  const out: TFieldErrors = {};
  for (const [raw, messages] of Object.entries(errors)) {
    let path = raw.replace(/^spec\./, "").replace(/\.\d+$/, "");
    if (path === "gpu") path = isGang ? "gpu.nodes" : "gpu.count";
    out[path] = [...new Set([...(out[path] ?? []), ...messages])];
  }
  return out;
}

/** The first control with an error, in page order, and the errors that belong to no control. */
function placeErrors(errors: TFieldErrors) {
  const first = FIELD_CONTROLS.find(([path]) => errors[path])?.[1] ?? null;
  const orphans = Object.entries(errors).filter(
    ([path]) => !FIELD_CONTROLS.some(([known]) => known === path),
  );
  return { first, orphans };
}

/** Scrolls to and focuses a control (a group's first input when the id is a group). */
function focusControl(id: string) {
  const element = document.getElementById(id);
  const control =
    element instanceof HTMLInputElement ||
    element instanceof HTMLSelectElement ||
    element instanceof HTMLTextAreaElement
      ? element
      : element?.querySelector<HTMLElement>("input, select, textarea");
  element?.scrollIntoView({ block: "center" });
  control?.focus({ preventScroll: true });
}

const inputClass = INPUT_CLASS;

/** Submit a workload; a debounced preview shows where the engine would put it as the form changes. */
export function SubmitWorkloadForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.workload.formOptions.queryOptions());
  const [form, setForm] = useState<TForm>({
    name: "",
    kind: "TRAINING",
    teamId: "",
    isGang: false,
    gpus: "8",
    gangNodes: "2",
    gpusPerNode: "8",
    gpuModels: ["H100"],
    estimatedHours: "24",
    datasetIds: [],
    userRegion: "",
    maxLatencyMs: "50",
    certifications: "",
    allowedKinds: [],
    budgetUsd: "",
    priority: "50",
    preemptible: false,
    dependsOn: [],
    policyProfile: "",
    minGpuMemoryGib: "",
    deadline: "",
    command: "",
    image: "",
  });
  const [errors, setErrors] = useState<TFieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // One key per form: a double click or a retry creates one workload.
  const clientKey = useRef(`console-${crypto.randomUUID()}`);

  useEffect(() => {
    if (!form.teamId && options.data?.teams[0])
      setForm((f) => ({ ...f, teamId: options.data?.teams[0]?.id ?? "" }));
  }, [options.data, form.teamId]);

  const preview = useMutation(trpc.workload.preview.mutationOptions());
  const spec = useMemo(
    () => ZWorkloadSpec.safeParse({ ...(toSpec(form) as object), name: form.name || "preview" }),
    [form],
  );
  const specKey = spec.success ? JSON.stringify(spec.data) : null;
  const { mutate: runPreview } = preview;
  useEffect(() => {
    if (!specKey) return;
    const timer = setTimeout(() => runPreview(JSON.parse(specKey) as TWorkloadSpec), 400);
    return () => clearTimeout(timer);
  }, [specKey, runPreview]);

  /** Puts errors next to their fields and focuses the first; a banner only for the rest. */
  function showErrors(fieldErrors: TFieldErrors, message: string | null) {
    const next = errorsForForm(fieldErrors, form.isGang);
    const { first, orphans } = placeErrors(next);
    setErrors(next);
    setFormError(
      orphans.length > 0
        ? orphans.map(([, messages]) => messages.join(" ")).join(" ")
        : first
          ? null
          : message,
    );
    if (first) requestAnimationFrame(() => focusControl(first));
  }

  const submit = useMutation(
    trpc.workload.submit.mutationOptions({
      onSuccess: ({ id }) => router.push(`/workloads/${id}`),
      onError: (error) => showErrors(fieldErrorsOf(error), error.message),
    }),
  );

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const checked = validate(ZWorkloadSpec, toSpec(form));
    if ("errors" in checked) {
      showErrors(checked.errors, null);
      return;
    }
    setErrors({});
    setFormError(null);
    submit.mutate({ spec: checked.data, clientKey: clientKey.current, asDraft: false });
  }

  // An invalid form has no preview: the last valid answer would describe another request.
  const previewProblems = spec.success
    ? null
    : Object.entries(errorsForForm(humanFieldErrors(spec.error.issues), form.isGang))
        // The name does not change where it runs; the team arrives with the form's options.
        .filter(([path]) => path !== "name" && (path !== "teamId" || options.data))
        .map(([path, messages]) => `${FIELD_LABELS[path] ?? path}: ${messages.join(" ")}`);

  const set = <K extends keyof TForm>(key: K, value: TForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const toggle = <K extends "gpuModels" | "datasetIds" | "allowedKinds" | "dependsOn">(
    key: K,
    value: TForm[K][number],
  ) =>
    setForm((f) => {
      const list = f[key] as string[];
      return { ...f, [key]: list.includes(value) ? list.filter((v) => v !== value) : [...list, value] };
    });

  return (
    <div className="grid gap-5 xl:grid-cols-[1fr_24rem]">
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
        {formError ? (
          <p
            role="status"
            className="rounded-md bg-status-bad/10 px-3 py-2 text-sm text-status-bad"
            data-testid="form-error"
          >
            {formError}
          </p>
        ) : null}
        <div className="grid grid-cols-2 gap-4">
          <FormField id="name" label="Name" errors={errors.name}>
            <input
              {...fieldProps("name", errors.name)}
              value={form.name}
              onChange={(e) => set("name", e.target.value)}
              className={inputClass}
            />
          </FormField>
          <FormField id="kind" label="Kind" errors={errors.kind}>
            <select
              {...fieldProps("kind", errors.kind)}
              value={form.kind}
              onChange={(e) => set("kind", e.target.value as TForm["kind"])}
              className={inputClass}
            >
              {WORKLOAD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k.replace("_", " ").toLowerCase()}
                </option>
              ))}
            </select>
          </FormField>
          <FormField id="team" label="Team" errors={errors.teamId}>
            <select
              {...fieldProps("team", errors.teamId)}
              value={form.teamId}
              onChange={(e) => set("teamId", e.target.value)}
              className={inputClass}
            >
              {options.data?.teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </FormField>
          <FormField id="hours" label="Estimated hours" errors={errors.estimatedHours}>
            <input
              {...fieldProps("hours", errors.estimatedHours)}
              type="number"
              min="0"
              step="0.5"
              value={form.estimatedHours}
              onChange={(e) => set("estimatedHours", e.target.value)}
              className={inputClass}
            />
          </FormField>
        </div>

        <fieldset className="rounded-lg border border-border p-3">
          <legend className="px-1 text-sm font-semibold">GPUs</legend>
          <label className="mb-2 flex items-center gap-2 text-sm">
            <input type="checkbox" checked={form.isGang} onChange={(e) => set("isGang", e.target.checked)} />{" "}
            Gang across several nodes (one fabric)
          </label>
          <div className="grid grid-cols-3 gap-4">
            {form.isGang ? (
              <>
                <FormField id="gang-nodes" label="Nodes" errors={errors["gpu.nodes"]}>
                  <input
                    {...fieldProps("gang-nodes", errors["gpu.nodes"])}
                    type="number"
                    value={form.gangNodes}
                    onChange={(e) => set("gangNodes", e.target.value)}
                    className={inputClass}
                  />
                </FormField>
                <FormField id="gpus-per-node" label="GPUs per node" errors={errors["gpu.gpusPerNode"]}>
                  <input
                    {...fieldProps("gpus-per-node", errors["gpu.gpusPerNode"])}
                    type="number"
                    value={form.gpusPerNode}
                    onChange={(e) => set("gpusPerNode", e.target.value)}
                    className={inputClass}
                  />
                </FormField>
              </>
            ) : (
              <FormField id="gpus" label="GPUs" errors={errors["gpu.count"]}>
                <input
                  {...fieldProps("gpus", errors["gpu.count"])}
                  type="number"
                  value={form.gpus}
                  onChange={(e) => set("gpus", e.target.value)}
                  className={inputClass}
                />
              </FormField>
            )}
          </div>
          <div className="mt-3 text-sm">
            GPU models{" "}
            {errors.gpuModels ? (
              <span className="text-xs text-status-bad">{errors.gpuModels.join(", ")}</span>
            ) : null}
          </div>
          <div id="gpu-models" className="mt-1 flex flex-wrap gap-3 text-sm">
            {options.data?.gpuModels.map((m) => (
              <label key={m} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={form.gpuModels.includes(m)}
                  onChange={() => toggle("gpuModels", m)}
                />{" "}
                {m}
              </label>
            ))}
          </div>
          <div className="mt-3 w-64">
            <FormField
              id="min-memory"
              label="…or any GPU with at least (GiB)"
              errors={errors.minGpuMemoryGib}
            >
              <input
                {...fieldProps("min-memory", errors.minGpuMemoryGib)}
                type="number"
                value={form.minGpuMemoryGib}
                onChange={(e) => set("minGpuMemoryGib", e.target.value)}
                className={inputClass}
              />
            </FormField>
          </div>
        </fieldset>

        <fieldset className="rounded-lg border border-border p-3">
          <legend className="px-1 text-sm font-semibold">Data and constraints</legend>
          <div className="text-sm">
            Datasets read{" "}
            {errors.datasetIds ? (
              <span className="text-xs text-status-bad">{errors.datasetIds.join(" ")}</span>
            ) : null}
          </div>
          <div id="datasets" className="mt-1 grid max-h-40 grid-cols-2 gap-1 overflow-auto text-sm">
            {options.data?.datasets.map((d) => (
              <label key={d.id} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={form.datasetIds.includes(d.id)}
                  onChange={() => toggle("datasetIds", d.id)}
                  aria-label={`Dataset ${d.name}`}
                />{" "}
                {d.name}
                <span className="text-xs text-muted">{d.classification.toLowerCase()}</span>
              </label>
            ))}
          </div>
          <div className="mt-3 grid grid-cols-3 gap-4">
            <FormField
              id="region"
              label="Users in region (latency SLO)"
              errors={errors["latency.userRegion"]}
            >
              <select
                {...fieldProps("region", errors["latency.userRegion"])}
                value={form.userRegion}
                onChange={(e) => set("userRegion", e.target.value)}
                className={inputClass}
              >
                <option value="">No latency SLO</option>
                {options.data?.userRegions.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </FormField>
            <FormField id="latency" label="Max latency (ms)" errors={errors["latency.maxMs"]}>
              <input
                {...fieldProps("latency", errors["latency.maxMs"])}
                type="number"
                disabled={!form.userRegion}
                value={form.maxLatencyMs}
                onChange={(e) => set("maxLatencyMs", e.target.value)}
                className={inputClass}
              />
            </FormField>
            <FormField id="certs" label="Required certifications" errors={errors.requiredCertifications}>
              <input
                {...fieldProps("certs", errors.requiredCertifications)}
                placeholder="HIPAA, SOC2"
                value={form.certifications}
                onChange={(e) => set("certifications", e.target.value)}
                className={inputClass}
              />
            </FormField>
            <FormField id="deadline" label="Deadline" errors={errors.deadline}>
              <input
                {...fieldProps("deadline", errors.deadline)}
                type="datetime-local"
                value={form.deadline}
                onChange={(e) => set("deadline", e.target.value)}
                className={inputClass}
              />
            </FormField>
            <FormField id="budget" label="Budget ceiling (USD)" errors={errors.budgetUsd}>
              <input
                {...fieldProps("budget", errors.budgetUsd)}
                type="number"
                value={form.budgetUsd}
                onChange={(e) => set("budgetUsd", e.target.value)}
                className={inputClass}
              />
            </FormField>
            <FormField id="priority" label="Priority (0-100)" errors={errors.priority}>
              <input
                {...fieldProps("priority", errors.priority)}
                type="number"
                value={form.priority}
                onChange={(e) => set("priority", e.target.value)}
                className={inputClass}
              />
            </FormField>
            <FormField id="profile" label="Placement policy" errors={errors.policyProfile}>
              <select
                {...fieldProps("profile", errors.policyProfile)}
                value={form.policyProfile}
                onChange={(e) => set("policyProfile", e.target.value)}
                className={inputClass}
              >
                <option value="">Default (balanced)</option>
                {POLICY_PROFILES.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </FormField>
          </div>
          <FormField
            id="command"
            label="Command (run by the site's scheduler, e.g. Slurm; leave empty where people start work by hand)"
            errors={errors.command}
          >
            <textarea
              {...fieldProps("command", errors.command)}
              rows={3}
              value={form.command}
              onChange={(e) => set("command", e.target.value)}
              placeholder="srun python train.py --config configs/70b.yaml"
              className={`${inputClass} font-mono`}
            />
          </FormField>
          <FormField
            id="image"
            label="Container image (run by Kubernetes sites; leave empty elsewhere)"
            errors={errors.image}
          >
            <input
              {...fieldProps("image", errors.image)}
              value={form.image}
              onChange={(e) => set("image", e.target.value)}
              placeholder="nvcr.io/nvidia/pytorch:25.01-py3"
              className={`${inputClass} font-mono`}
            />
          </FormField>
          <div id="environments" className="mt-3 flex flex-wrap gap-4 text-sm">
            <span>
              Environments:
              {errors.allowedKinds ? (
                <span className="ml-1 text-xs text-status-bad">{errors.allowedKinds.join(" ")}</span>
              ) : null}
            </span>
            {(["ON_PREM", "CLOUD", "EDGE"] as const).map((k) => (
              <label key={k} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={form.allowedKinds.includes(k)}
                  onChange={() => toggle("allowedKinds", k)}
                />{" "}
                {k.replace("_", "-").toLowerCase()}
              </label>
            ))}
            <label className="flex items-center gap-1.5">
              <input
                type="checkbox"
                checked={form.preemptible}
                onChange={(e) => set("preemptible", e.target.checked)}
              />{" "}
              Preemptible
            </label>
          </div>
          {options.data && options.data.parents.length > 0 ? (
            <FormField id="depends" label="Runs after (pipeline)" errors={errors.dependsOn}>
              <select
                {...fieldProps("depends", errors.dependsOn)}
                value={form.dependsOn[0] ?? ""}
                onChange={(e) => set("dependsOn", e.target.value ? [e.target.value] : [])}
                className={inputClass}
              >
                <option value="">Nothing: place now</option>
                {options.data.parents.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.state.toLowerCase()})
                  </option>
                ))}
              </select>
            </FormField>
          ) : null}
        </fieldset>

        <div>
          <button
            type="submit"
            disabled={submit.isPending}
            className="rounded-md bg-accent px-4 py-2 text-sm font-medium text-on-accent disabled:opacity-60"
          >
            {submit.isPending ? "Submitting…" : "Submit and place"}
          </button>
        </div>
      </form>
      <PlacementPreview
        result={previewProblems ? undefined : preview.data}
        isPending={!previewProblems && preview.isPending}
        error={
          previewProblems
            ? `To see where this would run, fix: ${previewProblems.join("; ")}`
            : (preview.error?.message ?? null)
        }
      />
    </div>
  );
}
