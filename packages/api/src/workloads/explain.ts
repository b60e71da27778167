import type { PrismaClient } from "@switchyard/db";
import { explainSite, PlacementInputError, placeBatch, type TPlacementResult } from "@switchyard/placement";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { timePlacement } from "../observability/metrics.ts";
import type { TWorkloadSpec } from "../router/workload/workload.schema.ts";
import {
  decisionWithApprovals,
  getVisibleWorkloadOrThrow,
  previewSnapshot,
  specToRequest,
} from "./service.ts";

/** The workload's latest placement decision with its full explanation, or NOT_FOUND. */
export async function getLatestDecision(prisma: PrismaClient, user: TSessionUser, workloadId: string) {
  const workload = await getVisibleWorkloadOrThrow(prisma, user, workloadId);
  const decision = await prisma.placementDecision.findFirst({
    where: { workloadId },
    orderBy: { createdAt: "desc" },
  });
  if (!decision) {
    throw new AppError("NOT_FOUND", `no decision for ${workloadId}`, {
      userMessage: "This workload has not been placed yet: it has no decision.",
    });
  }
  return decisionWithApprovals(prisma, decision, workload.state);
}

/** "Why not site X?" for the workload's latest decision, in words, from the stored explanation. */
export async function whyNotSite(
  prisma: PrismaClient,
  user: TSessionUser,
  workloadId: string,
  siteId: string,
) {
  const decision = await getLatestDecision(prisma, user, workloadId);
  const result = {
    ...decision.rejections,
    candidates: decision.candidates.candidates,
  } as unknown as TPlacementResult;
  const known =
    result.candidates.some((c) => c.siteId === siteId) || result.rejected.some((r) => r.siteId === siteId);
  if (!known) {
    throw new AppError("NOT_FOUND", `site ${siteId} not in decision ${decision.id}`, {
      userMessage: "This site was not part of the decision (it does not exist or was added later).",
      field: "siteId",
    });
  }
  return {
    siteId,
    decisionId: decision.id,
    fits: result.candidates.some((c) => c.siteId === siteId),
    explanation: explainSite(result, siteId),
  };
}

/**
 * Places many specs together as the batch loop would (priority first, then least total cost,
 * capacity shared between them), against the current estate; nothing is saved.
 */
export async function batchRecommend(prisma: PrismaClient, specs: TWorkloadSpec[]) {
  try {
    const snapshot = await previewSnapshot(prisma);
    const result = timePlacement("batch", () =>
      placeBatch({
        snapshot,
        requests: specs.map((spec, index) => specToRequest(spec, `spec-${index}`)),
        explainUnplaced: "summary",
      }),
    );
    return {
      placements: result.placements.map((p) => ({ ...p, specIndex: Number(p.workloadId.slice(5)) })),
      unplaced: result.unplaced.map((u) => ({ ...u, specIndex: Number(u.workloadId.slice(5)) })),
      totalCostUsd: result.totalCostUsd,
    };
  } catch (error) {
    if (error instanceof PlacementInputError) {
      throw new AppError("INVALID_REQUEST", error.message, {
        userMessage: error.message.replace("Invalid placement input: ", ""),
        field: error.issues[0]?.path ? `specs.${error.issues[0].path}` : "specs",
      });
    }
    throw error;
  }
}
