"use client";

import type { RouterOutputs } from "@switchyard/api";
import { ZNodeInput } from "@switchyard/api/schemas";
import { GPU_MODEL_NAMES, GPU_MODELS, type TGpuModel } from "@switchyard/db/gpu-models";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { NumberField, SelectField, SubmitButton, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

type TSite = RouterOutputs["node"]["options"]["sites"][number];

export function NodeForm({ sites, defaultSiteId }: { sites: TSite[]; defaultSiteId?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const state = useZodForm(ZNodeInput, {
    siteId: sites.some((s) => s.id === defaultSiteId) ? (defaultSiteId ?? "") : "",
    hostname: "",
    gpuModel: "H100",
    gpuCount: 8,
    gpuMemoryGib: GPU_MODELS.H100.memoryGib,
    fabric: "",
    interconnect: GPU_MODELS.H100.interconnect,
    driverVersion: "",
  });
  const create = useMutation(
    trpc.node.create.mutationOptions({
      onSuccess: async (node) => {
        await queryClient.invalidateQueries({ queryKey: trpc.node.pathKey() });
        router.push(`/nodes/${node.id}`);
      },
      onError: (error) => state.serverError(error),
    }),
  );
  // A model brings its memory and interconnect, which the person may still change.
  const onModel = (model: TGpuModel) => {
    state.form.setValue("gpuMemoryGib", GPU_MODELS[model].memoryGib);
    state.form.setValue("interconnect", GPU_MODELS[model].interconnect);
  };

  return (
    <ZodForm
      state={state}
      onSubmit={({ driverVersion, ...node }) =>
        create.mutate({ ...node, driverVersion: driverVersion || undefined })
      }
      idPrefix="node-"
      label="New node"
      className="grid max-w-3xl gap-4 rounded-lg border border-border bg-surface p-5 sm:grid-cols-2"
    >
      <SelectField name="siteId" label="Site">
        <option value="">Choose a site…</option>
        {sites.map((site) => (
          <option key={site.id} value={site.id}>
            {site.name} ({site.slug})
          </option>
        ))}
      </SelectField>
      <TextField
        name="hostname"
        label="Hostname"
        hint="Unique at its site, e.g. dc-ashburn-h100-049"
        autoComplete="off"
        className="font-mono"
      />
      <SelectField
        name="gpuModel"
        label="GPU model"
        onChange={(event) => onModel(event.target.value as TGpuModel)}
      >
        {GPU_MODEL_NAMES.map((model) => (
          <option key={model} value={model}>
            {GPU_MODELS[model].label}
          </option>
        ))}
      </SelectField>
      <div className="grid grid-cols-2 gap-3">
        <NumberField name="gpuCount" label="GPUs" min={1} max={16} />
        <NumberField name="gpuMemoryGib" label="Memory per GPU (GiB)" min={1} />
      </div>
      <TextField
        name="fabric"
        label="Fabric"
        hint="Nodes of one fabric can host one gang"
        autoComplete="off"
        className="font-mono"
      />
      <TextField name="interconnect" label="Interconnect" />
      <TextField name="driverVersion" label="Driver version (optional)" />
      <div className="flex items-center gap-2 sm:col-span-2">
        <SubmitButton pending={create.isPending} pendingLabel="Adding…">
          Add node
        </SubmitButton>
        <Link href="/nodes" className="rounded-md px-3 py-1.5 text-sm text-muted hover:text-foreground">
          Cancel
        </Link>
      </div>
    </ZodForm>
  );
}
