"use client";

import { TOKEN_SCOPE_DESCRIPTIONS, ZCreateTokenInput } from "@switchyard/api/schemas";
import { useMutation, useQuery } from "@tanstack/react-query";
import { CheckboxGroupField, SelectField, SubmitButton, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

const SCOPES = (["read", "write", "approve", "admin"] as const).map((scope) => ({
  value: scope,
  label: <span className="font-mono">{scope}</span>,
  hint: TOKEN_SCOPE_DESCRIPTIONS[scope],
}));
const EXPIRIES = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 180, label: "180 days" },
  { days: 366, label: "1 year" },
  { days: null, label: "Never (not recommended)" },
] as const;

/**
 * Creates a personal token, or (serviceAccount given) a token of that service account. The
 * secret comes back once, to `onCreated`.
 */
export function TokenForm({
  serviceAccount,
  canAdmin,
  onCreated,
}: {
  serviceAccount?: { id: string; name: string };
  canAdmin: boolean;
  onCreated: (created: { name: string; secret: string }) => void;
}) {
  const trpc = useTRPC();
  const options = useQuery(trpc.workload.formOptions.queryOptions());
  const state = useZodForm(ZCreateTokenInput, {
    name: "",
    scopes: ["read"],
    teamId: null,
    expiresInDays: 90,
    serviceAccountId: serviceAccount?.id ?? null,
  });
  const create = useMutation(
    trpc.token.create.mutationOptions({
      onSuccess: ({ secret, token }) => onCreated({ name: token.name, secret }),
      onError: (error) => state.serverError(error),
    }),
  );

  return (
    <ZodForm
      state={state}
      onSubmit={(input) => create.mutate(input)}
      idPrefix={serviceAccount ? "sa-token-" : "token-"}
      label="New API token"
      className="flex flex-col gap-3"
    >
      {serviceAccount ? (
        <p className="text-sm text-muted">
          A token of the service account{" "}
          <span className="font-medium text-foreground">{serviceAccount.name}</span>.
        </p>
      ) : null}
      <TextField
        name="name"
        label="Name"
        hint="What uses it: a pipeline, a notebook, a script"
        placeholder="nightly-eval pipeline"
      />
      <CheckboxGroupField
        name="scopes"
        legend="Scopes"
        choices={SCOPES.filter((s) => s.value !== "admin" || canAdmin)}
      >
        <p className="text-xs text-muted">
          A token never does more than its owner's role allows at the time of each request.
        </p>
      </CheckboxGroupField>
      {serviceAccount ? null : (
        <SelectField name="teamId" label="Team" hint="Restrict the token to one team's work" emptyAs={null}>
          <option value="">All my teams</option>
          {(options.data?.teams ?? []).map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </SelectField>
      )}
      <SelectField
        name="expiresInDays"
        label="Expires after"
        parse={(value) => (value === "never" ? null : Number(value))}
      >
        {EXPIRIES.map((option) => (
          <option key={option.label} value={option.days === null ? "never" : String(option.days)}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <div className="flex justify-end">
        <SubmitButton pending={create.isPending} pendingLabel="Creating…">
          Create token
        </SubmitButton>
      </div>
    </ZodForm>
  );
}
