"use client";

import type { RouterOutputs } from "@switchyard/api";
import { type TNodeInput, ZNodeInput } from "@switchyard/api/schemas";
import { GPU_MODEL_NAMES, GPU_MODELS, type TGpuModel } from "@switchyard/db/gpu-models";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { ErrorNote } from "~/components/table/table-parts";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";

type TSite = RouterOutputs["node"]["options"]["sites"][number];

const numberOrUndefined = (value: string) => (value.trim() === "" ? undefined : Number(value));

export function NodeForm({ sites, defaultSiteId }: { sites: TSite[]; defaultSiteId?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({
    siteId: sites.some((s) => s.id === defaultSiteId) ? (defaultSiteId ?? "") : "",
    hostname: "",
    gpuModel: "H100" as TGpuModel,
    gpuCount: "8",
    gpuMemoryGib: String(GPU_MODELS.H100.memoryGib),
    fabric: "",
    interconnect: GPU_MODELS.H100.interconnect as string,
    driverVersion: "",
  });
  const [clientErrors, setClientErrors] = useState<TFieldErrors>({});
  const create = useMutation(
    trpc.node.create.mutationOptions({
      onSuccess: async (node) => {
        await queryClient.invalidateQueries({ queryKey: trpc.node.pathKey() });
        router.push(`/nodes/${node.id}`);
      },
    }),
  );
  const errors = { ...fieldErrorsOf(create.error), ...clientErrors };
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));

  const onModel = (model: TGpuModel) =>
    setValues((v) => ({
      ...v,
      gpuModel: model,
      gpuMemoryGib: String(GPU_MODELS[model].memoryGib),
      interconnect: GPU_MODELS[model].interconnect,
    }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.reset();
    const checked = validate<TNodeInput>(ZNodeInput, {
      ...values,
      gpuCount: numberOrUndefined(values.gpuCount),
      gpuMemoryGib: numberOrUndefined(values.gpuMemoryGib),
      driverVersion: values.driverVersion || undefined,
    });
    if ("errors" in checked) return setClientErrors(checked.errors);
    setClientErrors({});
    create.mutate(checked.data);
  };

  const formError =
    create.error && Object.keys(fieldErrorsOf(create.error)).length === 0 ? create.error : null;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid max-w-3xl gap-4 rounded-lg border border-border bg-surface p-5 sm:grid-cols-2"
      aria-label="New node"
    >
      <FormField id="node-site" label="Site" errors={errors.siteId}>
        <select
          {...fieldProps("node-site", errors.siteId)}
          value={values.siteId}
          onChange={set("siteId")}
          className={INPUT_CLASS}
        >
          <option value="">Choose a site…</option>
          {sites.map((site) => (
            <option key={site.id} value={site.id}>
              {site.name} ({site.slug})
            </option>
          ))}
        </select>
      </FormField>
      <FormField
        id="node-hostname"
        label="Hostname"
        errors={errors.hostname}
        hint="Unique at its site, e.g. dc-ashburn-h100-049"
      >
        <input
          {...fieldProps("node-hostname", errors.hostname)}
          value={values.hostname}
          onChange={set("hostname")}
          autoComplete="off"
          className={`${INPUT_CLASS} font-mono`}
        />
      </FormField>
      <FormField id="node-model" label="GPU model" errors={errors.gpuModel}>
        <select
          {...fieldProps("node-model", errors.gpuModel)}
          value={values.gpuModel}
          onChange={(event) => onModel(event.target.value as TGpuModel)}
          className={INPUT_CLASS}
        >
          {GPU_MODEL_NAMES.map((model) => (
            <option key={model} value={model}>
              {GPU_MODELS[model].label}
            </option>
          ))}
        </select>
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField id="node-gpus" label="GPUs" errors={errors.gpuCount}>
          <input
            {...fieldProps("node-gpus", errors.gpuCount)}
            type="number"
            min={1}
            max={16}
            value={values.gpuCount}
            onChange={set("gpuCount")}
            className={INPUT_CLASS}
          />
        </FormField>
        <FormField id="node-memory" label="Memory per GPU (GiB)" errors={errors.gpuMemoryGib}>
          <input
            {...fieldProps("node-memory", errors.gpuMemoryGib)}
            type="number"
            min={1}
            value={values.gpuMemoryGib}
            onChange={set("gpuMemoryGib")}
            className={INPUT_CLASS}
          />
        </FormField>
      </div>
      <FormField
        id="node-fabric"
        label="Fabric"
        errors={errors.fabric}
        hint="Nodes of one fabric can host one gang"
      >
        <input
          {...fieldProps("node-fabric", errors.fabric)}
          value={values.fabric}
          onChange={set("fabric")}
          autoComplete="off"
          className={`${INPUT_CLASS} font-mono`}
        />
      </FormField>
      <FormField id="node-interconnect" label="Interconnect" errors={errors.interconnect}>
        <input
          {...fieldProps("node-interconnect", errors.interconnect)}
          value={values.interconnect}
          onChange={set("interconnect")}
          className={INPUT_CLASS}
        />
      </FormField>
      <FormField id="node-driver" label="Driver version (optional)" errors={errors.driverVersion}>
        <input
          {...fieldProps("node-driver", errors.driverVersion)}
          value={values.driverVersion}
          onChange={set("driverVersion")}
          className={INPUT_CLASS}
        />
      </FormField>
      <div className="sm:col-span-2 flex flex-col gap-3">
        {formError ? <ErrorNote message={formError.message} /> : null}
        <div className="flex items-center gap-2">
          <button
            type="submit"
            disabled={create.isPending}
            className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 disabled:opacity-50"
          >
            {create.isPending ? "Adding…" : "Add node"}
          </button>
          <Link href="/nodes" className="rounded-md px-3 py-1.5 text-sm text-muted hover:text-foreground">
            Cancel
          </Link>
        </div>
      </div>
    </form>
  );
}
