"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { Dialog } from "~/components/dialog";
import { SuccessNote } from "~/components/form/form-field";
import { actionsColumn, DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote } from "~/components/table/table-parts";
import { formatAgo, formatDateTime } from "~/lib/format-time";
import { useTRPC } from "~/trpc/react";
import { TokenForm } from "./token-form";
import { TokenReveal } from "./token-reveal";

export type TTokenRow = RouterOutputs["token"]["list"]["rows"][number];
type TDialog = { kind: "create" } | { kind: "secret"; name: string; secret: string };

const STATUS_CLASS: Record<TTokenRow["status"], string> = {
  ACTIVE: "bg-status-ok/12 text-status-ok",
  EXPIRED: "bg-status-warn/12 text-status-warn",
  REVOKED: "bg-status-bad/12 text-status-bad",
};

/** The panel lists one page: the newest tokens first. */
const MAX_TOKENS_SHOWN = 200;

/** The columns; the owner's only when the list shows everyone's tokens. */
function tokenColumns(
  showOwner: boolean,
  actions: { isPending: boolean; revoke: (token: TTokenRow) => void },
): TColumn<TTokenRow>[] {
  const columns: (TColumn<TTokenRow> | false)[] = [
    { id: "name", header: "Name", className: "font-medium", cell: (token) => token.name },
    {
      id: "token",
      header: "Token",
      hideable: true,
      className: "font-mono text-xs md:whitespace-nowrap",
      cell: (token) => `${token.prefix}…`,
    },
    showOwner && {
      id: "owner",
      header: "Owner",
      hideable: true,
      className: "text-xs",
      cell: (token) => (
        <>
          {token.user.name}
          <span className="block text-muted">{token.kind.toLowerCase()}</span>
        </>
      ),
    },
    {
      id: "scopes",
      header: "Scopes",
      hideable: true,
      className: "font-mono text-xs",
      cell: (token) => (token.kind === "AGENT" ? "agent" : token.scopes.join(", ")),
    },
    {
      id: "scope",
      header: "Team / site",
      hideable: true,
      className: "text-xs",
      cell: (token) => token.site?.name ?? token.team?.name ?? <span className="text-muted">all teams</span>,
    },
    {
      id: "created",
      header: "Created",
      hideable: true,
      className: "text-xs md:whitespace-nowrap",
      cell: (token) => <span title={formatDateTime(token.createdAt)}>{formatAgo(token.createdAt)}</span>,
    },
    {
      id: "expires",
      header: "Expires",
      hideable: true,
      className: "text-xs md:whitespace-nowrap",
      cell: (token) =>
        token.expiresAt ? formatDateTime(token.expiresAt) : <span className="text-status-warn">never</span>,
    },
    {
      id: "lastUsed",
      header: "Last used",
      hideable: true,
      className: "text-xs md:whitespace-nowrap",
      cell: (token) =>
        token.lastUsedAt ? (
          <span title={formatDateTime(token.lastUsedAt)}>
            {formatAgo(token.lastUsedAt)}
            {token.lastUsedIp ? <span className="block font-mono text-muted">{token.lastUsedIp}</span> : null}
          </span>
        ) : (
          <span className="text-muted">never</span>
        ),
    },
    {
      id: "state",
      header: "State",
      cell: (token) => (
        <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_CLASS[token.status]}`}>
          {token.status.toLowerCase()}
        </span>
      ),
    },
    actionsColumn((token) =>
      token.status === "REVOKED" ? null : (
        <button
          type="button"
          className="rounded-md border border-border bg-surface px-2 py-1 text-xs text-status-bad hover:bg-foreground/5 disabled:opacity-40"
          disabled={actions.isPending}
          onClick={() => actions.revoke(token)}
        >
          Revoke
        </button>
      ),
    ),
  ];
  return columns.filter((column) => column !== false);
}

/** Personal API tokens (admins: every token) with create, shown once, and one-click revoke. */
export function TokensPanel({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [owner, setOwner] = useState<"mine" | "all">("mine");
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const list = useQuery(trpc.token.list.queryOptions({ owner, includeRevoked, pageSize: MAX_TOKENS_SHOWN }));
  const [dialog, setDialog] = useState<TDialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.token.pathKey() });
  const revoke = useMutation(trpc.token.revoke.mutationOptions({ onSuccess }));

  return (
    <section aria-labelledby="tokens-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="tokens-title" className="text-base font-semibold">
            API tokens
          </h2>
          <p className="text-sm text-muted">
            For pipelines, scripts and the <code className="font-mono">switchyard</code> CLI. A token acts as
            its owner, narrowed to its scopes and team; disabling the owner stops it at once.
          </p>
        </div>
        <button
          type="button"
          onClick={() => {
            setNotice(null);
            setDialog({ kind: "create" });
          }}
          className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent"
        >
          <Plus className="size-4" aria-hidden />
          New token
        </button>
      </div>
      <div className="flex flex-wrap gap-4 text-sm">
        {isAdmin ? (
          <label className="flex items-center gap-1.5">
            <input
              type="checkbox"
              checked={owner === "all"}
              onChange={(e) => setOwner(e.target.checked ? "all" : "mine")}
            />
            Everyone's tokens (service accounts and agents included)
          </label>
        ) : null}
        <label className="flex items-center gap-1.5">
          <input
            type="checkbox"
            checked={includeRevoked}
            onChange={(e) => setIncludeRevoked(e.target.checked)}
          />
          Show revoked
        </label>
      </div>
      <DataTable
        id="tokens"
        label="API tokens"
        columns={tokenColumns(owner === "all", {
          isPending: revoke.isPending,
          revoke: (token) =>
            revoke.mutate(
              { id: token.id },
              {
                onSuccess: () =>
                  setNotice(`${token.name} (${token.prefix}…) is revoked: it stopped working now.`),
              },
            ),
        })}
        query={list}
        rowTestId="token-row"
        empty={{
          icon: KeyRound,
          title: "No API tokens yet",
          children: "Create one to call the REST API under /api/v1 or use the switchyard CLI.",
        }}
      >
        {revoke.error ? <ErrorNote message={revoke.error.message} /> : null}
        {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      </DataTable>
      <Dialog
        open={dialog !== null}
        title={dialog?.kind === "secret" ? "Your new API token" : "New API token"}
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === "create" ? (
          <TokenForm
            canAdmin={isAdmin}
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
