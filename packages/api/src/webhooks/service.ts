import type { Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { FIRST_PAGE, pageArgs, type TPageParams, toPage } from "../lib/pagination.ts";
import { getSecretBox, type SecretBox } from "../lib/secrets.ts";
import type {
  TListWebhookDeliveriesInput,
  TUpdateWebhookInput,
  TWebhookInput,
} from "../router/webhook/webhook.schema.ts";
import { WEBHOOK_MAX_ATTEMPTS } from "./retry.ts";
import { generateWebhookSecret, webhookSecretHint } from "./signature.ts";
import {
  resolveWebhookTarget,
  type TWebhookNetworkPolicy,
  WebhookUrlRefused,
  webhookNetworkPolicyFromEnv,
} from "./url-policy.ts";

/** What the webhook services need beyond the mutation context; tests pass their own. */
export type TWebhookServiceOptions = { secrets?: SecretBox; network?: TWebhookNetworkPolicy };

/** Sent only by "Send test", to the one webhook tested, whatever it subscribes to. */
export const WEBHOOK_PING_EVENT = "webhook.ping";

/** The delivery counts next to each webhook cover this many hours (pending: all of them). */
export const WEBHOOK_RECENT_HOURS = 24;

// The secret (encrypted at rest, see lib/secrets.ts) never leaves these services: only its hint does.
const WEBHOOK_COLUMNS = {
  id: true,
  name: true,
  url: true,
  events: true,
  enabled: true,
  secret: true,
  createdAt: true,
  updatedAt: true,
  createdBy: { select: { email: true } },
} satisfies Prisma.WebhookSelect;

type TWebhookRecord = Prisma.WebhookGetPayload<{ select: typeof WEBHOOK_COLUMNS }>;

/** The hint of a stored secret; a secret that no longer decrypts (lost key) says so. */
function hintOf(stored: string, secrets: SecretBox): string {
  try {
    return webhookSecretHint(secrets.decrypt(stored, "webhook.secret"));
  } catch {
    return "undecryptable: rotate the secret";
  }
}

function toWebhookView({ secret, createdBy, ...webhook }: TWebhookRecord, secrets: SecretBox) {
  return { ...webhook, secretHint: hintOf(secret, secrets), createdBy: createdBy?.email ?? null };
}

/** The audited shape of a webhook: what a reviewer needs, never the secret. */
function auditSnapshot(webhook: TWebhookRecord, secrets: SecretBox) {
  return {
    name: webhook.name,
    url: webhook.url,
    events: webhook.events,
    enabled: webhook.enabled,
    secretHint: hintOf(webhook.secret, secrets),
  };
}

/**
 * The network policy, on save: a URL whose host is, or resolves to, a refused address is
 * refused with the reason (each delivery checks again; see url-policy.ts). A name that does
 * not resolve now is accepted: the receiver may not be deployed yet.
 */
async function assertUrlAllowed(url: string, network: TWebhookNetworkPolicy) {
  try {
    await resolveWebhookTarget(url, network);
  } catch (error) {
    if (!(error instanceof WebhookUrlRefused) || error.message.startsWith("host not found")) return;
    throw new AppError("INVALID_REQUEST", `webhook url ${url} refused: ${error.message}`, {
      userMessage: `This URL is not allowed: ${error.message}.`,
      field: "url",
    });
  }
}

const notFound = (id: string) =>
  new AppError("NOT_FOUND", `webhook ${id} not found`, { userMessage: "This webhook does not exist." });

async function getWebhookOrThrow(tx: Prisma.TransactionClient, id: string) {
  const webhook = await tx.webhook.findUnique({ where: { id }, select: WEBHOOK_COLUMNS });
  if (!webhook) throw notFound(id);
  return webhook;
}

/** Names tell webhooks apart in the delivery log, so two may not share one. */
async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const clash = await tx.webhook.findFirst({
    where: { name: { equals: name, mode: "insensitive" }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) {
    throw new AppError("CONFLICT", `webhook name ${name} taken`, {
      userMessage: `A webhook named "${name}" already exists.`,
      field: "name",
    });
  }
}

/** A page of webhooks by name, each with its delivery counts: succeeded and failed recently, pending now. */
export async function listWebhooks(
  prisma: PrismaClient,
  paging: TPageParams = FIRST_PAGE,
  now: Date = new Date(),
  secrets: SecretBox = getSecretBox(),
) {
  const since = new Date(now.getTime() - WEBHOOK_RECENT_HOURS * 3_600_000);
  const [webhooks, total] = await Promise.all([
    prisma.webhook.findMany({
      select: WEBHOOK_COLUMNS,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageArgs(paging),
    }),
    prisma.webhook.count(),
  ]);
  const webhookId = { in: webhooks.map((webhook) => webhook.id) };
  const [recent, pending] = await Promise.all([
    prisma.webhookDelivery.groupBy({
      by: ["webhookId", "status"],
      where: { webhookId, status: { in: ["SUCCEEDED", "FAILED"] }, createdAt: { gte: since } },
      _count: { _all: true },
    }),
    prisma.webhookDelivery.groupBy({
      by: ["webhookId"],
      where: { webhookId, status: "PENDING" },
      _count: { _all: true },
    }),
  ]);
  const count = (webhookId: string, status: string) =>
    recent.find((r) => r.webhookId === webhookId && r.status === status)?._count._all ?? 0;
  const rows = webhooks.map((webhook) => ({
    ...toWebhookView(webhook, secrets),
    deliveries: {
      succeeded: count(webhook.id, "SUCCEEDED"),
      failed: count(webhook.id, "FAILED"),
      pending: pending.find((p) => p.webhookId === webhook.id)?._count._all ?? 0,
    },
  }));
  return {
    recentHours: WEBHOOK_RECENT_HOURS,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    ...toPage(rows, total, paging),
  };
}

/** Creates a webhook with a fresh secret; the response is the only place the secret appears. */
export async function createWebhook(
  ctx: TMutationContext,
  input: TWebhookInput,
  options: TWebhookServiceOptions = {},
) {
  const secrets = options.secrets ?? getSecretBox();
  await assertUrlAllowed(input.url, options.network ?? webhookNetworkPolicyFromEnv());
  return auditedTransaction(ctx, async (tx, audit) => {
    await assertNameFree(tx, input.name);
    const secret = generateWebhookSecret();
    const webhook = await tx.webhook.create({
      data: { ...input, secret: secrets.encrypt(secret, "webhook.secret"), createdById: ctx.user.id },
      select: WEBHOOK_COLUMNS,
    });
    await audit({
      action: "webhook.create",
      objectType: "Webhook",
      objectId: webhook.id,
      after: auditSnapshot(webhook, secrets),
    });
    return { webhook: toWebhookView(webhook, secrets), secret };
  });
}

/**
 * Changes name, URL, events or enabled. Pending deliveries go to the new URL with the
 * current secret; a disabled webhook's deliveries wait, and resume when it is enabled.
 */
export async function updateWebhook(
  ctx: TMutationContext,
  input: TUpdateWebhookInput,
  options: TWebhookServiceOptions = {},
) {
  const { id, ...changes } = input;
  const secrets = options.secrets ?? getSecretBox();
  if (changes.url !== undefined)
    await assertUrlAllowed(changes.url, options.network ?? webhookNetworkPolicyFromEnv());
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await getWebhookOrThrow(tx, id);
    if (changes.name !== undefined) await assertNameFree(tx, changes.name, id);
    const after = await tx.webhook.update({ where: { id }, data: changes, select: WEBHOOK_COLUMNS });
    // A save that changes nothing (the edit form sent back as it was) is not an event.
    if (JSON.stringify(auditSnapshot(before, secrets)) !== JSON.stringify(auditSnapshot(after, secrets))) {
      await audit({
        action: "webhook.update",
        objectType: "Webhook",
        objectId: id,
        before: auditSnapshot(before, secrets),
        after: auditSnapshot(after, secrets),
      });
    }
    return toWebhookView(after, secrets);
  });
}

