"use client";

import { ZInvitePersonInput, ZSetTeamsInput } from "@switchyard/api/schemas";
import { ROLE_LABELS, ROLES, type TRole } from "@switchyard/api/session";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState } from "react";
import { Dialog } from "~/components/dialog";
import { RoleField, SubmitButton, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { OneTimeSecret } from "~/components/one-time-secret";
import { ErrorNote, SkeletonRows, Th } from "~/components/table/table-parts";
import { TeamsField } from "~/components/team/team-checkboxes";
import { formatAgo, formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";

type TPerson = { id: string; name: string; email: string; teams: { id: string; name: string }[] };
type TDialog =
  | { kind: "invite" }
  | { kind: "teams"; person: TPerson }
  | { kind: "link"; email: string; token: string; invited: boolean };

const BUTTON_CLASS =
  "rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40";

/** The console URL of a set-password link, on the origin the admin is using. */
const linkOf = (token: string) => `${window.location.origin}/set-password?token=${encodeURIComponent(token)}`;

/** Admins: people, their role and teams, how they sign in, disable/enable, new set-password links. */
export function PeoplePanel({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.user.list.queryOptions());
  const [dialog, setDialog] = useState<TDialog | null>(null);
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.user.pathKey() });
  const setRole = useMutation(trpc.user.setRole.mutationOptions({ onSuccess }));
  const setDisabled = useMutation(trpc.user.setDisabled.mutationOptions({ onSuccess }));
  const passwordLink = useMutation(trpc.user.passwordLink.mutationOptions());
  const actionError = setRole.error ?? setDisabled.error ?? passwordLink.error;
  const people = list.data ?? [];

  return (
    <section aria-labelledby="people-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="people-title" className="text-base font-semibold">
            People
          </h2>
          <p className="text-sm text-muted">
            Everyone who signs in to Switchyard. A new person gets a one-time link to set their password (or
            signs in with single sign-on, matched by their verified email). Changing a role or disabling
            someone ends their sessions at once. Every change is in the audit log.
          </p>
        </div>
        <button
          type="button"
          onClick={() => setDialog({ kind: "invite" })}
          className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent"
        >
          <Plus className="size-4" aria-hidden />
          Add person
        </button>
      </div>
      {list.isError ? <ErrorNote message={`Could not load people: ${list.error.message}`} /> : null}
      {actionError ? <ErrorNote message={actionError.message} /> : null}
      <div className="overflow-x-auto rounded-lg border border-border bg-surface">
        <table className="w-full text-sm" data-testid="people-table">
          <thead className="border-b border-border text-left text-xs text-muted">
            <tr>
              <Th>Person</Th>
              <Th>Role</Th>
              <Th>Teams</Th>
              <Th>Signs in with</Th>
              <Th>Last sign-in</Th>
              <Th>State</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {list.isPending ? (
              <SkeletonRows columns={7} rows={4} />
            ) : (
              people.map((person) => {
                const isSelf = person.id === currentUserId;
                return (
                  <tr key={person.id} className="border-t border-border" data-testid="person-row">
                    <td className="px-3 py-2">
                      <span className="font-medium">{person.name}</span>
                      <span className="block font-mono text-xs text-muted">{person.email}</span>
                    </td>
                    <td className="px-3 py-2">
                      <select
                        aria-label={`Role of ${person.email}`}
                        className="rounded-md border border-border bg-surface px-1.5 py-1 text-xs"
                        value={person.role}
                        disabled={setRole.isPending || isSelf}
                        title={isSelf ? "Another admin changes your own role" : undefined}
                        onChange={(e) => setRole.mutate({ userId: person.id, role: e.target.value as TRole })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {person.teams.map((t) => t.name).join(", ") || "—"}{" "}
                      <button
                        type="button"
                        className="ml-1 text-accent hover:underline"
                        onClick={() => setDialog({ kind: "teams", person })}
                        aria-label={`Edit teams of ${person.email}`}
                      >
                        edit
                      </button>
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {[
                        person.hasPassword ? "password" : null,
                        person.signsInWithSso ? "single sign-on" : null,
                      ]
                        .filter(Boolean)
                        .join(", ") || <span className="text-muted">invited, no password yet</span>}
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {person.lastSignInAt ? (
                        <time
                          dateTime={person.lastSignInAt.toISOString()}
                          title={formatDateTime(person.lastSignInAt)}
                        >
                          {formatAgo(person.lastSignInAt)}
                        </time>
                      ) : (
                        <span className="text-muted">never</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-xs" data-testid="person-state">
                      {person.disabled ? "disabled" : "active"}
                    </td>
                    <td className="px-3 py-2">
                      <div className="flex justify-end gap-1 whitespace-nowrap">
                        <button
                          type="button"
                          className={BUTTON_CLASS}
                          disabled={person.disabled || passwordLink.isPending}
                          title={person.disabled ? "Enable this person first" : undefined}
                          onClick={() =>
                            passwordLink.mutate(
                              { userId: person.id },
                              {
                                onSuccess: ({ email, token }) =>
                                  setDialog({ kind: "link", email, token, invited: false }),
                              },
                            )
                          }
                        >
                          New password link
                        </button>
                        <button
                          type="button"
                          className={BUTTON_CLASS}
                          disabled={setDisabled.isPending || isSelf}
                          title={isSelf ? "You cannot disable yourself" : undefined}
                          onClick={() =>
                            setDisabled.mutate({ userId: person.id, disabled: !person.disabled })
                          }
                        >
                          {person.disabled ? "Enable" : "Disable"}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <Dialog
        open={dialog !== null}
        title={
          dialog?.kind === "invite"
            ? "Add a person"
            : dialog?.kind === "teams"
              ? `Teams of ${dialog.person.name}`
              : "One-time set-password link"
        }
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === "invite" ? (
          <InviteForm
            onInvited={({ email, token }) => {
              void onSuccess();
              setDialog({ kind: "link", email, token, invited: true });
            }}
          />
        ) : dialog?.kind === "teams" ? (
          <TeamsForm
            person={dialog.person}
            onSaved={() => {
              void onSuccess();
              setDialog(null);
            }}
          />
        ) : dialog?.kind === "link" ? (
          <OneTimeSecret
            testId="password-link"
            title={
              <>
                {dialog.invited ? "Added. " : ""}Send this link to{" "}
                <span className="font-medium">{dialog.email}</span>:
              </>
            }
            secret={linkOf(dialog.token)}
            warning={
              <>
                It works <strong>once, for 24 hours</strong>, and is not shown again (Switchyard keeps only a
                hash); a new link replaces it.
              </>
            }
            onDone={() => setDialog(null)}
          />
        ) : null}
      </Dialog>
    </section>
  );
}

function InviteForm({ onInvited }: { onInvited: (invited: { email: string; token: string }) => void }) {
  const trpc = useTRPC();
  const state = useZodForm(ZInvitePersonInput, { email: "", name: "", role: "ML_ENGINEER", teamIds: [] });
  const invite = useMutation(
    trpc.user.invite.mutationOptions({ onSuccess: onInvited, onError: (error) => state.serverError(error) }),
  );
  return (
    <ZodForm
      state={state}
      onSubmit={(input) => invite.mutate(input)}
      idPrefix="person-"
      label="Add a person"
      className="flex flex-col gap-3"
    >
      <TextField
        name="email"
        label="Email"
        hint="They sign in with this address"
        type="email"
        autoComplete="off"
      />
      <TextField name="name" label="Name" autoComplete="off" />
      <RoleField />
      <TeamsField />
      <div className="flex justify-end">
        <SubmitButton pending={invite.isPending} pendingLabel="Adding…">
          Add person
        </SubmitButton>
      </div>
    </ZodForm>
  );
}

function TeamsForm({ person, onSaved }: { person: TPerson; onSaved: () => void }) {
  const trpc = useTRPC();
  const state = useZodForm(ZSetTeamsInput, { userId: person.id, teamIds: person.teams.map((t) => t.id) });
  const save = useMutation(
    trpc.user.setTeams.mutationOptions({ onSuccess: onSaved, onError: (error) => state.serverError(error) }),
  );
  return (
    <ZodForm
      state={state}
      onSubmit={(input) => save.mutate(input)}
      idPrefix="person-teams-"
      label={`Teams of ${person.name}`}
      className="flex flex-col gap-3"
    >
      <TeamsField />
      <div className="flex justify-end">
        <SubmitButton pending={save.isPending}>Save teams</SubmitButton>
      </div>
    </ZodForm>
  );
}
