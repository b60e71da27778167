"use client";

import { ZReplicaInput } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { ErrorNote } from "~/components/table/table-parts";
import { fieldErrorsOf, type TFieldErrors, validate } from "~/lib/trpc-error";
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
  const [siteId, setSiteId] = useState("");
  const [clientErrors, setClientErrors] = useState<TFieldErrors>({});
  const add = useMutation(
    trpc.dataset.addReplica.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() }),
    }),
  );
  const errors = { ...fieldErrorsOf(add.error), ...clientErrors };
  const allowed = candidates.data?.filter((c) => c.violation === null) ?? [];
  const forbidden = candidates.data?.filter((c) => c.violation !== null) ?? [];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    add.reset();
    const checked = validate(ZReplicaInput, { datasetId, siteId });
    if ("errors" in checked) return setClientErrors(checked.errors);
    setClientErrors({});
    const slug = candidates.data?.find((c) => c.id === siteId)?.slug ?? siteId;
    add.mutate(checked.data, {
      onSuccess: (result) => {
        setSiteId("");
        onAdded(slug, result.status === "AWAITING_APPROVAL");
      },
    });
  };

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Add a replica"
      className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4"
    >
      <h3 className="text-sm font-semibold">Add a replica</h3>
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-72 flex-1">
          <FormField
            id="replica-site"
            label="Site"
            errors={errors.siteId}
            hint={
              forbidden.length > 0
                ? `${forbidden.length} site${forbidden.length === 1 ? "" : "s"} cannot hold a copy under the residency rules.`
                : undefined
            }
          >
            <select
              {...fieldProps("replica-site", errors.siteId)}
              value={siteId}
              onChange={(event) => setSiteId(event.target.value)}
              className={INPUT_CLASS}
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
            </select>
          </FormField>
        </div>
        <button
          type="submit"
          disabled={add.isPending}
          className="mt-5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent/90 disabled:opacity-50"
        >
          {add.isPending ? "Adding…" : "Add replica"}
        </button>
      </div>
      {candidates.isError ? (
        <ErrorNote message={`Could not load sites: ${candidates.error.message}`} />
      ) : null}
      {add.error && !errors.siteId ? <ErrorNote message={add.error.message} /> : null}
    </form>
  );
}
