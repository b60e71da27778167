import type { PrismaClient } from "@switchyard/db";

/** The unrestricted model artifact the service tests serve (the demo's one model is EU-regulated). */
export const SUPPORT_CHAT_MODEL = "dataset-support-chat-v3";

/**
 * Stores SUPPORT_CHAT_MODEL: an INTERNAL model of the health team at Ashburn and Frankfurt, so
 * that serving copies stay inside a jurisdiction and need no approval. As a training run's
 * success would register it (models are not created through the API).
 */
export async function storeSupportChatModel(prisma: PrismaClient): Promise<void> {
  await prisma.dataset.create({
    data: {
      id: SUPPORT_CHAT_MODEL,
      slug: "support-chat-v3",
      name: "support-chat",
      version: "v3",
      kind: "MODEL",
      sizeBytes: 16_000_000_000n,
      classification: "INTERNAL",
      ownerTeamId: "team-health-ai",
      replicas: {
        create: [
          { siteId: "site-dc-ashburn", sizeBytes: 16_000_000_000n },
          { siteId: "site-dc-frankfurt", sizeBytes: 16_000_000_000n },
        ],
      },
    },
  });
}
