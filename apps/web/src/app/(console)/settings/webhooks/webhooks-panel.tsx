"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Webhook } from "lucide-react";
import Link from "next/link";
import { Fragment, type ReactNode, useState } from "react";
import { Dialog } from "~/components/dialog";
import { EmptyState } from "~/components/empty-state";
import { SuccessNote } from "~/components/form/form-field";
import { ErrorNote, ExportCsvLink, Pagination, SkeletonRows, Th } from "~/components/table/table-parts";
import { formatInt } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { SecretReveal } from "./secret-reveal";
import { type TWebhookRow, WebhookForm } from "./webhook-form";

type TDialog =
  | { kind: "create" }
  | { kind: "edit"; webhook: TWebhookRow }
  | { kind: "secret"; name: string; secret: string; title: string };
type TConfirm = { kind: "rotate" | "delete"; webhook: TWebhookRow };

const BUTTON =
  "rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40";

/** The webhooks table with create, edit, enable/disable, test, rotate and delete. */
export function WebhooksPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const list = useQuery(trpc.webhook.list.queryOptions({ page }, { refetchInterval: 10_000 }));
  const [dialog, setDialog] = useState<TDialog | null>(null);
  const [confirm, setConfirm] = useState<TConfirm | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() });
  const update = useMutation(trpc.webhook.update.mutationOptions({ onSuccess }));
  const sendTest = useMutation(trpc.webhook.sendTest.mutationOptions({ onSuccess }));
  const rotate = useMutation(trpc.webhook.rotateSecret.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.webhook.remove.mutationOptions({ onSuccess }));
  const mutations = [update, sendTest, rotate, remove];
  const error = mutations.find((m) => m.error)?.error;
  const isBusy = mutations.some((m) => m.isPending);

  const start = (action: () => void) => {
    for (const m of mutations) m.reset();
    setNotice(null);
    action();
  };
  const toggleEnabled = (webhook: TWebhookRow) =>
    start(() =>
      update.mutate(
        { id: webhook.id, enabled: !webhook.enabled },
        {
          onSuccess: () =>
            setNotice(
              webhook.enabled
                ? `${webhook.name} is disabled: its events wait until it is enabled again.`
                : `${webhook.name} is enabled.`,
            ),
        },
      ),
    );
  const test = (webhook: TWebhookRow) =>
    start(() =>
      sendTest.mutate(
        { id: webhook.id },
        { onSuccess: () => setNotice(`Test ping queued for ${webhook.name}: watch the delivery log below.`) },
      ),
    );
  const runConfirmed = ({ kind, webhook }: TConfirm) =>
    start(() =>
      kind === "rotate"
        ? rotate.mutate(
            { id: webhook.id },
            {
              onSuccess: ({ secret }) => {
                setConfirm(null);
                setDialog({ kind: "secret", name: webhook.name, secret, title: "New signing secret" });
              },
            },
          )
        : remove.mutate(
            { id: webhook.id },
            {
              onSuccess: () => {
                setConfirm(null);
                setNotice(`${webhook.name} is deleted, with its delivery log.`);
              },
            },
          ),
    );

  const webhooks = list.data?.rows ?? [];
  return (
    <section aria-labelledby="webhooks-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="webhooks-title" className="text-base font-semibold">
            Webhooks
          </h2>
          <p className="text-sm text-muted">
            Signed JSON POSTs for approval requests, decisions and workload state changes, retried with
            backoff for about three hours.
          </p>
        </div>
        <div className="flex items-center gap-2">
          <ExportCsvLink table="webhooks" queryString="" />
          <button
            type="button"
            onClick={() => setDialog({ kind: "create" })}
            className="inline-flex items-center gap-1.5 rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-on-accent"
          >
            <Plus className="size-4" aria-hidden />
            New webhook
          </button>
        </div>
      </div>
      {list.isError ? <ErrorNote message={`Could not load the webhooks: ${list.error.message}`} /> : null}
      {error ? <ErrorNote message={error.message} /> : null}
      {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      {list.isSuccess && webhooks.length === 0 ? (
        <EmptyState icon={Webhook} title="No webhooks yet">
          Add a URL to receive approval requests, decisions and workload state changes as they happen, signed
          with a secret only you and Switchyard know.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border bg-surface">
          <table className="w-full text-sm" data-testid="webhooks-table">
            <thead className="border-b border-border text-left text-xs text-muted">
              <tr>
                <Th>Name</Th>
                <Th>URL</Th>
                <Th>Events</Th>
                <Th>State</Th>
                <Th align="right">
                  <span
                    title={`Deliveries created in the last ${list.data?.recentHours ?? 24} hours; pending: all`}
                  >
                    Delivered · failed · pending ({list.data?.recentHours ?? 24} h)
                  </span>
                </Th>
                <Th>Secret</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {list.isPending ? (
                <SkeletonRows columns={7} rows={3} />
              ) : (
                webhooks.map((webhook) => (
                  <Fragment key={webhook.id}>
                    <tr className="border-t border-border align-top" data-testid="webhook-row">
                      <td className="px-3 py-2 font-medium">{webhook.name}</td>
                      <td className="max-w-64 truncate px-3 py-2 font-mono text-xs" title={webhook.url}>
                        {webhook.url}
                      </td>
                      <td className="px-3 py-2 text-xs">
                        {webhook.events.length === 0 ? (
                          <span className="text-muted">All events</span>
                        ) : (
                          <span className="flex flex-col gap-0.5 font-mono">
                            {webhook.events.map((e) => (
                              <span key={e}>{e}</span>
                            ))}
                          </span>
                        )}
                      </td>
                      <td className="px-3 py-2">
                        <EnabledBadge isEnabled={webhook.enabled} />
                      </td>
                      <td className="px-3 py-2 text-right text-xs tabular-nums whitespace-nowrap">
                        <CountLink webhookId={webhook.id} status="SUCCEEDED" className="text-status-ok">
                          {formatInt(webhook.deliveries.succeeded)}
                        </CountLink>
                        {" · "}
                        <CountLink webhookId={webhook.id} status="FAILED" className="text-status-bad">
                          {formatInt(webhook.deliveries.failed)}
                        </CountLink>
                        {" · "}
                        <CountLink webhookId={webhook.id} status="PENDING" className="text-muted">
                          {formatInt(webhook.deliveries.pending)}
                        </CountLink>
                      </td>
                      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-muted">
                        {webhook.secretHint}
                      </td>
                      <td className="px-3 py-2">
                        <div className="flex justify-end gap-1 whitespace-nowrap">
                          <button
                            type="button"
                            className={BUTTON}
                            disabled={isBusy || !webhook.enabled}
                            title={
                              webhook.enabled
                                ? "Queue a webhook.ping to this URL"
                                : "Enable it to send a test"
                            }
                            onClick={() => test(webhook)}
                          >
                            Send test
                          </button>
                          <button
                            type="button"
                            className={BUTTON}
                            onClick={() => setDialog({ kind: "edit", webhook })}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className={BUTTON}
                            disabled={isBusy}
                            onClick={() => toggleEnabled(webhook)}
                          >
                            {webhook.enabled ? "Disable" : "Enable"}
                          </button>
                          <button
                            type="button"
                            className={BUTTON}
                            disabled={isBusy}
                            onClick={() => setConfirm({ kind: "rotate", webhook })}
                          >
                            Rotate secret
                          </button>
                          <button
                            type="button"
                            className={`${BUTTON} text-status-bad`}
                            disabled={isBusy}
                            onClick={() => setConfirm({ kind: "delete", webhook })}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    </tr>
                    {confirm?.webhook.id === webhook.id ? (
                      <tr className="border-t border-border bg-background">
                        <td colSpan={7} className="px-3 py-2.5">
                          <ConfirmBar
                            confirm={confirm}
                            isPending={rotate.isPending || remove.isPending}
                            onConfirm={() => runConfirmed(confirm)}
                            onCancel={() => setConfirm(null)}
                          />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      {list.data ? (
        <Pagination page={list.data.page} pages={list.data.pages} total={list.data.total} onPage={setPage} />
      ) : null}
      <Dialog
        open={dialog !== null}
        title={
          dialog?.kind === "edit"
            ? `Edit ${dialog.webhook.name}`
            : dialog?.kind === "secret"
              ? dialog.title
              : "New webhook"
        }
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === "create" ? (
          <WebhookForm
            onCancel={() => setDialog(null)}
            onCreated={({ name, secret }) =>
              setDialog({ kind: "secret", name, secret, title: "Webhook created" })
            }
          />
        ) : dialog?.kind === "edit" ? (
          <WebhookForm
            webhook={dialog.webhook}
            onCancel={() => setDialog(null)}
            onSaved={() => {
              setNotice(`${dialog.webhook.name} is saved.`);
              setDialog(null);
            }}
          />
        ) : dialog?.kind === "secret" ? (
          <SecretReveal name={dialog.name} secret={dialog.secret} onDone={() => setDialog(null)} />
        ) : null}
      </Dialog>
    </section>
  );
}

function ConfirmBar({
  confirm,
  isPending,
  onConfirm,
  onCancel,
}: {
  confirm: TConfirm;
  isPending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const isDelete = confirm.kind === "delete";
  return (
    <div
      role="alertdialog"
      aria-label={isDelete ? "Confirm delete" : "Confirm secret rotation"}
      className="flex flex-wrap items-center gap-2 text-sm"
    >
      <span>
        {isDelete
          ? `Delete ${confirm.webhook.name}? Its delivery log goes too, and events not yet delivered are dropped.`
          : `Rotate the secret of ${confirm.webhook.name}? From now on every request is signed with the new secret, so the receiver rejects them until it has it.`}
      </span>
      <button
        type="button"
        onClick={onConfirm}
        disabled={isPending}
        className={`rounded-md px-3 py-1 font-medium text-on-accent ${isDelete ? "bg-status-bad" : "bg-accent"}`}
      >
        {isPending ? "Working…" : isDelete ? "Delete webhook" : "Rotate secret"}
      </button>
      <button type="button" onClick={onCancel} className="rounded-md border border-border px-3 py-1">
        Keep
      </button>
    </div>
  );
}

function EnabledBadge({ isEnabled }: { isEnabled: boolean }) {
  const tone = isEnabled ? "var(--color-status-ok)" : "var(--color-status-idle)";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs font-medium" style={{ color: tone }}>
      <span className="size-1.5 rounded-full" style={{ backgroundColor: tone }} />
      {isEnabled ? "enabled" : "disabled"}
    </span>
  );
}

/** A count that opens the delivery log filtered to it. */
function CountLink({
  webhookId,
  status,
  className,
  children,
}: {
  webhookId: string;
  status: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <Link
      href={`?webhook=${encodeURIComponent(webhookId)}&status=${status}#delivery-log`}
      scroll={false}
      className={`${className} hover:underline`}
      title={`Show ${status.toLowerCase()} deliveries`}
    >
      {children}
    </Link>
  );
}
