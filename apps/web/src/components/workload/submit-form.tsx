"use client";

import { POLICY_PROFILES, SITE_KINDS, WORKLOAD_KINDS, ZWorkloadSpec } from "@switchyard/api/schemas";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useWatch } from "react-hook-form";
import { z } from "zod";
import {
  CheckboxField,
  CheckboxGroupField,
  CodeListField,
  NumberField,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
} from "~/components/form/fields";
import { useParsedValues, useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";
import { PlacementPreview } from "./placement-preview";

/** The form's values: the spec's own paths where it has one, so every error lands on its field. */
type TSubmitForm = {
  name: string;
  kind: (typeof WORKLOAD_KINDS)[number];
  teamId: string;
  estimatedHours: number | undefined;
  /** Which GPU request is sent: a gang (nodes × GPUs per node) or a count on one node. */
  isGang: boolean;
  gpu: { count: number | undefined; nodes: number | undefined; gpusPerNode: number | undefined };
  gpuModels: string[];
  minGpuMemoryGib: number | null;
  datasetIds: string[];
  latency: { userRegion: string; maxMs: number | undefined };
  requiredCertifications: string[];
  deadline: string;
  budgetUsd: number | null;
  priority: number | undefined;
  policyProfile: string;
  command: string;
  image: string;
  allowedKinds: (typeof SITE_KINDS)[number][];
  preemptible: boolean;
  /** One parent at most in the console (the API takes a list). */
  dependsOn: string;
  /** Training and fine-tuning: the model it registers when it succeeds; empty: the defaults. */
  output: { name: string; version: string; sizeGb: number | null };
};

const DEFAULTS: TSubmitForm = {
  name: "",
  kind: "TRAINING",
  teamId: "",
  estimatedHours: 24,
  isGang: false,
  gpu: { count: 8, nodes: 2, gpusPerNode: 8 },
  gpuModels: ["H100"],
  minGpuMemoryGib: null,
  datasetIds: [],
  latency: { userRegion: "", maxMs: 50 },
  requiredCertifications: [],
  deadline: "",
  budgetUsd: null,
  priority: 50,
  policyProfile: "",
  command: "",
  image: "",
  allowedKinds: [],
  preemptible: false,
  dependsOn: "",
  output: { name: "", version: "", sizeGb: null },
};

/** The fields' labels by spec path: on the fields, and in the preview's list of what to fix. */
const LABEL = {
  name: "Name",
  kind: "Kind",
  teamId: "Team",
  estimatedHours: "Estimated hours",
  "gpu.nodes": "Nodes",
  "gpu.gpusPerNode": "GPUs per node",
  "gpu.count": "GPUs",
  gpuModels: "GPU models",
  minGpuMemoryGib: "…or any GPU with at least (GiB)",
  datasetIds: "Datasets read",
  "latency.userRegion": "Users in region (latency SLO)",
  "latency.maxMs": "Max latency (ms)",
  requiredCertifications: "Required certifications",
  deadline: "Deadline",
  budgetUsd: "Budget ceiling (USD)",
  priority: "Priority (0-100)",
  policyProfile: "Placement policy",
  command: "Command (run by the site's scheduler, e.g. Slurm; leave empty where people start work by hand)",
  image: "Container image (run by Kubernetes sites; leave empty elsewhere)",
  allowedKinds: "Environments",
  dependsOn: "Runs after (pipeline)",
  output: "Model it produces",
  "output.name": "Model name (default: the workload's name)",
  "output.version": "Model version (default: the next free one)",
  "output.sizeGb": "Model size in GB (default: estimated from the GPUs it holds)",
} as const;

/** A datetime-local value as an instant in the browser's time zone (the server's may differ). */
function localDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** The spec the form stands for; what it leaves empty is left out. */
function toSpec({ isGang, gpu, latency, dependsOn, output, ...form }: TSubmitForm): unknown {
  const producesModel = form.kind === "TRAINING" || form.kind === "FINE_TUNING";
  const hasOutput = Boolean(output.name.trim() || output.version.trim() || output.sizeGb !== null);
  return {
    name: form.name,
    kind: form.kind,
    teamId: form.teamId,
    gpu: isGang ? { nodes: gpu.nodes, gpusPerNode: gpu.gpusPerNode } : { count: gpu.count },
    gpuModels: form.gpuModels,
    minGpuMemoryGib: form.minGpuMemoryGib ?? undefined,
    estimatedHours: form.estimatedHours,
    datasetIds: form.datasetIds,
    latency: latency.userRegion ? latency : undefined,
    requiredCertifications: form.requiredCertifications,
    allowedKinds: form.allowedKinds,
    budgetUsd: form.budgetUsd ?? undefined,
    priority: form.priority,
    preemptible: form.preemptible,
    dependsOn: dependsOn ? [dependsOn] : [],
    deadline: form.deadline ? localDateTime(form.deadline) : undefined,
    policyProfile: form.policyProfile || undefined,
    command: form.command.trim() ? form.command : undefined,
    image: form.image.trim() || undefined,
    output:
      producesModel && hasOutput
        ? {
            name: output.name.trim() || undefined,
            version: output.version.trim() || undefined,
            sizeGb: output.sizeGb ?? undefined,
          }
        : undefined,
  };
}

/** The form checked as the spec it stands for: the procedure's own schema, on the form's paths. */
const specOf = (read: (form: TSubmitForm) => unknown) =>
  z.custom<TSubmitForm>().transform(read).pipe(ZWorkloadSpec);
const ZSubmitForm = specOf(toSpec);
/** The name does not change where a workload runs: the preview does not wait for one. */
const ZPreviewForm = specOf((form) => toSpec({ ...form, name: "preview" }));

/** "GPUs: Enter a whole number of GPUs" for each problem (a list's items on their list). */
function problemsOf(errors: Record<string, string[]>, isTeamShown: boolean): string[] {
  return Object.entries(errors)
    .map(([path, messages]) => [path.replace(/\.\d+$/, ""), messages] as const)
    .filter(([path]) => path !== "teamId" || isTeamShown)
    .map(([path, messages]) => `${LABEL[path as keyof typeof LABEL] ?? path}: ${messages.join(" ")}`);
}

const kindWords = (kind: string) => kind.replace("_", " ").toLowerCase();

/** Submit a workload; a debounced preview shows where the engine would put it as the form changes. */
export function SubmitWorkloadForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.workload.formOptions.queryOptions());
  const state = useZodForm(ZSubmitForm, DEFAULTS);
  const { form, serverError } = state;
  // One key per form: a double click or a retry creates one workload.
  const clientKey = useRef(`console-${crypto.randomUUID()}`);

  const firstTeam = options.data?.teams[0]?.id;
  useEffect(() => {
    if (firstTeam && !form.getValues("teamId")) form.setValue("teamId", firstTeam);
  }, [firstTeam, form]);
  const [isGang, userRegion, kind] = useWatch({
    control: form.control,
    name: ["isGang", "latency.userRegion", "kind"],
  });

  const preview = useMutation(trpc.workload.preview.mutationOptions());
  const parsed = useParsedValues(form.control, ZPreviewForm);
  const specKey = "data" in parsed ? JSON.stringify(parsed.data) : null;
  const { mutate: runPreview } = preview;
  useEffect(() => {
    if (!specKey) return;
    const timer = setTimeout(() => runPreview(JSON.parse(specKey)), 400);
    return () => clearTimeout(timer);
  }, [specKey, runPreview]);
  // An invalid form has no preview: the last valid answer would describe another request.
  // The team is chosen once the form's options arrive; until then it is no problem to show.
  const problems = "errors" in parsed ? problemsOf(parsed.errors, Boolean(options.data)) : [];

  const submit = useMutation(
    trpc.workload.submit.mutationOptions({ onSuccess: ({ id }) => router.push(`/workloads/${id}`) }),
  );
  const data = options.data;

  return (
    <div className="grid gap-5 xl:grid-cols-[1fr_24rem]">
      <ZodForm
        state={state}
        onSubmit={(spec) =>
          submit.mutate(
            { spec, clientKey: clientKey.current, asDraft: false },
            { onError: (error) => serverError(error, "spec.") },
          )
        }
        label="Submit a workload"
        className="flex flex-col gap-4"
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField name="name" label={LABEL.name} autoComplete="off" />
          <SelectField name="kind" label={LABEL.kind}>
            {WORKLOAD_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindWords(k)}
              </option>
            ))}
          </SelectField>
          <SelectField name="teamId" label={LABEL.teamId}>
            {data?.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </SelectField>
          <NumberField name="estimatedHours" label={LABEL.estimatedHours} min="0" step="0.5" />
        </div>

        <fieldset className="flex flex-col gap-3 rounded-lg border border-border p-3">
          <legend className="px-1 text-sm font-semibold">GPUs</legend>
          <CheckboxField name="isGang" label="Gang across several nodes (one fabric)" />
          <div className="grid gap-4 sm:grid-cols-3">
            {isGang ? (
              <>
                <NumberField name="gpu.nodes" label={LABEL["gpu.nodes"]} />
                <NumberField name="gpu.gpusPerNode" label={LABEL["gpu.gpusPerNode"]} />
              </>
            ) : (
              <NumberField name="gpu.count" label={LABEL["gpu.count"]} />
            )}
          </div>
          <CheckboxGroupField
            name="gpuModels"
            legend={LABEL.gpuModels}
            listClassName="flex flex-wrap gap-3"
            choices={(data?.gpuModels ?? []).map((m) => ({ value: m, label: m }))}
          />
          <div className="sm:w-64">
            <NumberField name="minGpuMemoryGib" label={LABEL.minGpuMemoryGib} empty={null} />
          </div>
        </fieldset>

        <fieldset className="flex flex-col gap-3 rounded-lg border border-border p-3">
          <legend className="px-1 text-sm font-semibold">Data and constraints</legend>
          <CheckboxGroupField
            name="datasetIds"
            legend={LABEL.datasetIds}
            listClassName="grid max-h-40 gap-1 overflow-auto sm:grid-cols-2"
            choices={(data?.datasets ?? []).map((d) => ({
              value: d.id,
              label: d.name,
              hint: d.classification.toLowerCase(),
            }))}
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField name="latency.userRegion" label={LABEL["latency.userRegion"]}>
              <option value="">No latency SLO</option>
              {data?.userRegions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </SelectField>
            <NumberField name="latency.maxMs" label={LABEL["latency.maxMs"]} disabled={!userRegion} />
            <CodeListField
              name="requiredCertifications"
              label={LABEL.requiredCertifications}
              placeholder="HIPAA, SOC2"
              upperCase
            />
            <TextField name="deadline" label={LABEL.deadline} type="datetime-local" />
            <NumberField name="budgetUsd" label={LABEL.budgetUsd} empty={null} />
            <NumberField name="priority" label={LABEL.priority} />
            <SelectField name="policyProfile" label={LABEL.policyProfile}>
              <option value="">Default (balanced)</option>
              {POLICY_PROFILES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </SelectField>
          </div>
          <TextAreaField
            name="command"
            label={LABEL.command}
            rows={3}
            placeholder="srun python train.py --config configs/70b.yaml"
            className="font-mono"
          />
          <TextField
            name="image"
            label={LABEL.image}
            placeholder="nvcr.io/nvidia/pytorch:25.01-py3"
            className="font-mono"
          />
          {kind === "TRAINING" || kind === "FINE_TUNING" ? (
            <fieldset className="grid gap-3 sm:grid-cols-3">
              <legend className="mb-1 text-xs font-semibold text-muted">{LABEL.output}</legend>
              <TextField name="output.name" label={LABEL["output.name"]} />
              <TextField name="output.version" label={LABEL["output.version"]} placeholder="v2" />
              <NumberField name="output.sizeGb" label={LABEL["output.sizeGb"]} empty={null} />
            </fieldset>
          ) : null}
          <CheckboxGroupField
            name="allowedKinds"
            legend={LABEL.allowedKinds}
            listClassName="flex flex-wrap gap-4"
            choices={SITE_KINDS.map((k) => ({ value: k, label: k.replace("_", "-").toLowerCase() }))}
          />
          <CheckboxField name="preemptible" label="Preemptible" />
          {data && data.parents.length > 0 ? (
            <SelectField name="dependsOn" label={LABEL.dependsOn}>
              <option value="">Nothing: place now</option>
              {data.parents.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.state.toLowerCase()})
                </option>
              ))}
            </SelectField>
          ) : null}
        </fieldset>

        <div>
          <SubmitButton pending={submit.isPending} pendingLabel="Submitting…">
            Submit and place
          </SubmitButton>
        </div>
      </ZodForm>
      <PlacementPreview
        result={specKey ? preview.data : undefined}
        isPending={Boolean(specKey) && preview.isPending}
        error={
          problems.length > 0
            ? `To see where this would run, fix: ${problems.join("; ")}`
            : specKey
              ? (preview.error?.message ?? null)
              : null
        }
      />
    </div>
  );
}
