import { ZPagingInput } from "../../lib/pagination.ts";
import {
  outputOf,
  ZCreatedWebhook,
  ZIdResult,
  ZPageOf,
  ZRotatedSecret,
  ZTestDelivery,
  ZWebhook,
  ZWebhookDelivery,
  ZWebhookList,
} from "../../rest/outputs.ts";
import { createTRPCRouter, roleProcedure } from "../../trpc.ts";
import {
  createWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookDelivery,
  removeWebhook,
  rotateWebhookSecret,
  sendWebhookTest,
  updateWebhook,
} from "../../webhooks/service.ts";
import {
  ZListWebhookDeliveriesInput,
  ZUpdateWebhookInput,
  ZWebhookDeliveryId,
  ZWebhookId,
  ZWebhookInput,
} from "./webhook.schema.ts";

// Webhooks hold signing secrets and send estate events outside: admins only, reads included.
const webhookAdminProcedure = roleProcedure("ADMIN");
const tags = ["Webhooks"];

export const webhookRouter = createTRPCRouter({
  list: webhookAdminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/webhooks",
        tags,
        summary: "List webhooks",
        description:
          "Webhooks by name, a page at a time, with their recent delivery counts (succeeded and failed in the last `recentHours`, pending in all). Admins only; never the secrets.",
      },
    })
    .input(ZPagingInput.optional())
    .output(outputOf<typeof listWebhooks>(ZWebhookList))
    .query(({ ctx, input }) => listWebhooks(ctx.prisma, input)),
  create: webhookAdminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/webhooks",
        tags,
        summary: "Create a webhook",
        description:
          "Subscribes a URL to events (none listed: every event). The URL must resolve to a public address. The signing secret is in the answer, once.",
      },
    })
    .input(ZWebhookInput)
    .output(outputOf<typeof createWebhook>(ZCreatedWebhook))
    .mutation(({ ctx, input }) => createWebhook(ctx, input)),
  update: webhookAdminProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/webhooks/{id}",
        tags,
        summary: "Change a webhook",
        description:
          "Changes only the fields sent (name, url, events, enabled). A disabled webhook's deliveries wait and resume when it is enabled.",
      },
    })
    .input(ZUpdateWebhookInput)
    .output(outputOf<typeof updateWebhook>(ZWebhook))
    .mutation(({ ctx, input }) => updateWebhook(ctx, input)),
  remove: webhookAdminProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/webhooks/{id}",
        tags,
        summary: "Delete a webhook",
        description: "Deletes the webhook and its delivery log; undelivered events are dropped with it.",
      },
    })
    .input(ZWebhookId)
    .output(outputOf<typeof removeWebhook>(ZIdResult))
    .mutation(({ ctx, input }) => removeWebhook(ctx, input.id)),
  rotateSecret: webhookAdminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/webhooks/{id}/rotate-secret",
        tags,
        summary: "Rotate a webhook's signing secret",
        description:
          "Every attempt from now on, retries included, is signed with the new secret, shown once in the answer.",
      },
    })
    .input(ZWebhookId)
    .output(outputOf<typeof rotateWebhookSecret>(ZRotatedSecret))
    .mutation(({ ctx, input }) => rotateWebhookSecret(ctx, input.id)),
  sendTest: webhookAdminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/webhooks/{id}/test",
        tags,
        summary: "Send a test event",
        description:
          "Queues a webhook.ping to this webhook only; follow it in the delivery log. A disabled webhook is refused with 409.",
      },
    })
    .input(ZWebhookId)
    .output(outputOf<typeof sendWebhookTest>(ZTestDelivery))
    .mutation(({ ctx, input }) => sendWebhookTest(ctx, input.id)),
  deliveries: webhookAdminProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/webhook-deliveries",
        tags,
        summary: "List webhook deliveries",
        description: "The delivery log, newest first; filter by webhook, status and event.",
      },
    })
    .input(ZListWebhookDeliveriesInput)
    .output(outputOf<typeof listWebhookDeliveries>(ZPageOf(ZWebhookDelivery)))
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.prisma, input)),
  redeliver: webhookAdminProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/webhook-deliveries/{id}/redeliver",
        tags,
        summary: "Deliver a finished delivery again",
        description:
          "The same delivery (and id, for receivers that de-duplicate) goes back to pending with a fresh set of attempts.",
      },
    })
    .input(ZWebhookDeliveryId)
    .output(outputOf<typeof redeliverWebhookDelivery>(ZIdResult))
    .mutation(({ ctx, input }) => redeliverWebhookDelivery(ctx, input.id)),
});
