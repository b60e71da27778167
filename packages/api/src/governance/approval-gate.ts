import type { ApprovalStatus, PlacementDecision, Prisma } from "@switchyard/db";
import type { TCandidate } from "@switchyard/placement";
import type { TActor, TAudit } from "../lib/audited.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { transitionWorkload } from "../workloads/transitions.ts";
import { describeApprovers, planApprovals, type TRule, type TStepPlan } from "./approval-rules.ts";
import { enabledPolicies } from "./current-policies.ts";
import {
  approvedStepKeys,
  loadFactBudget,
  loadFactDatasets,
  loadFactSites,
  placementFacts,
  stepKey,
} from "./placement-facts.ts";

const HOUR_MS = 3_600_000;

/** Policy rows as the pure rule evaluation sees them. */
export function toRule(p: {
  id: string;
  key: string;
  version: number;
  name: string;
  kind: TRule["kind"];
  approverKind: TRule["approverKind"];
  approverRole: TRule["approverRole"];
  requiredApprovals: number;
  thresholdUsd: Prisma.Decimal | null;
  stepOrder: number;
  expiresAfterHours: number;
}): TRule {
  return { ...p, thresholdUsd: p.thresholdUsd === null ? null : Number(p.thresholdUsd) };
}

/** The approvals scheduling this candidate would ask for now (null when none), without asking. */
async function approvalPlan(
  tx: Prisma.TransactionClient,
  a: { workloadId: string; chosen: TCandidate; overrideReason: string | null; now: Date },
) {
  const rules = (await enabledPolicies(tx)).map(toRule);
  if (rules.length === 0) return null;
  const workload = await tx.workload.findUniqueOrThrow({
    where: { id: a.workloadId },
    select: { name: true, submittedById: true, teamId: true },
  });
  const datasets = await loadFactDatasets(tx, { workloadId: a.workloadId });
  const sites = await loadFactSites(tx, [a.chosen]);
  const budget = await loadFactBudget(tx, rules, { teamId: workload.teamId }, a.now);
  const destination = sites.get(a.chosen.siteId);
  const plan = planApprovals(rules, placementFacts(datasets, a.chosen, sites, a.overrideReason, budget));
  if (plan.steps.length === 0) return null;
  if (await alreadyApproved(tx, a.workloadId, a.chosen.siteId, plan.steps)) return null;
  return { plan, workload, datasets, destination };
}

/** Whether scheduling this candidate would wait for an approval (nothing is written). */
export async function needsApproval(
  tx: Prisma.TransactionClient,
  a: { workloadId: string; chosen: TCandidate; overrideReason: string | null; now: Date },
): Promise<boolean> {
  return (await approvalPlan(tx, a)) !== null;
}

/**
 * needsApproval() for several placements at once (a reconcile round): the rules, datasets and
 * sites read once for all, a team's budget once per team; only a placement the rules stop is
 * checked for approvals it already has. Answers the workloads that would wait.
 */
export async function needingApproval(
  tx: Prisma.TransactionClient,
  placements: readonly { workloadId: string; teamId: string; chosen: TCandidate }[],
  now: Date,
): Promise<Set<string>> {
  const waiting = new Set<string>();
  if (placements.length === 0) return waiting;
  const rules = (await enabledPolicies(tx)).map(toRule);
  if (rules.length === 0) return waiting;
  const ids = placements.map((p) => p.workloadId);
  const [links, sites] = await Promise.all([
    tx.workloadDataset.findMany({
      where: { workloadId: { in: ids } },
      select: { workloadId: true, datasetId: true },
    }),
    loadFactSites(
      tx,
      placements.map((p) => p.chosen),
    ),
  ]);
  const facts = await loadFactDatasets(tx, { datasetIds: [...new Set(links.map((l) => l.datasetId))] });
  const byId = new Map(facts.map((d) => [d.id, d]));
  const budgets = new Map<string, Awaited<ReturnType<typeof loadFactBudget>>>();
  for (const p of placements) {
    if (!budgets.has(p.teamId))
      budgets.set(p.teamId, await loadFactBudget(tx, rules, { teamId: p.teamId }, now));
    const own = links
      .filter((l) => l.workloadId === p.workloadId)
      .map((l) => byId.get(l.datasetId))
      .filter((d) => d !== undefined)
      .sort((a, b) => a.id.localeCompare(b.id));
    const plan = planApprovals(
      rules,
      placementFacts(own, p.chosen, sites, null, budgets.get(p.teamId) ?? null),
    );
    if (plan.steps.length === 0) continue;
    if (await alreadyApproved(tx, p.workloadId, p.chosen.siteId, plan.steps)) continue;
    waiting.add(p.workloadId);
  }
  return waiting;
}

/**
 * Called inside the scheduling transaction, before any GPU is held. When the rules in force
 * ask for approvals this placement does not already have, it writes an approval request with
 * one step per rule (and dataset), moves the workload to AWAITING_APPROVAL and returns the
 * request; otherwise it returns null and scheduling goes on.
 */
