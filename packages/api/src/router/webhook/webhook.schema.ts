import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { filterKeys, ZPageInput } from "../../lib/pagination.ts";
import { WEBHOOK_EVENTS } from "../../webhooks/outbox.ts";

/** What each subscribable event means, for the console's event picker. */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  "approval.requested": "A placement or transfer waits for approval",
  "approval.decided": "An approval request was approved, rejected or expired",
  "workload.state_changed": "A workload moved to another state",
};

export const DELIVERY_STATUSES = ["PENDING", "SUCCEEDED", "FAILED"] as const;

export const ZWebhookId = z.object({ id: zId("Webhook id") });
export const ZWebhookDeliveryId = z.object({ id: zId("Delivery id") });

const ZWebhookUrl = z
  .string()
  .trim()
  .min(1, "Enter the URL that receives the events")
  .max(2_000, "At most 2,000 characters")
  .pipe(z.url({ protocol: /^https?$/, error: "Use an http:// or https:// URL" }))
  // fetch refuses URLs with credentials; receivers authenticate requests by the signature.
  .refine((url) => !/^https?:\/\/[^/?#]*@/i.test(url), "Remove the user name and password from the URL");

const ZWebhookEvents = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `Unknown event; use one of ${WEBHOOK_EVENTS.join(", ")}` }))
  .max(WEBHOOK_EVENTS.length)
  .refine((events) => new Set(events).size === events.length, "Each event once");

/** One schema for the webhook form and the create procedure; no events means every event. */
export const ZWebhookInput = z.object({
  name: z.string().trim().min(2, "At least 2 characters").max(80, "At most 80 characters"),
  url: ZWebhookUrl,
  events: ZWebhookEvents.default([]),
  enabled: z.boolean().default(true),
});
export type TWebhookInput = z.infer<typeof ZWebhookInput>;

/** Changes only the fields given: the table's enable switch sends `enabled` alone. */
export const ZUpdateWebhookInput = ZWebhookId.extend({
  name: ZWebhookInput.shape.name.optional(),
  url: ZWebhookUrl.optional(),
  events: ZWebhookEvents.optional(),
  enabled: z.boolean().optional(),
});
export type TUpdateWebhookInput = z.infer<typeof ZUpdateWebhookInput>;

export const WEBHOOK_DELIVERY_SORT_KEYS = ["createdAt"] as const;

export const ZListWebhookDeliveriesInput = ZPageInput(WEBHOOK_DELIVERY_SORT_KEYS, "createdAt").extend({
  direction: z.enum(["asc", "desc"]).default("desc"),
  webhookId: zId("Webhook id").optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  event: z.string().trim().max(60).optional(),
});
/**
 * The delivery log's filters as its console table keeps them in the URL: `webhook` is the
 * list input's `webhookId` (shorter in a shared link); `event` is offered to API clients only.
 */
export const WEBHOOK_DELIVERY_FILTERS = filterKeys(
  ZListWebhookDeliveriesInput.pick({ status: true }).extend({
    webhook: ZListWebhookDeliveriesInput.shape.webhookId,
  }),
);
export type TListWebhookDeliveriesInput = z.infer<typeof ZListWebhookDeliveriesInput>;
