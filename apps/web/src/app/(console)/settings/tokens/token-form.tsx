"use client";

import type { RouterInputs } from "@switchyard/api";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormField, fieldProps, INPUT_CLASS } from "~/components/form/form-field";
import { ErrorNote } from "~/components/table/table-parts";
import { fieldErrorsOf } from "~/lib/trpc-error";
import { useTRPC } from "~/trpc/react";

type TScope = RouterInputs["token"]["create"]["scopes"][number];
const SCOPES: { scope: TScope; label: string; hint: string }[] = [
  { scope: "read", label: "read", hint: "List and read everything the owner can see (GET)" },
  {
    scope: "write",
    label: "write",
    hint: "Submit, schedule and cancel workloads; change the estate as the role allows",
  },
  { scope: "approve", label: "approve", hint: "Approve or reject requests the owner may decide" },
  { scope: "admin", label: "admin", hint: "Admin-only operations (admins' tokens only)" },
];
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
  const create = useMutation(trpc.token.create.mutationOptions());
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TScope[]>(["read"]);
  const [teamId, setTeamId] = useState("");
  const [expiry, setExpiry] = useState("90");
  const errors = fieldErrorsOf(create.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name,
        scopes,
        teamId: teamId || null,
        expiresInDays: expiry === "never" ? null : Number(expiry),
        serviceAccountId: serviceAccount?.id ?? null,
      },
      { onSuccess: ({ secret, token }) => onCreated({ name: token.name, secret }) },
    );
  };
  const toggle = (scope: TScope) =>
    setScopes((current) =>
      current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope],
    );

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New API token">
      {serviceAccount ? (
        <p className="text-sm text-muted">
          A token of the service account{" "}
          <span className="font-medium text-foreground">{serviceAccount.name}</span>.
        </p>
      ) : null}
      <FormField
        id="token-name"
        label="Name"
        hint="What uses it: a pipeline, a notebook, a script"
        errors={errors.name}
      >
        <input
          {...fieldProps("token-name", errors.name)}
          className={INPUT_CLASS}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="nightly-eval pipeline"
          required
        />
      </FormField>
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1 text-xs font-medium text-muted">Scopes</legend>
        {SCOPES.filter((s) => s.scope !== "admin" || canAdmin).map((s) => (
          <label key={s.scope} className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-1"
              checked={scopes.includes(s.scope)}
              onChange={() => toggle(s.scope)}
            />
            <span>
              <span className="font-mono">{s.label}</span>{" "}
              <span className="text-xs text-muted">{s.hint}</span>
            </span>
          </label>
        ))}
        {errors.scopes ? <p className="text-xs text-status-bad">{errors.scopes.join(" ")}</p> : null}
        <p className="text-xs text-muted">
          A token never does more than its owner's role allows at the time of each request.
        </p>
      </fieldset>
      {serviceAccount ? null : (
        <FormField
          id="token-team"
          label="Team"
          hint="Restrict the token to one team's work"
          errors={errors.teamId}
        >
          <select
            {...fieldProps("token-team", errors.teamId)}
            className={INPUT_CLASS}
            value={teamId}
            onChange={(e) => setTeamId(e.target.value)}
          >
            <option value="">All my teams</option>
            {(options.data?.teams ?? []).map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </FormField>
      )}
      <FormField id="token-expiry" label="Expires after" errors={errors.expiresInDays}>
        <select
          {...fieldProps("token-expiry", errors.expiresInDays)}
          className={INPUT_CLASS}
          value={expiry}
          onChange={(e) => setExpiry(e.target.value)}
        >
          {EXPIRIES.map((option) => (
            <option key={option.label} value={option.days === null ? "never" : String(option.days)}>
              {option.label}
            </option>
          ))}
        </select>
      </FormField>
      {create.error && Object.keys(errors).length === 0 ? <ErrorNote message={create.error.message} /> : null}
      <div className="flex justify-end">
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          {create.isPending ? "Creating…" : "Create token"}
        </button>
      </div>
    </form>
  );
}
