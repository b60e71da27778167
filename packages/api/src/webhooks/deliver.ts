import type { PrismaClient } from "@switchyard/db";
import { auditedTransaction, systemActor } from "../lib/audited.ts";
import { getSecretBox, type SecretBox } from "../lib/secrets.ts";
import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS, webhookRetryDelayMs } from "./retry.ts";
import { sendWebhook, type TWebhookOutcome } from "./send.ts";
import { type TWebhookNetworkPolicy, webhookNetworkPolicyFromEnv } from "./url-policy.ts";

/**
 * How long a claimed delivery is hidden from other processes while this one sends it. It
 * must exceed the request timeout by a wide margin: if it ran out mid-send, another process
 * would send the same delivery again. A process that dies mid-send loses its claim after
 * this long and the delivery is retried (at-least-once).
 */
export const WEBHOOK_CLAIM_LEASE_MS = 120_000;

export type TDeliveryLoopOptions = {
  /** Identifies this process, for the audit trail of failed deliveries. */
  holder: string;
  /** Most deliveries claimed (and sent in parallel) per tick. */
  limit?: number;
  /** The clock, for tests; defaults to the time of each step. */
  now?: Date;
  /** Per-request timeout; defaults to WEBHOOK_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Where deliveries may go; defaults to this process's SWITCHYARD_WEBHOOK_ALLOWED_NETWORKS. */
  network?: TWebhookNetworkPolicy;
  /** Decrypts the stored signing secrets; defaults to this process's keys. */
  secrets?: SecretBox;
};

export type TDeliveryTickReport = { claimed: number; succeeded: number; retrying: number; failed: number };

type TClaimed = {
  id: string;
  webhookId: string;
  event: string;
  payload: Record<string, unknown>;
  attempts: number;
  url: string;
  secret: string;
};

/**
 * One pass of the webhook delivery loop, safe to run from every console process at once:
 * 1. claim due deliveries of enabled webhooks with one atomic UPDATE whose row selection
 *    uses FOR UPDATE SKIP LOCKED: a claim pushes nextAttemptAt a lease into the future, so
 *    no other process sees the delivery as due while this one sends it;
 * 2. send them in parallel, outside any transaction (a slow receiver holds no locks);
 * 3. record each outcome, guarded by the attempt count seen at claim time so a late writer
 *    never overwrites a newer state.
 *
 * Attempts are operational data shown in the delivery log, not audit events: auditing
 * every retry would bury people's changes under machine noise. A delivery that gives up
 * (FAILED) is audited as system:webhooks, since events were lost to the receiver.
 */
export async function runWebhookDeliveryTick(
  prisma: PrismaClient,
  options: TDeliveryLoopOptions,
): Promise<TDeliveryTickReport> {
  const clock = () => options.now ?? new Date();
  const network = options.network ?? webhookNetworkPolicyFromEnv();
  const secrets = options.secrets ?? getSecretBox();
  const claimed = await claimDueDeliveries(prisma, clock(), options.limit ?? 20);
  const report: TDeliveryTickReport = { claimed: claimed.length, succeeded: 0, retrying: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (delivery) => {
      let secret: string;
      try {
        secret = secrets.decrypt(delivery.secret, "webhook.secret");
      } catch (error) {
        const reason = `not sent: the signing secret cannot be decrypted (${(error as Error).message})`;
        const outcome = { ok: false as const, statusCode: null, error: reason, retryAfterMs: null };
        report[await recordOutcome(prisma, options.holder, delivery, outcome, clock())] += 1;
        return;
      }
      const outcome = await sendWebhook({
        url: delivery.url,
        secret,
        deliveryId: delivery.id,
        event: delivery.event,
        body: JSON.stringify({ id: delivery.id, ...delivery.payload }),
        now: clock(),
        timeoutMs: options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
        network,
      });
      report[await recordOutcome(prisma, options.holder, delivery, outcome, clock())] += 1;
      if (secrets.needsReencryption(delivery.secret))
        await upgradeStoredSecret(prisma, secrets, delivery.webhookId, delivery.secret, secret);
    }),
  );
  return report;
}

/**
 * A secret stored in plain text (before encryption existed) or under a previous key is
 * re-encrypted with the current key the first time it is used. Guarded on the old value, so
 * a rotation or another process's upgrade in between is never overwritten.
 */
async function upgradeStoredSecret(
  prisma: PrismaClient,
  secrets: SecretBox,
  webhookId: string,
  stored: string,
  plaintext: string,
) {
  await prisma.webhook.updateMany({
    where: { id: webhookId, secret: stored },
    data: { secret: secrets.encrypt(plaintext, "webhook.secret") },
  });
}

async function claimDueDeliveries(prisma: PrismaClient, now: Date, limit: number): Promise<TClaimed[]> {
  const leaseUntil = new Date(now.getTime() + WEBHOOK_CLAIM_LEASE_MS);
  // Timestamps travel as UTC text and are compared as the UTC wall-clock values Prisma
  // stores in these timestamp-without-time-zone columns, whatever the session's time zone.
  return prisma.$queryRaw<TClaimed[]>`
    WITH due AS MATERIALIZED (
      SELECT d."id"
        FROM "WebhookDelivery" d
        JOIN "Webhook" w ON w."id" = d."webhookId"
       WHERE d."status" = 'PENDING'
         AND d."nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
         AND w."enabled"
       ORDER BY d."nextAttemptAt"
       LIMIT ${limit}
         FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "WebhookDelivery" d
       SET "nextAttemptAt" = (${leaseUntil.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      FROM due, "Webhook" w
     WHERE d."id" = due."id" AND w."id" = d."webhookId"
    RETURNING d."id", d."webhookId", d."event", d."payload", d."attempts", w."url", w."secret"`;
}

async function recordOutcome(
  prisma: PrismaClient,
  holder: string,
  delivery: TClaimed,
  outcome: TWebhookOutcome,
  now: Date,
): Promise<"succeeded" | "retrying" | "failed"> {
  const attempts = delivery.attempts + 1;
  // Only the claimant of this attempt may write its outcome (see step 3 above).
  const claim = { id: delivery.id, status: "PENDING" as const, attempts: delivery.attempts };
  if (outcome.ok) {
    await prisma.webhookDelivery.updateMany({
      where: claim,
      data: {
        status: "SUCCEEDED",
        attempts,
        lastAttemptAt: now,
        lastStatusCode: outcome.statusCode,
        lastError: null,
        deliveredAt: now,
      },
    });
    return "succeeded";
  }
  const failure = {
    attempts,
    lastAttemptAt: now,
    lastStatusCode: outcome.statusCode,
    lastError: outcome.error,
  };
  if (attempts < WEBHOOK_MAX_ATTEMPTS) {
    const delay = webhookRetryDelayMs(attempts, outcome.retryAfterMs);
    await prisma.webhookDelivery.updateMany({
      where: claim,
      data: { ...failure, nextAttemptAt: new Date(now.getTime() + delay) },
    });
    return "retrying";
  }
  await auditedTransaction(
    { prisma, user: systemActor("webhooks"), requestId: `loop-${holder}` },
    async (tx, audit) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: claim,
        data: { ...failure, status: "FAILED" },
      });
      if (count === 0) return;
      await audit({
        action: "webhook.delivery.failed",
        objectType: "WebhookDelivery",
        objectId: delivery.id,
        after: {
          webhookId: delivery.webhookId,
          event: delivery.event,
          attempts,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
        },
      });
    },
  );
  return "failed";
}
