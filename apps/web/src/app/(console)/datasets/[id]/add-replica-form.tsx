"use client";

import { ZReplicaInput } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { SelectField, SubmitButton } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { ErrorNote } from "~/components/table/table-parts";
import { useTRPC } from "~/trpc/react";

const KIND_LABEL = { ON_PREM: "on-prem", CLOUD: "cloud", EDGE: "edge" } as const;

/**
 * Picks a site for a new copy. Sites whose residency rule forbids a copy are listed but
 * disabled, with the rule; the server refuses them the same way if asked.
 */
export function AddReplicaForm({
  datasetId,
  onAdded,
}: {
  datasetId: string;
  /** `waitsForApproval`: the copy crosses a border and waits in the approvals inbox. */
  onAdded: (siteSlug: string, waitsForApproval: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const candidates = useQuery(trpc.dataset.replicaCandidates.queryOptions({ id: datasetId }));
  const state = useZodForm(ZReplicaInput, { datasetId, siteId: "" });
  const add = useMutation(
    trpc.dataset.addReplica.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() }),
      onError: (error) => state.serverError(error),
    }),
  );
  const allowed = candidates.data?.filter((c) => c.violation === null) ?? [];
  const forbidden = candidates.data?.filter((c) => c.violation !== null) ?? [];

  return (
    <ZodForm
      state={state}
      onSubmit={(input) => {
        const slug = candidates.data?.find((c) => c.id === input.siteId)?.slug ?? input.siteId;
        add.mutate(input, {
          onSuccess: (result) => {
            state.form.reset();
            onAdded(slug, result.status === "AWAITING_APPROVAL");
          },
        });
      }}
      idPrefix="replica-"
      label="Add a replica"
      className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4"
    >
      <h3 className="text-sm font-semibold">Add a replica</h3>
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-72 flex-1">
          <SelectField
            name="siteId"
            label="Site"
            hint={
              forbidden.length > 0
                ? `${forbidden.length} site${forbidden.length === 1 ? "" : "s"} cannot hold a copy under the residency rules.`
                : undefined
            }
            disabled={candidates.isPending}
          >
            <option value="">{candidates.isPending ? "Loading sites…" : "Choose a site…"}</option>
            {allowed.length > 0 ? (
              <optgroup label="Allowed">
                {allowed.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} · {c.country} · {KIND_LABEL[c.kind]}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {forbidden.length > 0 ? (
              <optgroup label="Not allowed by residency">
                {forbidden.map((c) => (
                  <option key={c.id} value={c.id} disabled>
                    {c.name}: {c.violation}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </SelectField>
        </div>
        <SubmitButton pending={add.isPending} pendingLabel="Adding…" className="mt-5">
          Add replica
        </SubmitButton>
      </div>
      {candidates.isError ? (
        <ErrorNote message={`Could not load sites: ${candidates.error.message}`} />
      ) : null}
    </ZodForm>
  );
}