export async function requestApprovalIfNeeded(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  a: {
    actor: TActor;
    workloadId: string;
    decision: PlacementDecision;
    chosen: TCandidate;
    overrideReason: string | null;
    now: Date;
  },
): Promise<{ id: string } | null> {
  const needed = await approvalPlan(tx, a);
  if (!needed) return null;
  const { plan, workload, datasets, destination } = needed;
  const datasetNames = new Map(datasets.map((d) => [d.id, d.name]));
  const reasons = plan.steps.map((s) => s.reason);
  const summary = `${workload.name} at ${a.chosen.siteName}${destination ? ` (${destination.jurisdiction})` : ""}: ${reasons.join("; ")}`;
  const request = await tx.approvalRequest.create({
    data: {
      kind: "WORKLOAD_PLACEMENT",
      workloadId: a.workloadId,
      requestedById: a.actor.id ?? workload.submittedById,
      summary,
      decisionId: a.decision.id,
      siteId: a.chosen.siteId,
      estimatedCostUsd: a.chosen.cost.totalUsd,
      overrideReason: a.overrideReason,
      expiresAt: new Date(a.now.getTime() + plan.expiresAfterHours * HOUR_MS),
      createdAt: a.now,
      steps: { create: stepRows(plan.steps, a.now) },
    },
    select: { id: true },
  });
  const first = plan.steps[0] as TStepPlan;
  await transitionWorkload(tx, audit, {
    workloadId: a.workloadId,
    to: "AWAITING_APPROVAL",
    actorId: a.actor.id,
    reason: `waiting for approval at ${a.chosen.siteName}: ${reasons.join("; ")}; first ${describeApprovers(first, datasetNames.get(first.datasetId ?? ""))}`,
    now: a.now,
  });
  const after = {
    workloadId: a.workloadId,
    siteId: a.chosen.siteId,
    estimatedCostUsd: a.chosen.cost.totalUsd,
    expiresAt: new Date(a.now.getTime() + plan.expiresAfterHours * HOUR_MS).toISOString(),
    steps: plan.steps.map((s) => ({
      order: s.order,
      policy: s.policyKey,
      datasetId: s.datasetId,
      reason: s.reason,
    })),
  };
  await audit({ action: "approval.request", objectType: "ApprovalRequest", objectId: request.id, after });
  await enqueueWebhookEvent(tx, "approval.requested", { requestId: request.id, summary, ...after }, a.now);
  return request;
}

/** The rows of a request's steps, as planned by the rules. */
export function stepRows(steps: TStepPlan[], now: Date) {
  return steps.map((s) => ({
    order: s.order,
    policyId: s.policyId,
    approverKind: s.approverKind,
    approverRole: s.approverRole,
    datasetId: s.datasetId,
    requiredApprovals: s.requiredApprovals,
    reason: s.reason,
    createdAt: now,
  }));
}

/**
 * True when an approved request for this workload at this site already covers every step
 * (rule and dataset) the placement needs: an approved job that lost its GPUs and is placed
 * again at the same site is not asked twice.
 */
async function alreadyApproved(
  tx: Prisma.TransactionClient,
  workloadId: string,
  siteId: string,
  steps: TStepPlan[],
): Promise<boolean> {
  const have = (await approvedStepKeys(tx, workloadId, siteId)).get(siteId) ?? new Set<string>();
  return steps.every((s) => have.has(stepKey(s.policyKey, s.datasetId)));
}

/**
 * Closes a workload's open requests without a decision (the workload was cancelled, or the
 * request ran out of time), in the caller's transaction. Returns how many it closed.
 */
export async function closePendingApprovals(
  tx: Prisma.TransactionClient,
  audit: TAudit,
  c: {
    /** The workload's open requests, or one request (a dataset copy's). */
    of: { workloadId: string } | { requestId: string };
    status: Extract<ApprovalStatus, "CANCELLED" | "EXPIRED">;
    reason: string;
    now: Date;
  },
): Promise<number> {
  const open = await tx.approvalRequest.findMany({
    where: {
      ...("workloadId" in c.of ? { workloadId: c.of.workloadId } : { id: c.of.requestId }),
      status: "PENDING",
    },
    select: { id: true, workloadId: true, transferId: true },
  });
  for (const request of open) {
    await tx.approvalRequest.update({
      where: { id: request.id },
      data: { status: c.status, decidedAt: c.now },
    });
    await tx.approvalStep.updateMany({
      where: { requestId: request.id, status: "PENDING" },
      data: { status: c.status },
    });
    await audit({
      action: `approval.${c.status.toLowerCase()}`,
      objectType: "ApprovalRequest",
      objectId: request.id,
      before: { status: "PENDING" },
      after: { status: c.status, reason: c.reason },
    });
    // A copy that will not be approved does not happen.
    if (request.transferId)
      await tx.dataTransfer.update({ where: { id: request.transferId }, data: { status: "CANCELLED" } });
    await enqueueWebhookEvent(
      tx,
      "approval.decided",
      {
        requestId: request.id,
        workloadId: request.workloadId,
        transferId: request.transferId,
        status: c.status,
        reason: c.reason,
      },
      c.now,
    );
  }
  return open.length;
}
