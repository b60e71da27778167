import type { RouterOutputs } from "@switchyard/api";
import type { TPolicyKind, TPolicyRule } from "@switchyard/api/schemas";
import { ROLE_LABELS } from "@switchyard/api/session";
import { formatUsd } from "~/lib/format";

export type TPolicyRow = RouterOutputs["policy"]["list"]["rows"][number];
export type TPolicyVersionRow = RouterOutputs["policy"]["history"]["versions"][number];

export const POLICY_KIND_LABEL: Record<TPolicyKind, string> = {
  REGULATED_DATA: "Reads regulated data",
  CROSS_BORDER_TRANSFER: "Cross-border data copy",
  SPEND_THRESHOLD: "Spend over a threshold",
  PLACEMENT_OVERRIDE: "Override of the recommendation",
  BUDGET_EXCEEDED: "A placement that takes its team over the monthly budget",
  DECLASSIFICATION: "Declassifying a model trained on restricted data",
};

export const POLICY_FIELD_LABEL: Record<keyof TPolicyRule, string> = {
  name: "Name",
  description: "Description",
  kind: "Applies to",
  enabled: "Enabled",
  approverKind: "Approvers",
  approverRole: "Approver role",
  requiredApprovals: "Approvals needed",
  thresholdUsd: "Threshold",
  stepOrder: "Step order",
  expiresAfterHours: "Expires after",
};

export function approversOf(rule: Pick<TPolicyRule, "approverKind" | "approverRole">) {
  if (rule.approverKind === "DATASET_STEWARDS") return "Dataset stewards";
  return rule.approverRole ? ROLE_LABELS[rule.approverRole] : "A role";
}

/** One field's value as a person reads it, for tables and version diffs. */
export function formatPolicyValue<K extends keyof TPolicyRule>(field: K, value: TPolicyRule[K]): string {
  if (value === null || value === undefined || value === "") return "—";
  switch (field) {
    case "kind":
      return POLICY_KIND_LABEL[value as TPolicyKind];
    case "enabled":
      return value ? "yes" : "no";
    case "approverKind":
      return value === "DATASET_STEWARDS" ? "dataset stewards" : "a role";
    case "approverRole":
      return ROLE_LABELS[value as NonNullable<TPolicyRule["approverRole"]>];
    case "thresholdUsd":
      return formatUsd(value as number);
    case "expiresAfterHours":
      return `${value} h`;
    default:
      return String(value);
  }
}

/** The editable rule of a stored version: what an edit starts from. */
export function ruleOf(version: TPolicyRow): TPolicyRule {
  return {
    name: version.name,
    description: version.description,
    kind: version.kind,
    enabled: version.enabled,
    approverKind: version.approverKind,
    approverRole: version.approverRole,
    requiredApprovals: version.requiredApprovals,
    thresholdUsd: version.thresholdUsd,
    stepOrder: version.stepOrder,
    expiresAfterHours: version.expiresAfterHours,
  };
}
