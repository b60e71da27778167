import type { ApproverKind, Classification, PolicyKind, Role } from "@switchyard/db";

/** A rule in force, as plain data (one Policy row). */
export type TRule = {
  id: string;
  key: string;
  version: number;
  name: string;
  kind: PolicyKind;
  approverKind: ApproverKind;
  approverRole: Role | null;
  requiredApprovals: number;
  thresholdUsd: number | null;
  stepOrder: number;
  expiresAfterHours: number;
};

/** What the rules look at when a workload is about to be scheduled at a site. */
export type TPlacementFacts = {
  datasets: { id: string; name: string; classification: Classification; stewardIds: string[] }[];
  destination: { siteId: string; siteName: string; jurisdiction: string };
  /** Copies this placement makes: a dataset from a replica's site to the destination. */
  copies: { datasetId: string; fromSiteName: string; fromJurisdiction: string }[];
  estimatedCostUsd: number;
  override: { reason: string } | null;
  /** The workload's team's SOFT monthly budget and its spend so far this month; null: none. */
  budget: TBudgetFacts | null;
};

export type TBudgetFacts = { teamName: string; monthlyUsd: number; monthToDateUsd: number };

/** One approval step a rule asks for. */
export type TStepPlan = {
  order: number;
  policyId: string;
  policyKey: string;
  approverKind: ApproverKind;
  approverRole: Role | null;
  datasetId: string | null;
  requiredApprovals: number;
  reason: string;
};

export type TApprovalPlan = { steps: TStepPlan[]; expiresAfterHours: number };

