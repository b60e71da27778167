import type { Classification, Prisma } from "@switchyard/db";
import { teamScope } from "../auth/access.ts";
import { AppError } from "../errors.ts";
import { stepRows } from "../governance/approval-gate.ts";
import type { TStepPlan } from "../governance/approval-rules.ts";
import { currentPolicyVersions } from "../governance/current-policies.ts";
import { auditedTransaction, type TAudit, type TMutationContext } from "../lib/audited.ts";
import type { TDeclassifyInput } from "../router/model/model.schema.ts";
import { enqueueWebhookEvent } from "../webhooks/outbox.ts";
import { CLASSIFICATION_ORDER } from "./inherit.ts";
import { modelNotFound } from "./read.ts";

const HOUR_MS = 3_600_000;
const rank = (c: Classification) => CLASSIFICATION_ORDER.indexOf(c);

/** The rule whose settings (approvals needed, expiry) declassifications follow; made on first use. */
async function declassificationPolicy(tx: Prisma.TransactionClient, audit: TAudit) {
  const current = (await currentPolicyVersions(tx)).find((p) => p.kind === "DECLASSIFICATION");
  if (current && !current.enabled)
    throw new AppError("CONFLICT", `policy ${current.key} disabled`, {
      userMessage: `Declassification is switched off (policy "${current.name}"): an admin can enable it under Policies.`,
    });
  if (current) return current;
  const row = await tx.policy.create({
    data: {
      key: "model-declassification",
      version: 1,
      name: "Model declassification",
      description:
        "Lifting the classification, regulations and residency a model inherited from its training data needs the approval of that data's stewards.",
      kind: "DECLASSIFICATION",
      approverKind: "DATASET_STEWARDS",
      requiredApprovals: 1,
      expiresAfterHours: 168,
    },
  });
  await audit({ action: "policy.create", objectType: "Policy", objectId: row.key, after: { ...row } });
  return row;
}

/**
 * Asks the stewards of a model's inputs to lift the rules it inherited: one approval step per
 * input that put a rule on it (a stricter classification, a regulation, a residency), decided
 * by that input's stewards; nobody decides their own request. When the last step approves,
 * applyDeclassification sets the model's classification and lifts its regulations and residency.
 */
