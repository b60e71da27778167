"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Webhook } from "lucide-react";
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { Dialog } from "~/components/dialog";
import { SuccessNote } from "~/components/form/form-field";
import { actionsColumn, DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote, ExportCsvLink } from "~/components/table/table-parts";
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

type TWebhookActions = {
  isBusy: boolean;
  test: (webhook: TWebhookRow) => void;
  edit: (webhook: TWebhookRow) => void;
  toggleEnabled: (webhook: TWebhookRow) => void;
  confirm: (kind: TConfirm["kind"], webhook: TWebhookRow) => void;
};

function webhookColumns(recentHours: number, actions: TWebhookActions): TColumn<TWebhookRow>[] {
  const counts = `Delivered · failed · pending (${recentHours} h)`;
  return [
    { id: "name", header: "Name", className: "font-medium", cell: (webhook) => webhook.name },
    {
      id: "url",
      header: "URL",
      hideable: true,
      className: "md:max-w-64 md:truncate font-mono text-xs break-all",
      cell: (webhook) => <span title={webhook.url}>{webhook.url}</span>,
    },
    {
      id: "events",
      header: "Events",
      hideable: true,
      className: "text-xs",
      cell: (webhook) =>
        webhook.events.length === 0 ? (
          <span className="text-muted">All events</span>
        ) : (
          <span className="flex flex-col gap-0.5 font-mono">
            {webhook.events.map((e) => (
              <span key={e}>{e}</span>
            ))}
          </span>
        ),
    },
    { id: "state", header: "State", cell: (webhook) => <EnabledBadge isEnabled={webhook.enabled} /> },
    {
      id: "deliveries",
      header: counts,
      headerCell: (
        <span title={`Deliveries created in the last ${recentHours} hours; pending: all`}>{counts}</span>
      ),
      align: "number",
      hideable: true,
      className: "text-xs",
      cell: (webhook) => (
        <>
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
        </>
      ),
    },
    {
      id: "secret",
      header: "Secret",
      hideable: true,
      className: "font-mono text-xs md:whitespace-nowrap text-muted",
      cell: (webhook) => webhook.secretHint,
    },
    actionsColumn((webhook) => (
      <div className="flex flex-wrap gap-1 md:flex-nowrap md:justify-end md:whitespace-nowrap">
        <button
          type="button"
          className={BUTTON}
          disabled={actions.isBusy || !webhook.enabled}
          title={webhook.enabled ? "Queue a webhook.ping to this URL" : "Enable it to send a test"}
          onClick={() => actions.test(webhook)}
        >
          Send test
        </button>
        <button type="button" className={BUTTON} onClick={() => actions.edit(webhook)}>
          Edit
        </button>
        <button
          type="button"
          className={BUTTON}
          disabled={actions.isBusy}
          onClick={() => actions.toggleEnabled(webhook)}
        >
          {webhook.enabled ? "Disable" : "Enable"}
        </button>
        <button
          type="button"
          className={BUTTON}
          disabled={actions.isBusy}
          onClick={() => actions.confirm("rotate", webhook)}
        >
          Rotate secret
        </button>
        <button
          type="button"
          className={`${BUTTON} text-status-bad`}
          disabled={actions.isBusy}
          onClick={() => actions.confirm("delete", webhook)}
        >
          Delete
        </button>
      </div>
    )),
  ];
}

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
      <DataTable
        id="webhooks"
        label="Webhooks"
        columns={webhookColumns(list.data?.recentHours ?? 24, {
          isBusy,
          test,
          edit: (webhook) => setDialog({ kind: "edit", webhook }),
          toggleEnabled,
          confirm: (kind, webhook) => setConfirm({ kind, webhook }),
        })}
        query={list}
        onPage={setPage}
        rowTestId="webhook-row"
        detail={(webhook) =>
          confirm?.webhook.id === webhook.id ? (
            <ConfirmBar
              confirm={confirm}
              isPending={rotate.isPending || remove.isPending}
              onConfirm={() => runConfirmed(confirm)}
              onCancel={() => setConfirm(null)}
            />
          ) : null
        }
        empty={{
          icon: Webhook,
          title: "No webhooks yet",
          children:
            "Add a URL to receive approval requests, decisions and workload state changes as they happen, signed with a secret only you and Switchyard know.",
        }}
      >
        {error ? <ErrorNote message={error.message} /> : null}
        {notice ? <SuccessNote>{notice}</SuccessNote> : null}
      </DataTable>
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
