"use client";

import type { RouterOutputs } from "@switchyard/api";
import { type TSiteGroupInput, ZSiteGroupInput } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckboxGroupField, SubmitButton, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

export type TSiteGroupRow = RouterOutputs["fairShare"]["siteGroups"][number];

/** Create a site group, or rename one and change its sites (the slug stays). */
export function SiteGroupForm({
  group,
  onSaved,
  onCancel,
}: {
  group?: TSiteGroupRow;
  onSaved: (name: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sites = useQuery(trpc.site.locations.queryOptions()).data ?? [];
  const state = useZodForm(ZSiteGroupInput, {
    slug: group?.slug ?? "",
    name: group?.name ?? "",
    siteIds: group?.sites.map((s) => s.id) ?? [],
  } satisfies TSiteGroupInput);
  const options = {
    onSuccess: async (saved: { name: string }) => {
      await queryClient.invalidateQueries({ queryKey: trpc.fairShare.pathKey() });
      onSaved(saved.name);
    },
    onError: (error: { message: string }) => state.serverError(error),
  };
  const create = useMutation(trpc.fairShare.createSiteGroup.mutationOptions(options));
  const update = useMutation(trpc.fairShare.updateSiteGroup.mutationOptions(options));
  const choices = [...sites]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({ value: s.id, label: s.name, hint: `${s.kind.toLowerCase()} · ${s.slug}` }));

  return (
    <ZodForm
      state={state}
      onSubmit={(input) => {
        if (group) update.mutate({ id: group.id, name: input.name, siteIds: input.siteIds });
        else create.mutate(input);
      }}
      idPrefix="site-group-"
      label={group ? `Edit ${group.name}` : "New site group"}
      className="flex flex-col gap-4"
    >
      <TextField name="name" label="Name" hint="e.g. EU data centres" autoComplete="off" />
      <TextField
        name="slug"
        label="Slug"
        hint="Lowercase letters, digits and dashes; it cannot change later"
        autoComplete="off"
        className="font-mono"
        readOnly={group !== undefined}
      />
      <CheckboxGroupField
        name="siteIds"
        legend="Sites"
        choices={choices}
        listClassName="grid max-h-72 gap-1.5 overflow-y-auto sm:grid-cols-2"
      />
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md border border-border px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
        <SubmitButton pending={create.isPending || update.isPending}>
          {group ? "Save changes" : "Create site group"}
        </SubmitButton>
      </div>
    </ZodForm>
  );
}
