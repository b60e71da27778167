"use client";

import { ZCreateServiceAccountInput } from "@switchyard/api/schemas";
import { ROLE_LABELS } from "@switchyard/api/session";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bot, Plus } from "lucide-react";
import { useState } from "react";
import { Dialog } from "~/components/dialog";
import { EmptyState } from "~/components/empty-state";
import { RoleField, SubmitButton, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { ErrorNote, SkeletonRows, Th } from "~/components/table/table-parts";
import { TeamsField } from "~/components/team/team-checkboxes";
import { useTRPC } from "~/trpc/react";
import { TokenForm } from "./token-form";
import { TokenReveal } from "./token-reveal";

type TDialog =
  | { kind: "account" }
  | { kind: "token"; account: { id: string; name: string } }
  | { kind: "secret"; name: string; secret: string };

/** Admins: service accounts (users of kind SERVICE with a role), their tokens, disable/enable. */
export function ServiceAccountsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.token.serviceAccounts.queryOptions());
  const [dialog, setDialog] = useState<TDialog | null>(null);
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.token.pathKey() });
  const setDisabled = useMutation(trpc.token.setServiceAccountDisabled.mutationOptions({ onSuccess }));
  const accounts = list.data ?? [];
  return (
    <section aria-labelledby="service-accounts-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="service-accounts-title" className="text-base font-semibold">
            Service accounts
          </h2>
          <p className="text-sm text-muted">
            Accounts for automation: they have a role and teams like a person, never sign in, and act only
            through their tokens. Disabling one stops all its tokens at once.
          </p>
        </div>
        <button
          type="button"
          onClick={() => setDialog({ kind: "account" })}
          className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent"
        >
          <Plus className="size-4" aria-hidden />
          New service account
        </button>
      </div>
      {list.isError ? (
        <ErrorNote message={`Could not load the service accounts: ${list.error.message}`} />
      ) : null}
      {setDisabled.error ? <ErrorNote message={setDisabled.error.message} /> : null}
      {list.isSuccess && accounts.length === 0 ? (
        <EmptyState icon={Bot} title="No service accounts yet">
          Create one for each pipeline or system that calls Switchyard, with the least role it needs.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="service-accounts-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <Th>Name</Th>
                <Th>Role</Th>
                <Th>Teams</Th>
                <Th align="right">Active tokens</Th>
                <Th>State</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {list.isPending ? (
                <SkeletonRows columns={6} rows={2} />
              ) : (
                accounts.map((account) => (
                  <tr key={account.id} className="border-t border-border" data-testid="service-account-row">
                    <td className="px-3 py-2">
                      <span className="font-medium">{account.name}</span>
                      <span className="block font-mono text-xs text-muted">{account.email}</span>
                    </td>
                    <td className="px-3 py-2 text-xs">{ROLE_LABELS[account.role]}</td>
                    <td className="px-3 py-2 text-xs">
                      {account.teams.map((t) => t.name).join(", ") || "—"}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{account.activeTokens}</td>
                    <td className="px-3 py-2 text-xs">{account.disabled ? "disabled" : "active"}</td>
                    <td className="px-3 py-2">
                      <div className="flex justify-end gap-1 whitespace-nowrap">
                        <button
                          type="button"
                          className="rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40"
                          disabled={account.disabled}
                          onClick={() => setDialog({ kind: "token", account })}
                        >
                          New token
                        </button>
                        <button
                          type="button"
                          className="rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40"
                          disabled={setDisabled.isPending}
                          onClick={() => setDisabled.mutate({ id: account.id, disabled: !account.disabled })}
                        >
                          {account.disabled ? "Enable" : "Disable"}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={dialog !== null}
        title={
          dialog?.kind === "account"
            ? "New service account"
            : dialog?.kind === "token"
              ? "New service account token"
              : "Your new API token"
        }
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === "account" ? (
          <ServiceAccountForm
            onCreated={(account) => {
              void onSuccess();
              setDialog({ kind: "token", account });
            }}
          />
        ) : dialog?.kind === "token" ? (
          <TokenForm
            serviceAccount={dialog.account}
            canAdmin
            onCreated={({ name, secret }) => {
              void onSuccess();
              setDialog({ kind: "secret", name, secret });
            }}
          />
        ) : dialog?.kind === "secret" ? (
          <TokenReveal name={dialog.name} secret={dialog.secret} onDone={() => setDialog(null)} />
        ) : null}
      </Dialog>
    </section>
  );
}

function ServiceAccountForm({ onCreated }: { onCreated: (account: { id: string; name: string }) => void }) {
  const trpc = useTRPC();
  const state = useZodForm(ZCreateServiceAccountInput, { name: "", role: "ML_ENGINEER", teamIds: [] });
  const create = useMutation(
    trpc.token.createServiceAccount.mutationOptions({
      onSuccess: onCreated,
      onError: (error) => state.serverError(error),
    }),
  );
  return (
    <ZodForm
      state={state}
      onSubmit={(input) => create.mutate(input)}
      idPrefix="sa-"
      label="New service account"
      className="flex flex-col gap-3"
    >
      <TextField name="name" label="Name" hint="The system it stands for, e.g. Airflow production" />
      <RoleField hint="The least role the automation needs" />
      <TeamsField />
      <div className="flex justify-end">
        <SubmitButton pending={create.isPending} pendingLabel="Creating…">
          Create service account
        </SubmitButton>
      </div>
    </ZodForm>
  );
}
