import type { Prisma, PrismaClient } from "@switchyard/db";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TAudit, type TMutationContext } from "../lib/audited.ts";
import { FIRST_PAGE, pageArgs, type TPageParams, toPage } from "../lib/pagination.ts";
import { getVisibleWorkloadOrThrow } from "./service.ts";

const SITE_REF = { select: { id: true, name: true } } as const;

/** The dataset copies a workload's placement needs, oldest first, for whoever may see the workload. */
export async function listWorkloadTransfers(
  prisma: PrismaClient,
  user: TSessionUser,
  workloadId: string,
  paging: TPageParams = FIRST_PAGE,
) {
  await getVisibleWorkloadOrThrow(prisma, user, workloadId);
  const where = { workloadId };
  const [rows, total] = await Promise.all([
    prisma.dataTransfer.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      ...pageArgs(paging),
      select: {
        id: true,
        status: true,
        bytes: true,
        costUsd: true,
        etaSeconds: true,
        startedAt: true,
        completedAt: true,
        createdAt: true,
        dataset: { select: { id: true, name: true } },
        sourceSite: SITE_REF,
        destinationSite: SITE_REF,
        approvals: { select: { id: true, status: true }, orderBy: { createdAt: "desc" } },
      },
    }),
    prisma.dataTransfer.count({ where }),
  ]);
  return toPage(
    rows.map((row) => ({ ...row, costUsd: Number(row.costUsd) })),
    total,
    paging,
  );
}

/**
 * A dataset copy a placement needs ends here: COMPLETED registers the replica at the
 * destination (so later placements see the data there), FAILED leaves the workload waiting.
 * Called by whatever moves the bytes (a transfer job, an operator) through the API.
 */
export async function finishTransfer(
  ctx: TMutationContext,
  input: { id: string; outcome: "COMPLETED" | "FAILED"; note?: string },
) {
  return auditedTransaction(ctx, async (tx, audit) => {
    const waiting = await tx.approvalRequest.count({ where: { transferId: input.id, status: "PENDING" } });
    if (waiting > 0)
      throw new AppError("CONFLICT", `transfer ${input.id} awaits approval`, {
        userMessage: "This copy waits for approval; it cannot have happened yet.",
      });
    return settleTransfer(tx, audit, { ...input, now: new Date() });
  });
}

/** finishTransfer inside the caller's transaction (an approved dataset copy settles this way). */
export async function settleTransfer(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  input: { id: string; outcome: "COMPLETED" | "FAILED"; note?: string; now: Date },
) {
  const { now } = input;
  const rows = await tx.$queryRaw<
    { status: string }[]
  >`SELECT "status" FROM "DataTransfer" WHERE "id" = ${input.id} FOR UPDATE`;
  const status = rows[0]?.status;
  if (!status)
    throw new AppError("NOT_FOUND", `transfer ${input.id} not found`, {
      userMessage: "This transfer does not exist.",
    });
  if (status === "COMPLETED" || status === "CANCELLED") {
    throw new AppError("CONFLICT", `transfer ${input.id} is ${status}`, {
      userMessage: `This transfer is already ${status.toLowerCase()}.`,
    });
  }
  const transfer = await tx.dataTransfer.update({
    where: { id: input.id },
    data: {
      status: input.outcome,
      completedAt: input.outcome === "COMPLETED" ? now : null,
      startedAt: status === "PENDING" ? now : undefined,
    },
    select: { datasetId: true, destinationSiteId: true, bytes: true, workloadId: true },
  });
  if (input.outcome === "COMPLETED") {
    await tx.datasetReplica.upsert({
      where: { datasetId_siteId: { datasetId: transfer.datasetId, siteId: transfer.destinationSiteId } },
      create: {
        datasetId: transfer.datasetId,
        siteId: transfer.destinationSiteId,
        sizeBytes: transfer.bytes,
        status: "AVAILABLE",
      },
      update: { status: "AVAILABLE" },
    });
  }
  await audit({
    action: `transfer.${input.outcome.toLowerCase()}`,
    objectType: "DataTransfer",
    objectId: input.id,
    before: { status },
    after: { status: input.outcome, note: input.note ?? null },
  });
  return { id: input.id, status: input.outcome, workloadId: transfer.workloadId };
}

/** A workload may start only once every copy it needs has arrived. */
export async function assertDataArrived(tx: Prisma.TransactionClient, workloadId: string) {
  const waiting = await tx.dataTransfer.findMany({
    where: { workloadId, status: { not: "COMPLETED" } },
    select: { status: true, dataset: { select: { name: true } } },
  });
  if (waiting.length > 0) {
    throw new AppError("CONFLICT", `workload ${workloadId} waits for ${waiting.length} transfers`, {
      userMessage: `Waiting for data: ${waiting.map((t) => `${t.dataset.name} (${t.status.toLowerCase()})`).join(", ")}.`,
    });
  }
}
