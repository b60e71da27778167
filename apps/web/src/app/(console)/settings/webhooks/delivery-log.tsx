"use client";

import type { RouterOutputs } from "@switchyard/api";
import {
  DELIVERY_STATUSES,
  MAX_PAGE_SIZE,
  WEBHOOK_DELIVERY_FILTERS,
  WEBHOOK_DELIVERY_SORT_KEYS,
} from "@switchyard/api/schemas";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Send } from "lucide-react";
import { Fragment } from "react";
import { StatusBadge } from "~/components/badges";
import { actionsColumn, DataTable, type TColumn } from "~/components/table/data-table";
import { ErrorNote, FilterSelect } from "~/components/table/table-parts";
import { pick, useTableParams } from "~/components/table/use-table-params";
import { useTRPC } from "~/trpc/react";

type TDelivery = RouterOutputs["webhook"]["deliveries"]["rows"][number];

const STATUS_OPTIONS = DELIVERY_STATUSES.map((status) => ({ value: status, label: status.toLowerCase() }));

/** Polls fast while a delivery is due soon, so the log shows outcomes as the loop sends them. */
function refetchEvery(rows: TDelivery[] | undefined): number {
  const soon = Date.now() + 60_000;
  return rows?.some((r) => r.nextAttemptAt && r.nextAttemptAt.getTime() < soon) ? 2_000 : 15_000;
}

const utc = (date: Date) => date.toISOString().replace("T", " ").slice(0, 19);

/** "due now", "in 40 s", "in 4 min", "in 2 h" */
function formatDue(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1_000);
  if (seconds <= 0) return "due now";
  if (seconds < 90) return `in ${seconds} s`;
  if (seconds < 5_400) return `in ${Math.round(seconds / 60)} min`;
  return `in ${Math.round(seconds / 3_600)} h`;
}

/** The columns; the time unfolds a delivery's details, a finished one can be sent again. */
function deliveryColumns(redeliver: {
  isPending: boolean;
  send: (id: string) => void;
}): TColumn<TDelivery>[] {
  return [
    {
      id: "time",
      header: "Time (UTC)",
      sortKey: "createdAt",
      className: "text-xs tabular-nums md:whitespace-nowrap",
      unfolds: true,
      cell: (delivery) => utc(delivery.createdAt),
    },
    { id: "webhook", header: "Webhook", hideable: true, cell: (delivery) => delivery.webhook.name },
    { id: "event", header: "Event", className: "font-mono text-xs", cell: (delivery) => delivery.event },
    {
      id: "status",
      header: "Status",
      testId: "delivery-status",
      cell: (delivery) => (
        <>
          <StatusBadge status={delivery.status} />
          {delivery.status === "PENDING" && delivery.attempts > 0 ? (
            <span className="ml-1.5 text-xs text-status-warn">retrying</span>
          ) : null}
        </>
      ),
    },
    {
      id: "attempts",
      header: "Attempts",
      align: "number",
      hideable: true,
      className: "text-xs",
      cell: (delivery) => `${delivery.attempts} / ${delivery.maxAttempts}`,
    },
    {
      id: "response",
      header: "Last response",
      hideable: true,
      className: "md:max-w-80 text-xs",
      cell: (delivery) => (
        <span title={delivery.lastError ?? undefined}>
          <LastResponse delivery={delivery} />
        </span>
      ),
    },
    {
      id: "next",
      header: "Next attempt",
      hideable: true,
      className: "text-xs md:whitespace-nowrap",
      cell: (delivery) =>
        delivery.nextAttemptAt ? (
          <span title={`${utc(delivery.nextAttemptAt)} UTC`}>
            {delivery.webhook.enabled ? formatDue(delivery.nextAttemptAt) : "held: webhook disabled"}
          </span>
        ) : (
          <span className="text-muted">—</span>
        ),
    },
    actionsColumn((delivery) =>
      delivery.status !== "PENDING" ? (
        <button
          type="button"
          disabled={redeliver.isPending || !delivery.webhook.enabled}
          title={delivery.webhook.enabled ? "Send this event again" : "Enable the webhook first"}
          onClick={() => redeliver.send(delivery.id)}
          className="rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40"
        >
          Redeliver
        </button>
      ) : null,
    ),
  ];
}

