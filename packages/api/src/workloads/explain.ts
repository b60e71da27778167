import type { PrismaClient } from "@switchyard/db";
import { explainSite, PlacementInputError, placeBatch, type TPlacementResult } from "@switchyard/placement";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";
import { timePlacement } from "../observability/metrics.ts";
import type { TWorkloadSpec } from "../router/workload/workload.schema.ts";
import { withHardBudget, withHardBudgets } from "../services/team-budget.ts";
import {
  currentEstate,
  decisionWithApprovals,
  getVisibleWorkloadOrThrow,
  runEngine,
  specToRequest,
} from "./service.ts";
import { toRequest } from "./snapshot.ts";

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

/**
 * "Why not site X?" for the workload's latest decision, in words. From the stored explanation
 * when it holds the site (its top candidates; every site in decisions written before they were
 * compact); otherwise the engine runs again for this workload on the current estate
 * (`source: "current-estate"`): a compact decision keeps only the counts of the other sites.
 */
export async function whyNotSite(
  prisma: PrismaClient,
  user: TSessionUser,
  workloadId: string,
  siteId: string,
) {
  const decision = await getLatestDecision(prisma, user, workloadId);
  const stored = {
    ...decision.rejections,
    candidates: decision.candidates.candidates,
  } as unknown as TPlacementResult;
  const answer = (result: TPlacementResult, source: "decision" | "current-estate") => ({
    siteId,
    decisionId: decision.id,
    fits: result.candidates.some((c) => c.siteId === siteId),
    source,
    explanation: explainSite(result, siteId),
  });
  const holds = (result: TPlacementResult) =>
    result.candidates.some((c) => c.siteId === siteId) || result.rejected.some((r) => r.siteId === siteId);
  if (holds(stored)) return answer(stored, "decision");
  const complete = decision.candidates.omitted === 0 && decision.rejections.omitted === 0;
  const now = complete ? null : await placeAgain(prisma, workloadId);
  if (now && holds(now)) return answer(now, "current-estate");
  throw new AppError("NOT_FOUND", `site ${siteId} not in decision ${decision.id}`, {
    userMessage: "This site was not part of the decision (it does not exist or was added later).",
    field: "siteId",
  });
}

/** The engine's whole answer for a stored workload on the current estate; nothing is saved. */
async function placeAgain(prisma: PrismaClient, workloadId: string) {
  const workload = await prisma.workload.findUniqueOrThrow({
    where: { id: workloadId },
    include: { datasets: { select: { datasetId: true } } },
  });
  const request = await withHardBudget(prisma, toRequest(workload), new Date());
  return runEngine("recommend", await currentEstate(prisma), request);
}

/**
 * Places many specs together as the batch loop would (priority first, then least total cost,
 * capacity shared between them), against the current estate; nothing is saved.
 */
export async function batchRecommend(prisma: PrismaClient, specs: TWorkloadSpec[]) {
  try {
    const snapshot = await currentEstate(prisma);
    const requests = await withHardBudgets(
      prisma,
      specs.map((spec, index) => specToRequest(spec, `spec-${index}`)),
      new Date(),
    );
    const result = timePlacement("batch", () =>
      placeBatch({ snapshot, requests, explainUnplaced: "summary" }),
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
