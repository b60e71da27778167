import type { PrismaClient } from "@switchyard/db";
import { auditedTransaction, systemActor } from "./audited.ts";
import { getSecretBox, type SecretBox, SecretKeyError } from "./secrets.ts";

export type TReencryptReport = {
  /** Rows looked at. */
  checked: number;
  /** Rows now under the current key that were plain text or under a previous key. */
  reencrypted: number;
  /** Rows whose key is gone (neither current nor previous): left as they are. */
  undecryptable: number;
};

/**
 * Brings every stored secret under the current key: plain values written before
 * encryption existed, and values under a key listed in SWITCHYARD_SECRET_KEY_PREVIOUS.
 * Run after a key rotation (the `secrets reencrypt` command) and at each console start;
 * safe to run from several processes at once (each row's update is guarded on the value
 * it read). One audit event records a run that changed anything.
 */
export async function reencryptStoredSecrets(
  prisma: PrismaClient,
  secrets: SecretBox = getSecretBox(),
): Promise<TReencryptReport> {
  const report: TReencryptReport = { checked: 0, reencrypted: 0, undecryptable: 0 };
  const webhooks = await prisma.webhook.findMany({
    select: { id: true, secret: true },
    orderBy: { id: "asc" },
  });
  for (const webhook of webhooks) {
    report.checked += 1;
    if (!secrets.needsReencryption(webhook.secret)) continue;
    let plaintext: string;
    try {
      plaintext = secrets.decrypt(webhook.secret, "webhook.secret");
    } catch (error) {
      if (!(error instanceof SecretKeyError)) throw error;
      report.undecryptable += 1;
      continue;
    }
    const { count } = await prisma.webhook.updateMany({
      where: { id: webhook.id, secret: webhook.secret },
      data: { secret: secrets.encrypt(plaintext, "webhook.secret") },
    });
    report.reencrypted += count;
  }
  if (report.reencrypted > 0) {
    await auditedTransaction(
      { prisma, user: systemActor("secrets"), requestId: `secrets-${Date.now()}` },
      (_tx, audit) =>
        audit({
          action: "secrets.reencrypt",
          objectType: "Webhook",
          objectId: "*",
          after: { keyId: secrets.currentKeyId, ...report },
        }),
    );
  }
  return report;
}
