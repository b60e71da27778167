import type { ApproverKind, PolicyKind, Prisma, PrismaClient, Role } from "@switchyard/db";
import type { TCandidate } from "@switchyard/placement";
import type { TEstateWithFacts } from "../estate/cache.ts";
import { toRule } from "./approval-gate.ts";
import { describeApprovers, planApprovals, type TRule } from "./approval-rules.ts";
import { enabledPolicies } from "./current-policies.ts";
import {
  approvedStepKeys,
  loadFactBudget,
  loadFactDatasets,
  loadFactSites,
  placementFacts,
  stepKey,
} from "./placement-facts.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

/** One approval that choosing a candidate will need, and who decides it. */
export type TApprovalNeed = {
  ruleKey: string;
  ruleName: string;
  kind: PolicyKind;
  /** Why the rule applies, e.g. "reads REGULATED dataset Insurance claims 2025". */
  reason: string;
  datasetId: string | null;
  datasetName: string | null;
  approverKind: ApproverKind;
  approverRole: Role | null;
  /** Who decides, in words: "a steward of claims-2025", "a platform engineer". */
  approvers: string;
  /** The named people who may decide (a dataset's stewards); empty when a role decides. */
  approverNames: string[];
  requiredApprovals: number;
};

/** Stands in for the reason an override will give; the rule asks whatever the reason is. */
export const OVERRIDE_REASON_PLACEHOLDER = "the reason given";

/**
 * Which approvals choosing each candidate would need, planned by the same rules and facts
 * the scheduling gate (approval-gate.ts) uses, so a forecast and the request that scheduling
 * writes agree. A candidate other than the recommendation is chosen by override, so override
 * rules count for it. For a saved workload, steps an approved request at that site already
 * covers are not asked again (as when scheduling); an empty list means it schedules at once.
 * Reads only; returns one list per candidate, in order. Given the estate the candidates were
 * decided on with its facts (the estate cache's withFacts()), the rules in force, the team's
 * budget and the sites' names and jurisdictions come from them rather than from queries.
 */
export async function forecastApprovals(
  db: TDb,
  of: { workloadId: string } | { datasetIds: readonly string[]; teamId: string },
  candidates: readonly TCandidate[],
  recommendedSiteId: string | null,
  known?: TEstateWithFacts,
): Promise<TApprovalNeed[][]> {
  if (candidates.length === 0) return [];
  const policies = known ? known.facts.policies.filter((p) => p.enabled) : await enabledPolicies(db);
  if (policies.length === 0) return candidates.map(() => []);
  const rules = policies.map(toRule);
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  const [datasets, sites, budget, approved] = await Promise.all([
    loadFactDatasets(db, of),
    loadFactSites(db, candidates, known?.estate),
    loadFactBudget(db, rules, of, new Date(), known?.facts.budgets),
    "workloadId" in of ? approvedStepKeys(db, of.workloadId) : new Map<string, Set<string>>(),
  ]);
  const byId = new Map(datasets.map((d) => [d.id, d]));
  return candidates.map((c) => {
    const isOverride = recommendedSiteId !== null && c.siteId !== recommendedSiteId;
    const plan = planApprovals(
      rules,
      placementFacts(datasets, c, sites, isOverride ? OVERRIDE_REASON_PLACEHOLDER : null, budget),
    );
    const have = approved.get(c.siteId);
    if (have && plan.steps.every((s) => have.has(stepKey(s.policyKey, s.datasetId)))) return [];
    return plan.steps.map((s) => {
      const dataset = s.datasetId ? byId.get(s.datasetId) : undefined;
      // Every step is planned from one of these rules.
      const rule = ruleById.get(s.policyId) as TRule;
      return {
        ruleKey: s.policyKey,
        ruleName: rule.name,
        kind: rule.kind,
        reason: s.reason,
        datasetId: s.datasetId,
        datasetName: dataset?.name ?? null,
        approverKind: s.approverKind,
        approverRole: s.approverRole,
        approvers: describeApprovers(s, dataset?.name),
        approverNames: s.approverKind === "DATASET_STEWARDS" ? (dataset?.stewardNames ?? []) : [],
        requiredApprovals: s.requiredApprovals,
      };
    });
  });
}