/** Deletes a webhook and its delivery log; undelivered events are dropped with it. */
export async function removeWebhook(ctx: TMutationContext, id: string, secrets: SecretBox = getSecretBox()) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await getWebhookOrThrow(tx, id);
    const deliveries = await tx.webhookDelivery.groupBy({
      by: ["status"],
      where: { webhookId: id },
      _count: { _all: true },
    });
    await tx.webhook.delete({ where: { id } });
    await audit({
      action: "webhook.delete",
      objectType: "Webhook",
      objectId: id,
      before: {
        ...auditSnapshot(before, secrets),
        deliveries: Object.fromEntries(deliveries.map((d) => [d.status, d._count._all])),
      },
    });
    return { id };
  });
}

/**
 * Replaces the signing secret at once: attempts from now on, retries included, are signed
 * with the new one, so the receiver must switch too. Returned once, like on create.
 */
export async function rotateWebhookSecret(
  ctx: TMutationContext,
  id: string,
  secrets: SecretBox = getSecretBox(),
) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const before = await getWebhookOrThrow(tx, id);
    const secret = generateWebhookSecret();
    await tx.webhook.update({ where: { id }, data: { secret: secrets.encrypt(secret, "webhook.secret") } });
    await audit({
      action: "webhook.secret.rotate",
      objectType: "Webhook",
      objectId: id,
      before: { secretHint: hintOf(before.secret, secrets) },
      after: { secretHint: webhookSecretHint(secret) },
    });
    return { id, secret, secretHint: webhookSecretHint(secret) };
  });
}