const usd = (x: number) => `$${x.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

/** Why the rule applies, and for which dataset (DATASET_STEWARDS steps are per dataset). */
type TMatch = { reason: string; dataset?: TPlacementFacts["datasets"][number] };

function matches(rule: TRule, facts: TPlacementFacts): TMatch[] {
  const byId = new Map(facts.datasets.map((d) => [d.id, d]));
  switch (rule.kind) {
    case "REGULATED_DATA":
      return facts.datasets
        .filter((d) => d.classification === "REGULATED")
        .map((d) => ({ reason: `reads REGULATED dataset ${d.name}`, dataset: d }));
    case "CROSS_BORDER_TRANSFER":
      return facts.copies
        .filter((c) => c.fromJurisdiction !== facts.destination.jurisdiction)
        .map((c) => {
          const dataset = byId.get(c.datasetId);
          return {
            reason: `copies ${dataset?.name ?? c.datasetId} from ${c.fromSiteName} (${c.fromJurisdiction}) to ${facts.destination.siteName} (${facts.destination.jurisdiction})`,
            dataset,
          };
        });
    case "SPEND_THRESHOLD":
      return rule.thresholdUsd !== null && facts.estimatedCostUsd > rule.thresholdUsd
        ? [
            {
              reason: `estimated ${usd(facts.estimatedCostUsd)}, over the ${usd(rule.thresholdUsd)} threshold`,
            },
          ]
        : [];
    case "BUDGET_EXCEEDED": {
      const b = facts.budget;
      const projected = b ? b.monthToDateUsd + facts.estimatedCostUsd : 0;
      return b && projected > b.monthlyUsd
        ? [
            {
              reason: `${usd(b.monthToDateUsd)} spent this month + estimated ${usd(facts.estimatedCostUsd)} takes ${b.teamName} over its ${usd(b.monthlyUsd)} monthly budget`,
            },
          ]
        : [];
    }
    // Asked for by requestDeclassification (models/declassify.ts), never by a placement.
    case "DECLASSIFICATION":
      return [];
    case "PLACEMENT_OVERRIDE":
      return facts.override
        ? [
            {
              reason: `runs at ${facts.destination.siteName} instead of the recommendation: ${facts.override.reason}`,
            },
          ]
        : [];
  }
}

/**
 * Which approvals a placement needs under the given rules: one step per rule that applies,
 * or, for rules decided by dataset stewards, one per dataset concerned. A dataset without a
 * named steward (or a steward rule on something that is not a dataset) falls back to any
 * DATA_STEWARD, resp. ADMIN, so a request can always be decided. Steps run in the rules'
 * step order. Pure: no I/O, the same facts always give the same plan.
 */
export function planApprovals(rules: readonly TRule[], facts: TPlacementFacts): TApprovalPlan {
  const ordered = [...rules].sort((a, b) => a.stepOrder - b.stepOrder || a.key.localeCompare(b.key));
  const steps: TStepPlan[] = [];
  let expiresAfterHours = Number.POSITIVE_INFINITY;
  for (const rule of ordered) {
    const found = matches(rule, facts);
    if (found.length > 0) expiresAfterHours = Math.min(expiresAfterHours, rule.expiresAfterHours);
    for (const match of found) {
      const base = {
        order: steps.length + 1,
        policyId: rule.id,
        policyKey: rule.key,
        requiredApprovals: rule.requiredApprovals,
      };
      if (rule.approverKind === "ROLE") {
        steps.push({
          ...base,
          approverKind: "ROLE",
          approverRole: rule.approverRole,
          datasetId: match.dataset?.id ?? null,
          reason: match.reason,
        });
      } else if (match.dataset && match.dataset.stewardIds.length > 0) {
        steps.push({
          ...base,
          approverKind: "DATASET_STEWARDS",
          approverRole: null,
          datasetId: match.dataset.id,
          // Never ask for more approvals than there are stewards to give them.
          requiredApprovals: Math.min(rule.requiredApprovals, match.dataset.stewardIds.length),
          reason: match.reason,
        });
      } else {
        const role: Role = match.dataset ? "DATA_STEWARD" : "ADMIN";
        steps.push({
          ...base,
          approverKind: "ROLE",
          approverRole: role,
          datasetId: match.dataset?.id ?? null,
          reason: `${match.reason} (no named steward: any ${role === "ADMIN" ? "admin" : "data steward"} decides)`,
        });
      }
    }
  }
  return { steps, expiresAfterHours: Number.isFinite(expiresAfterHours) ? expiresAfterHours : 0 };
}

/** A step's approvers, in words, for summaries and the inbox. */
export function describeApprovers(
  step: Pick<TStepPlan, "approverKind" | "approverRole">,
  datasetName?: string,
) {
  if (step.approverKind === "DATASET_STEWARDS") return `a steward of ${datasetName ?? "the dataset"}`;
  const role = (step.approverRole ?? "ADMIN").toLowerCase().replace("_", " ");
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}

/** What deciding a step depends on; plain data so the rule can be tested on its own. */
export type TDecisionContext = {
  user: { id: string; role: Role };
  request: { status: string; expiresAt: Date; requestedById: string; submittedById: string };
  step: {
    approverKind: ApproverKind;
    approverRole: Role | null;
    datasetId: string | null;
    datasetName?: string;
  };
  /** Who has already decided this step (a step needing two approvals needs two people). */
  stepDeciderIds: readonly string[];
  /** Datasets the user stewards. */
  stewardOf: readonly string[];
  now: Date;
};

export type TMayDecide = { ok: true } | { ok: false; why: string };

/**
 * Whether a user may decide the current step of a request: only the step's approvers, never
 * the person who asked (or whose workload it is), and once per step.
 */
export function mayDecide(c: TDecisionContext): TMayDecide {
  if (c.request.status !== "PENDING")
    return { ok: false, why: `This request is already ${c.request.status.toLowerCase()}.` };
  if (c.request.expiresAt <= c.now) return { ok: false, why: "This request has expired." };
  if (c.user.id === c.request.requestedById || c.user.id === c.request.submittedById)
    return { ok: false, why: "You asked for this; someone else must decide it." };
  if (c.stepDeciderIds.includes(c.user.id))
    return { ok: false, why: "You have approved this step; it needs another approver too." };
  if (c.step.approverKind === "DATASET_STEWARDS") {
    return c.step.datasetId && c.stewardOf.includes(c.step.datasetId)
      ? { ok: true }
      : { ok: false, why: `Only a steward of ${c.step.datasetName ?? "the dataset"} can decide this step.` };
  }
  return c.user.role === c.step.approverRole
    ? { ok: true }
    : { ok: false, why: `This step needs ${describeApprovers(c.step)}.` };
}
