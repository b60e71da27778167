import { z } from "zod";
import { ROLES } from "../../auth/session.ts";
import { typeMessage } from "../../lib/messages.ts";

export const POLICY_KINDS = [
  "REGULATED_DATA",
  "CROSS_BORDER_TRANSFER",
  "SPEND_THRESHOLD",
  "PLACEMENT_OVERRIDE",
  "BUDGET_EXCEEDED",
  "DECLASSIFICATION",
] as const;
export type TPolicyKind = (typeof POLICY_KINDS)[number];
export const APPROVER_KINDS = ["DATASET_STEWARDS", "ROLE"] as const;

/** Kinds whose requests concern a dataset, so "the dataset's stewards" names someone. */
export const STEWARD_POLICY_KINDS: readonly TPolicyKind[] = [
  "REGULATED_DATA",
  "CROSS_BORDER_TRANSFER",
  "DECLASSIFICATION",
];

export const MAX_THRESHOLD_USD = 999_999_999_999.99;

export const ZPolicyKey = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/, "3-60 lowercase letters, digits and dashes"),
});

/** The editable fields of a rule; every version stores all of them. */
const rule = {
  name: z.string().trim().min(1, "Give the rule a name").max(120, "At most 120 characters"),
  description: z.string().trim().max(1_000, "At most 1,000 characters").default(""),
  kind: z.enum(POLICY_KINDS, { error: "Choose what the rule is about" }),
  enabled: z.boolean({ error: "Say whether the rule is enabled" }),
  approverKind: z.enum(APPROVER_KINDS, { error: "Choose who approves" }),
  approverRole: z.enum(ROLES, { error: "Choose a role" }).nullable().default(null),
  requiredApprovals: z
    .number({ error: typeMessage("Enter how many approvals are needed") })
    .int("A whole number")
    .min(1, "At least 1 approval")
    .max(5, "At most 5 approvals"),
  thresholdUsd: z
    .number({ error: typeMessage("Enter the spend threshold in USD") })
    .nullable()
    .default(null)
    // Stored as DECIMAL(14,2): refuse what the column would silently round.
    .refine(
      (usd) => usd === null || Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-6,
      "At most 2 decimal places (cents)",
    ),
  stepOrder: z
    .number({ error: typeMessage("Enter the step order") })
    .int("A whole number")
    .min(0, "At least 0")
    .max(1_000, "At most 1,000"),
  expiresAfterHours: z
    .number({ error: typeMessage("Enter the hours before a request expires") })
    .int("Whole hours")
    .min(1, "At least 1 hour")
    .max(720, "At most 720 hours (30 days)"),
};

type TRuleShape = {
  kind: TPolicyKind;
  approverKind: (typeof APPROVER_KINDS)[number];
  approverRole: (typeof ROLES)[number] | null;
  thresholdUsd: number | null;
};

/** The rules between fields, each reported on the field to fix. */
function checkRule(value: TRuleShape, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (value.kind === "SPEND_THRESHOLD") {
    if (value.thresholdUsd === null) issue("thresholdUsd", "A spend rule needs a threshold in USD");
    else if (value.thresholdUsd <= 0) issue("thresholdUsd", "The threshold must be more than $0");
    else if (value.thresholdUsd > MAX_THRESHOLD_USD) issue("thresholdUsd", "The threshold is too large");
  } else if (value.thresholdUsd !== null) {
    issue("thresholdUsd", "Only spend rules have a threshold");
  }
  if (value.approverKind === "ROLE" && value.approverRole === null)
    issue("approverRole", "Choose the role that approves");
  if (value.approverKind === "DATASET_STEWARDS") {
    if (value.approverRole !== null)
      issue("approverRole", "Dataset stewards approve this rule; leave the role empty");
    if (!STEWARD_POLICY_KINDS.includes(value.kind))
      issue("approverKind", "Only regulated-data and cross-border rules concern a dataset with stewards");
  }
}

/** policy.create and the "New rule" form: a new key at version 1. */
export const ZCreatePolicyInput = z.object({ ...ZPolicyKey.shape, ...rule }).superRefine(checkRule);
export type TCreatePolicyInput = z.infer<typeof ZCreatePolicyInput>;

/**
 * policy.update and the edit form: the whole new rule, written as version baseVersion + 1.
 * baseVersion is the version the editor started from; another edit in between is a conflict.
 */
export const ZUpdatePolicyInput = z
  .object({
    ...ZPolicyKey.shape,
    baseVersion: z
      .number({ error: typeMessage("Say which version you edited") })
      .int()
      .min(1, "Versions start at 1"),
    ...rule,
  })
  .superRefine(checkRule);
export type TUpdatePolicyInput = z.infer<typeof ZUpdatePolicyInput>;

export type TPolicyRule = Omit<TCreatePolicyInput, "key">;