/** Queues a webhook.ping to this webhook only, delivered by the loop like any event. */
export async function sendWebhookTest(ctx: TMutationContext, id: string, now: Date = new Date()) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const webhook = await getWebhookOrThrow(tx, id);
    if (!webhook.enabled) {
      throw new AppError("CONFLICT", `webhook ${id} is disabled`, {
        userMessage: "This webhook is disabled: enable it to send a test.",
      });
    }
    const delivery = await tx.webhookDelivery.create({
      data: {
        webhookId: id,
        event: WEBHOOK_PING_EVENT,
        payload: {
          type: WEBHOOK_PING_EVENT,
          occurredAt: now.toISOString(),
          data: { webhookId: id, name: webhook.name, sentBy: ctx.user.email },
        },
        nextAttemptAt: now,
        createdAt: now,
      },
      select: { id: true },
    });
    await audit({
      action: "webhook.test",
      objectType: "Webhook",
      objectId: id,
      after: { deliveryId: delivery.id, event: WEBHOOK_PING_EVENT },
    });
    return { deliveryId: delivery.id };
  });
}

/**
 * Sends a finished delivery again: the same row (and delivery id, so a receiver that
 * de-duplicates on X-Switchyard-Delivery still can) goes back to PENDING, due now, with a
 * fresh set of attempts. The outcome it replaces is kept in the audit event.
 */
export async function redeliverWebhookDelivery(ctx: TMutationContext, id: string, now: Date = new Date()) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const delivery = await tx.webhookDelivery.findUnique({
      where: { id },
      select: {
        id: true,
        status: true,
        attempts: true,
        event: true,
        lastStatusCode: true,
        lastError: true,
        webhook: { select: { id: true, enabled: true } },
      },
    });
    if (!delivery) {
      throw new AppError("NOT_FOUND", `webhook delivery ${id} not found`, {
        userMessage: "This delivery does not exist.",
      });
    }
    if (!delivery.webhook.enabled) {
      throw new AppError("CONFLICT", `webhook ${delivery.webhook.id} is disabled`, {
        userMessage: "This webhook is disabled: enable it to redeliver.",
      });
    }
    // The status guard makes a double click, or a race with the loop, a clear refusal.
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id, status: { in: ["SUCCEEDED", "FAILED"] } },
      data: { status: "PENDING", attempts: 0, nextAttemptAt: now, deliveredAt: null },
    });
    if (count === 0) {
      throw new AppError("CONFLICT", `webhook delivery ${id} is still pending`, {
        userMessage: "This delivery is still queued; it is sent again only once it has finished.",
      });
    }
    await audit({
      action: "webhook.delivery.redeliver",
      objectType: "WebhookDelivery",
      objectId: id,
      before: {
        status: delivery.status,
        attempts: delivery.attempts,
        lastStatusCode: delivery.lastStatusCode,
        lastError: delivery.lastError,
      },
      after: { status: "PENDING", attempts: 0, webhookId: delivery.webhook.id, event: delivery.event },
    });
    return { id };
  });
}

/** One page of the delivery log, newest first unless asked otherwise. */
export async function listWebhookDeliveries(prisma: PrismaClient, input: TListWebhookDeliveriesInput) {
  const where: Prisma.WebhookDeliveryWhereInput = {
    ...(input.webhookId ? { webhookId: input.webhookId } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.event ? { event: input.event } : {}),
    ...(input.search
      ? {
          OR: [
            { id: { contains: input.search, mode: "insensitive" } },
            { event: { contains: input.search, mode: "insensitive" } },
            { lastError: { contains: input.search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.webhookDelivery.count({ where }),
    prisma.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: input.direction }, { id: input.direction }],
      ...pageArgs(input),
      select: {
        id: true,
        event: true,
        payload: true,
        status: true,
        attempts: true,
        nextAttemptAt: true,
        lastAttemptAt: true,
        lastStatusCode: true,
        lastError: true,
        deliveredAt: true,
        createdAt: true,
        webhook: { select: { id: true, name: true, enabled: true } },
      },
    }),
  ]);
  return toPage(
    rows.map((row) => ({
      ...row,
      // Only a pending delivery has a next attempt; a finished one keeps its last lease time.
      nextAttemptAt: row.status === "PENDING" ? row.nextAttemptAt : null,
      maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    })),
    total,
    input,
  );
}