export async function requestDeclassification(ctx: TMutationContext, input: TDeclassifyInput) {
  const now = new Date();
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.$executeRaw`SELECT 1 FROM "Dataset" WHERE "id" = ${input.id} FOR UPDATE`;
    const model = await tx.dataset.findFirst({
      where: { id: input.id, kind: "MODEL" },
      select: {
        id: true,
        name: true,
        version: true,
        ownerTeamId: true,
        classification: true,
        regulations: true,
        residencyCountries: true,
        residencyJurisdictions: true,
        onPremOnly: true,
        trainedOn: {
          select: {
            source: {
              select: {
                id: true,
                name: true,
                classification: true,
                regulations: true,
                residencyCountries: true,
                residencyJurisdictions: true,
                onPremOnly: true,
                stewards: { select: { userId: true } },
              },
            },
          },
        },
      },
    });
    if (!model) throw modelNotFound(input.id);
    const label = `${model.name} ${model.version ?? ""}`.trim();
    const scope = await teamScope(tx, ctx.user);
    if (scope && !scope.includes(model.ownerTeamId))
      throw new AppError("FORBIDDEN", `${ctx.user.email} not in the team owning ${model.id}`, {
        userMessage: `Only members of the team that owns ${label}, admins, platform engineers and data stewards ask to declassify it.`,
      });
    if (rank(input.toClassification) > rank(model.classification))
      throw new AppError("INVALID_REQUEST", `declassify ${model.id} up to ${input.toClassification}`, {
        userMessage: `${label} is ${model.classification.toLowerCase()}: a declassification lowers the classification, it cannot raise it`,
        field: "toClassification",
      });
    const carriesRules =
      model.regulations.length > 0 ||
      model.residencyCountries.length > 0 ||
      model.residencyJurisdictions.length > 0 ||
      model.onPremOnly;
    if (input.toClassification === model.classification && !carriesRules)
      throw new AppError("INVALID_REQUEST", `nothing to declassify on ${model.id}`, {
        userMessage: `${label} is already ${model.classification.toLowerCase()} with no regulations or residency: there is nothing to lift`,
        field: "toClassification",
      });
    const open = await tx.modelDeclassification.count({
      where: { modelId: model.id, request: { status: "PENDING" } },
    });
    if (open > 0)
      throw new AppError("CONFLICT", `declassification of ${model.id} pending`, {
        userMessage: `A declassification of ${label} already waits for approval.`,
      });

    const policy = await declassificationPolicy(tx, audit);
    const restricting = model.trainedOn
      .map((l) => l.source)
      .filter(
        (s) =>
          rank(s.classification) > rank(input.toClassification) ||
          s.regulations.length > 0 ||
          s.residencyCountries.length > 0 ||
          s.residencyJurisdictions.length > 0 ||
          s.onPremOnly,
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    const steps: TStepPlan[] = restricting.map((s, i) => {
      const base = { order: i + 1, policyId: policy.id, policyKey: policy.key, datasetId: s.id };
      const reason = `declassify ${label} (trained on ${s.name}, ${s.classification.toLowerCase()}${s.regulations.length > 0 ? `, ${s.regulations.join(", ")}` : ""}) to ${input.toClassification.toLowerCase()}`;
      if (policy.approverKind === "ROLE" || s.stewards.length === 0) {
        const role = policy.approverKind === "ROLE" ? (policy.approverRole ?? "ADMIN") : "DATA_STEWARD";
        return {
          ...base,
          approverKind: "ROLE",
          approverRole: role,
          requiredApprovals: policy.requiredApprovals,
          reason:
            policy.approverKind === "ROLE"
              ? reason
              : `${reason} (no named steward: any data steward decides)`,
        };
      }
      return {
        ...base,
        approverKind: "DATASET_STEWARDS",
        approverRole: null,
        requiredApprovals: Math.min(policy.requiredApprovals, s.stewards.length),
        reason,
      };
    });
    // A model with no recorded inputs (registered by hand) is decided by any data steward.
    if (steps.length === 0)
      steps.push({
        order: 1,
        policyId: policy.id,
        policyKey: policy.key,
        datasetId: null,
        approverKind: "ROLE",
        approverRole: "DATA_STEWARD",
        requiredApprovals: policy.requiredApprovals,
        reason: `declassify ${label} to ${input.toClassification.toLowerCase()} (no recorded training data: any data steward decides)`,
      });
    const before = {
      classification: model.classification,
      regulations: model.regulations,
      residencyCountries: model.residencyCountries,
      residencyJurisdictions: model.residencyJurisdictions,
      onPremOnly: model.onPremOnly,
    };
    const summary = `declassify model ${label} from ${model.classification.toLowerCase()} to ${input.toClassification.toLowerCase()}: ${input.reason}`;
    const expiresAt = new Date(now.getTime() + policy.expiresAfterHours * HOUR_MS);
    const request = await tx.approvalRequest.create({
      data: {
        kind: "DECLASSIFICATION",
        requestedById: ctx.user.id,
        summary,
        expiresAt,
        createdAt: now,
        steps: { create: stepRows(steps, now) },
      },
      select: { id: true },
    });
    const declassification = await tx.modelDeclassification.create({
      data: {
        modelId: model.id,
        requestId: request.id,
        requestedById: ctx.user.id,
        reason: input.reason,
        toClassification: input.toClassification,
        before,
        createdAt: now,
      },
      select: { id: true },
    });
    const after = {
      modelId: model.id,
      declassificationId: declassification.id,
      toClassification: input.toClassification,
      reason: input.reason,
      expiresAt: expiresAt.toISOString(),
      steps: steps.map((s) => ({ order: s.order, policy: s.policyKey, reason: s.reason })),
    };
    await audit({ action: "approval.request", objectType: "ApprovalRequest", objectId: request.id, after });
    await audit({
      action: "model.declassification.request",
      objectType: "Dataset",
      objectId: model.id,
      before,
      after,
    });
    await enqueueWebhookEvent(tx, "approval.requested", { requestId: request.id, summary, ...after }, now);
    return { id: declassification.id, approvalRequestId: request.id, status: "AWAITING_APPROVAL" as const };
  });
}

/**
 * The approved declassification takes effect, in the transaction that approved it: the model
 * gets the classification asked for and no longer carries its inputs' regulations or
 * residency, so its copies and the work that reads it are judged by the new values.
 */
export async function applyDeclassification(tx: Prisma.TransactionClient, audit: TAudit, requestId: string) {
  const d = await tx.modelDeclassification.findUnique({
    where: { requestId },
    select: { id: true, modelId: true, toClassification: true, reason: true, before: true },
  });
  if (!d) return null;
  const after = {
    classification: d.toClassification,
    regulations: [],
    residencyCountries: [],
    residencyJurisdictions: [],
    onPremOnly: false,
  };
  await tx.dataset.update({ where: { id: d.modelId }, data: after });
  await audit({
    action: "model.declassify",
    objectType: "Dataset",
    objectId: d.modelId,
    before: d.before as Prisma.InputJsonValue,
    after: { ...after, reason: d.reason, declassificationId: d.id, approvalRequestId: requestId },
  });
  return d.modelId;
}
