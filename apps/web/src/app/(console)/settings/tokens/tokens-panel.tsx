"use client";

import type { RouterOutputs } from "@switchyard/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { Dialog } from "~/components/dialog";
import { EmptyState } from "~/components/empty-state";
import { SuccessNote } from "~/components/form/form-field";
import { ErrorNote, SkeletonRows, Th } from "~/components/table/table-parts";
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
  const tokens = list.data?.rows ?? [];

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
      {list.isError ? <ErrorNote message={`Could not load the tokens: ${list.error.message}`} /> : null}
      {revoke.error ? <ErrorNote message={revoke.error.message} /> : null}
      {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      {list.isSuccess && tokens.length === 0 ? (
        <EmptyState icon={KeyRound} title="No API tokens yet">
          Create one to call the REST API under /api/v1 or use the switchyard CLI.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="tokens-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <Th>Name</Th>
                <Th>Token</Th>
                {owner === "all" ? <Th>Owner</Th> : null}
                <Th>Scopes</Th>
                <Th>Team / site</Th>
                <Th>Created</Th>
                <Th>Expires</Th>
                <Th>Last used</Th>
                <Th>State</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {list.isPending ? (
                <SkeletonRows columns={9} rows={3} />
              ) : (
                tokens.map((token) => (
                  <tr key={token.id} className="border-t border-border align-top" data-testid="token-row">
                    <td className="px-3 py-2 font-medium">{token.name}</td>
                    <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{token.prefix}…</td>
                    {owner === "all" ? (
                      <td className="px-3 py-2 text-xs">
                        {token.user.name}
                        <span className="block text-muted">{token.kind.toLowerCase()}</span>
                      </td>
                    ) : null}
                    <td className="px-3 py-2 font-mono text-xs">
                      {token.kind === "AGENT" ? "agent" : token.scopes.join(", ")}
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {token.site?.name ?? token.team?.name ?? <span className="text-muted">all teams</span>}
                    </td>
                    <td
                      className="px-3 py-2 text-xs whitespace-nowrap"
                      title={formatDateTime(token.createdAt)}
                    >
                      {formatAgo(token.createdAt)}
                    </td>
                    <td className="px-3 py-2 text-xs whitespace-nowrap">
                      {token.expiresAt ? (
                        formatDateTime(token.expiresAt)
                      ) : (
                        <span className="text-status-warn">never</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-xs whitespace-nowrap">
                      {token.lastUsedAt ? (
                        <span title={formatDateTime(token.lastUsedAt)}>
                          {formatAgo(token.lastUsedAt)}
                          {token.lastUsedIp ? (
                            <span className="block font-mono text-muted">{token.lastUsedIp}</span>
                          ) : null}
                        </span>
                      ) : (
                        <span className="text-muted">never</span>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_CLASS[token.status]}`}>
                        {token.status.toLowerCase()}
                      </span>
                    </td>
                    <td className="px-3 py-2 text-right">
                      {token.status === "REVOKED" ? null : (
                        <button
                          type="button"
                          className="rounded-md border border-border bg-surface px-2 py-1 text-xs text-status-bad hover:bg-foreground/5 disabled:opacity-40"
                          disabled={revoke.isPending}
                          onClick={() =>
                            revoke.mutate(
                              { id: token.id },
                              {
                                onSuccess: () =>
                                  setNotice(
                                    `${token.name} (${token.prefix}…) is revoked: it stopped working now.`,
                                  ),
                              },
                            )
                          }
                        >
                          Revoke
                        </button>
                      )}
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
