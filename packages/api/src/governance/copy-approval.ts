import type { Prisma } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TActor, TAudit } from "../lib/audited.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { stepRows, toRule } from "./approval-gate.ts";
import { planApprovals } from "./approval-rules.ts";
import { enabledPolicies } from "./current-policies.ts";

const HOUR_MS = 3_600_000;
const GIB = 1024 ** 3;

type TSiteFacts = {
  id: string;
  name: string;
  jurisdiction: string;
  egressUsdPerGb: Prisma.Decimal;
  wanGbps: Prisma.Decimal;
};

/**
 * A dataset copy someone asks for by hand (a new replica), inside the caller's transaction.
 * The copy comes from a replica in the destination's jurisdiction when there is one; else
 * from the cheapest to send, and then it crosses a border: when a cross-border rule is in
 * force, the copy is recorded as a transfer waiting for approval and the request is
 * returned. Null means no rule applies and the replica may be registered at once.
 */
export async function requestCopyApprovalIfNeeded(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  c: {
    actor: TActor & { id: string };
    dataset: {
      id: string;
      name: string;
      classification: "PUBLIC" | "INTERNAL" | "CONFIDENTIAL" | "REGULATED";
      sizeBytes: bigint;
      stewardIds: string[];
    };
    destination: TSiteFacts;
    replicaSites: TSiteFacts[];
    now: Date;
  },
): Promise<{ requestId: string; transferId: string } | null> {
  const source =
    c.replicaSites.find((s) => s.jurisdiction === c.destination.jurisdiction) ??
    [...c.replicaSites].sort(
      (a, b) => Number(a.egressUsdPerGb) - Number(b.egressUsdPerGb) || a.id.localeCompare(b.id),
    )[0];
  if (!source || source.jurisdiction === c.destination.jurisdiction) return null;
  // Only the border rule is about copies; the others are about workloads.
  const rules = (await enabledPolicies(tx)).filter((p) => p.kind === "CROSS_BORDER_TRANSFER").map(toRule);
  const gib = Number(c.dataset.sizeBytes) / GIB;
  const costUsd = Math.round(gib * Number(source.egressUsdPerGb) * 100) / 100;
  const plan = planApprovals(rules, {
    datasets: [
      {
        id: c.dataset.id,
        name: c.dataset.name,
        classification: c.dataset.classification,
        stewardIds: c.dataset.stewardIds,
      },
    ],
    destination: {
      siteId: c.destination.id,
      siteName: c.destination.name,
      jurisdiction: c.destination.jurisdiction,
    },
    copies: [{ datasetId: c.dataset.id, fromSiteName: source.name, fromJurisdiction: source.jurisdiction }],
    estimatedCostUsd: costUsd,
    override: null,
    // Copies are judged by the border rule alone.
    budget: null,
  });
  if (plan.steps.length === 0) return null;

  const open = await tx.approvalRequest.count({
    where: { status: "PENDING", transfer: { datasetId: c.dataset.id, destinationSiteId: c.destination.id } },
  });
  if (open > 0)
    throw new AppError("CONFLICT", `copy of ${c.dataset.id} to ${c.destination.id} already requested`, {
      userMessage: `A copy to ${c.destination.name} already waits for approval.`,
      field: "siteId",
    });
  const wanBitsPerSecond = Math.max(Number(source.wanGbps), 0.1) * 1e9;
  const transfer = await tx.dataTransfer.create({
    data: {
      datasetId: c.dataset.id,
      sourceSiteId: source.id,
      destinationSiteId: c.destination.id,
      bytes: c.dataset.sizeBytes,
      costUsd,
      etaSeconds: Math.round((Number(c.dataset.sizeBytes) * 8) / wanBitsPerSecond),
      createdAt: c.now,
    },
    select: { id: true },
  });
  const summary = `copy ${c.dataset.name} from ${source.name} (${source.jurisdiction}) to ${c.destination.name} (${c.destination.jurisdiction})`;
  const expiresAt = new Date(c.now.getTime() + plan.expiresAfterHours * HOUR_MS);
  const request = await tx.approvalRequest.create({
    data: {
      kind: "DATA_TRANSFER",
      transferId: transfer.id,
      requestedById: c.actor.id,
      summary,
      siteId: c.destination.id,
      estimatedCostUsd: costUsd,
      expiresAt,
      createdAt: c.now,
      steps: { create: stepRows(plan.steps, c.now) },
    },
    select: { id: true },
  });
  const after = {
    transferId: transfer.id,
    datasetId: c.dataset.id,
    from: source.id,
    to: c.destination.id,
    estimatedCostUsd: costUsd,
    expiresAt: expiresAt.toISOString(),
    steps: plan.steps.map((s) => ({ order: s.order, policy: s.policyKey, reason: s.reason })),
  };
  await audit({ action: "approval.request", objectType: "ApprovalRequest", objectId: request.id, after });
  await enqueueWebhookEvent(tx, "approval.requested", { requestId: request.id, summary, ...after }, c.now);
  return { requestId: request.id, transferId: transfer.id };
}
