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

export const webhookRouter = createTRPCRouter({
  list: webhookAdminProcedure.query(({ ctx }) => listWebhooks(ctx.prisma)),
  create: webhookAdminProcedure.input(ZWebhookInput).mutation(({ ctx, input }) => createWebhook(ctx, input)),
  update: webhookAdminProcedure
    .input(ZUpdateWebhookInput)
    .mutation(({ ctx, input }) => updateWebhook(ctx, input)),
  remove: webhookAdminProcedure.input(ZWebhookId).mutation(({ ctx, input }) => removeWebhook(ctx, input.id)),
  rotateSecret: webhookAdminProcedure
    .input(ZWebhookId)
    .mutation(({ ctx, input }) => rotateWebhookSecret(ctx, input.id)),
  sendTest: webhookAdminProcedure
    .input(ZWebhookId)
    .mutation(({ ctx, input }) => sendWebhookTest(ctx, input.id)),
  deliveries: webhookAdminProcedure
    .input(ZListWebhookDeliveriesInput)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.prisma, input)),
  redeliver: webhookAdminProcedure
    .input(ZWebhookDeliveryId)
    .mutation(({ ctx, input }) => redeliverWebhookDelivery(ctx, input.id)),
});