/** Every delivery attempt's outcome, newest first, with redelivery of finished ones. */
export function DeliveryLog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const table = useTableParams({
    sortKeys: WEBHOOK_DELIVERY_SORT_KEYS,
    defaultSort: "createdAt",
    defaultDirection: "desc",
    filters: WEBHOOK_DELIVERY_FILTERS,
  });
  const status = pick(DELIVERY_STATUSES, table.filters.status);
  // The filter offers webhooks by name: the first page of the largest size the API gives.
  const webhooks = useQuery(trpc.webhook.list.queryOptions({ pageSize: MAX_PAGE_SIZE }));
  const query = useQuery(
    trpc.webhook.deliveries.queryOptions(
      {
        page: table.page,
        pageSize: 25,
        direction: table.direction,
        status,
        webhookId: table.filters.webhook,
      },
      {
        placeholderData: keepPreviousData,
        refetchInterval: (q) => refetchEvery(q.state.data?.rows),
      },
    ),
  );
  const redeliver = useMutation(
    trpc.webhook.redeliver.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() }),
    }),
  );
  const columns = deliveryColumns({
    isPending: redeliver.isPending,
    send: (id) => {
      redeliver.reset();
      redeliver.mutate({ id });
    },
  });

  return (
    <section
      id="delivery-log"
      aria-labelledby="delivery-log-title"
      className="flex scroll-mt-16 flex-col gap-3"
    >
      <div>
        <h2 id="delivery-log-title" className="text-base font-semibold">
          Delivery log
        </h2>
        <p className="text-sm text-muted">
          Each event sent to each webhook, with its attempts. A redelivery keeps the delivery id, so receivers
          can still drop duplicates.
        </p>
      </div>
      <DataTable
        id="delivery"
        label="Delivery log"
        columns={columns}
        // Refetching every few seconds should not dim the log; only a new view does.
        query={{ ...query, isFetching: query.isPlaceholderData }}
        url={table}
        rowTestId="delivery-row"
        detail={(delivery, isUnfolded) => (isUnfolded ? <DeliveryDetail delivery={delivery} /> : null)}
        unfoldLabel={(delivery) => `Details of delivery ${delivery.id}`}
        savedViews="webhook-deliveries"
        exportCsv={{ table: "webhook-deliveries", label: "Export deliveries CSV" }}
        empty={{
          icon: Send,
          title: "No deliveries",
          children: "No deliveries yet. Events appear here as they are queued; send a test to try a webhook.",
          filtered: "No deliveries match these filters.",
        }}
        toolbar={
          <>
            <FilterSelect
              label="Delivery status"
              value={status}
              allLabel="Every status"
              options={STATUS_OPTIONS}
              onChange={(value) => table.setFilter("status", value)}
            />
            <FilterSelect
              label="Webhook"
              value={table.filters.webhook}
              allLabel="Every webhook"
              options={(webhooks.data?.rows ?? []).map((w) => ({ value: w.id, label: w.name }))}
              onChange={(value) => table.setFilter("webhook", value)}
            />
          </>
        }
      >
        {redeliver.isError ? <ErrorNote message={redeliver.error.message} /> : null}
      </DataTable>
    </section>
  );
}

function LastResponse({ delivery }: { delivery: TDelivery }) {
  if (delivery.attempts === 0 && !delivery.lastAttemptAt)
    return <span className="text-muted">not sent yet</span>;
  if (delivery.lastError) {
    return <span className="line-clamp-2 break-all text-status-bad">{delivery.lastError}</span>;
  }
  return <span className="tabular-nums text-status-ok">HTTP {delivery.lastStatusCode}</span>;
}

function DeliveryDetail({ delivery }: { delivery: TDelivery }) {
  const facts: [string, string][] = [
    ["Delivery id (X-Switchyard-Delivery)", delivery.id],
    ["Queued", `${utc(delivery.createdAt)} UTC`],
    ["Last attempt", delivery.lastAttemptAt ? `${utc(delivery.lastAttemptAt)} UTC` : "—"],
    ["Delivered", delivery.deliveredAt ? `${utc(delivery.deliveredAt)} UTC` : "—"],
  ];
  return (
    <div className="grid gap-3 md:grid-cols-[minmax(0,28rem)_1fr]">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
        {facts.map(([label, value]) => (
          <Fragment key={label}>
            <dt className="text-muted">{label}</dt>
            <dd className="font-mono break-all">{value}</dd>
          </Fragment>
        ))}
        {delivery.lastError ? (
          <>
            <dt className="text-muted">Last error</dt>
            <dd className="break-all text-status-bad">{delivery.lastError}</dd>
          </>
        ) : null}
      </dl>
      <div>
        <div className="mb-1 text-xs font-medium text-muted">Body as sent</div>
        <pre className="max-h-72 overflow-auto rounded-md border border-border bg-surface p-2 text-[11px] leading-relaxed">
          {JSON.stringify({ id: delivery.id, ...(delivery.payload as Record<string, unknown>) }, null, 2)}
        </pre>
      </div>
    </div>
  );
}
