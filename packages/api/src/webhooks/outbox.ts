import type { Prisma } from "@switchyard/db";

/** The events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = ["approval.requested", "approval.decided", "workload.state_changed"] as const;
export type TWebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** enqueueWebhookEvent() for several events of one type: one read of the hooks, one insert. */
export async function enqueueWebhookEvents(
  tx: Prisma.TransactionClient,
  event: TWebhookEvent,
  data: readonly Record<string, unknown>[],
  now: Date = new Date(),
): Promise<number> {
  if (data.length === 0) return 0;
  const hooks = (
    await tx.webhook.findMany({ where: { enabled: true }, select: { id: true, events: true } })
  ).filter((hook) => hook.events.length === 0 || hook.events.includes(event));
  if (hooks.length === 0) return 0;
  const rows = data.flatMap((d) => {
    const payload = JSON.parse(JSON.stringify({ type: event, occurredAt: now.toISOString(), data: d }));
    return hooks.map((hook) => ({ webhookId: hook.id, event, payload, nextAttemptAt: now, createdAt: now }));
  });
  await tx.webhookDelivery.createMany({ data: rows });
  return rows.length;
}

/**
 * Queues an event for every enabled webhook that subscribes to it, inside the caller's
 * transaction (an outbox): the event is sent if and only if the change commits. The delivery
 * loop signs and sends it later, with retries.
 */
export async function enqueueWebhookEvent(
  tx: Prisma.TransactionClient,
  event: TWebhookEvent,
  data: Record<string, unknown>,
  now: Date = new Date(),
): Promise<number> {
  // Filtered here rather than in SQL: an unset list is NULL in the column, [] in the client.
  const hooks = (
    await tx.webhook.findMany({ where: { enabled: true }, select: { id: true, events: true } })
  ).filter((hook) => hook.events.length === 0 || hook.events.includes(event));
  if (hooks.length === 0) return 0;
  const payload = JSON.parse(JSON.stringify({ type: event, occurredAt: now.toISOString(), data }));
  await tx.webhookDelivery.createMany({
    data: hooks.map((hook) => ({ webhookId: hook.id, event, payload, nextAttemptAt: now, createdAt: now })),
  });
  return hooks.length;
}
