"use client";

import type { RouterOutputs } from "@switchyard/api";
import { DELIVERY_STATUSES, MAX_PAGE_SIZE, WEBHOOK_DELIVERY_SORT_KEYS } from "@switchyard/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { StatusBadge } from "~/components/badges";
import { SavedViews } from "~/components/table/saved-views";
import {
  ErrorNote,
  ExportCsvLink,
  FilterSelect,
  Pagination,
  SkeletonRows,
  SortHeader,
  Th,
} from "~/components/table/table-parts";
import { useTableParams } from "~/components/table/use-table-params";
import { useTRPC } from "~/trpc/react";

type TDelivery = RouterOutputs["webhook"]["deliveries"]["rows"][number];

const STATUS_OPTIONS = DELIVERY_STATUSES.map((status) => ({ value: status, label: status.toLowerCase() }));
const COLUMNS = 8;

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

/** Every delivery attempt's outcome, newest first, with redelivery of finished ones. */
export function DeliveryLog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const table = useTableParams({
    sortKeys: WEBHOOK_DELIVERY_SORT_KEYS,
    defaultSort: "createdAt",
    filters: ["status", "webhook"],
  });
  const direction = table.queryString.includes("dir=asc") ? "asc" : "desc";
  const status = DELIVERY_STATUSES.find((s) => s === table.filters.status);
  const [openId, setOpenId] = useState<string | null>(null);
  // The filter offers webhooks by name: the first page of the largest size the API gives.
  const webhooks = useQuery(trpc.webhook.list.queryOptions({ pageSize: MAX_PAGE_SIZE }));
  const query = useQuery(
    trpc.webhook.deliveries.queryOptions(
      { page: table.page, pageSize: 25, direction, status, webhookId: table.filters.webhook },
      {
        placeholderData: (previous) => previous,
        refetchInterval: (q) => refetchEvery(q.state.data?.rows),
      },
    ),
  );
  const redeliver = useMutation(
    trpc.webhook.redeliver.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() }),
    }),
  );

  return (
    <section
      id="delivery-log"
      aria-labelledby="delivery-log-title"
      className="flex scroll-mt-16 flex-col gap-3"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="delivery-log-title" className="text-base font-semibold">
            Delivery log
          </h2>
          <p className="text-sm text-muted">
            Each event sent to each webhook, with its attempts. A redelivery keeps the delivery id, so
            receivers can still drop duplicates.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
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
          <SavedViews table="webhook-deliveries" />
          <ExportCsvLink
            table="webhook-deliveries"
            queryString={table.queryString}
            label="Export deliveries CSV"
          />
        </div>
      </div>
      {query.isError ? (
        <ErrorNote message={`Could not load the delivery log: ${query.error.message}`} />
      ) : null}
      {redeliver.isError ? <ErrorNote message={redeliver.error.message} /> : null}
      <div className="overflow-x-auto rounded-lg border border-border bg-surface">
        <table className="w-full text-sm" data-testid="delivery-table">
          <thead className="border-b border-border text-left text-xs text-muted">
            <tr>
              <SortHeader
                column="createdAt"
                label="Time (UTC)"
                sort="createdAt"
                direction={direction}
                onSort={() => table.setParams({ dir: direction === "desc" ? "asc" : null, page: null })}
              />
              <Th>Webhook</Th>
              <Th>Event</Th>
              <Th>Status</Th>
              <Th align="right">Attempts</Th>
              <Th>Last response</Th>
              <Th>Next attempt</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody className={query.isPlaceholderData ? "opacity-60" : undefined}>
            {query.isPending ? (
              <SkeletonRows columns={COLUMNS} rows={4} />
            ) : query.data?.rows.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS} className="px-3 py-8 text-center text-sm text-muted">
                  {status || table.filters.webhook
                    ? "No deliveries match these filters."
                    : "No deliveries yet. Events appear here as they are queued; send a test to try a webhook."}
                </td>
              </tr>
            ) : (
              query.data?.rows.map((delivery) => (
                <Fragment key={delivery.id}>
                  <tr className="border-t border-border align-top" data-testid="delivery-row">
                    <td className="px-3 py-2 text-xs tabular-nums whitespace-nowrap">
                      <button
                        type="button"
                        aria-expanded={openId === delivery.id}
                        aria-label={`Details of delivery ${delivery.id}`}
                        onClick={() => setOpenId(openId === delivery.id ? null : delivery.id)}
                        className="hover:underline"
                      >
                        {utc(delivery.createdAt)}
                      </button>
                    </td>
                    <td className="px-3 py-2">{delivery.webhook.name}</td>
                    <td className="px-3 py-2 font-mono text-xs">{delivery.event}</td>
                    <td className="px-3 py-2" data-testid="delivery-status">
                      <StatusBadge status={delivery.status} />
                      {delivery.status === "PENDING" && delivery.attempts > 0 ? (
                        <span className="ml-1.5 text-xs text-status-warn">retrying</span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 text-right text-xs tabular-nums">
                      {delivery.attempts} / {delivery.maxAttempts}
                    </td>
                    <td className="max-w-80 px-3 py-2 text-xs" title={delivery.lastError ?? undefined}>
                      <LastResponse delivery={delivery} />
                    </td>
                    <td className="px-3 py-2 text-xs whitespace-nowrap">
                      {delivery.nextAttemptAt ? (
                        <span title={`${utc(delivery.nextAttemptAt)} UTC`}>
                          {delivery.webhook.enabled
                            ? formatDue(delivery.nextAttemptAt)
                            : "held: webhook disabled"}
                        </span>
                      ) : (
                        <span className="text-muted">—</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-right">
                      {delivery.status !== "PENDING" ? (
                        <button
                          type="button"
                          disabled={redeliver.isPending || !delivery.webhook.enabled}
                          title={
                            delivery.webhook.enabled ? "Send this event again" : "Enable the webhook first"
                          }
                          onClick={() => {
                            redeliver.reset();
                            redeliver.mutate({ id: delivery.id });
                          }}
                          className="rounded-md border border-border bg-surface px-2 py-1 text-xs hover:bg-foreground/5 disabled:opacity-40"
                        >
                          Redeliver
                        </button>
                      ) : null}
                    </td>
                  </tr>
                  {openId === delivery.id ? (
                    <tr className="border-t border-border bg-background">
                      <td colSpan={COLUMNS} className="px-3 py-3">
                        <DeliveryDetail delivery={delivery} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))
            )}
          </tbody>
        </table>
      </div>
      {query.data ? (
        <Pagination
          page={query.data.page}
          pages={query.data.pages}
          total={query.data.total}
          onPage={table.setPage}
        />
      ) : null}
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
