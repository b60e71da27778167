import type { Policy, Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { FIRST_PAGE, pageOf, type TPageParams } from "../lib/pagination.ts";
import type { TCreatePolicyInput, TPolicyRule, TUpdatePolicyInput } from "../router/policy/policy.schema.ts";
import { currentPolicyVersions } from "./current-policies.ts";

/** The fields a version of a rule consists of, in the order the console shows them. */
export const POLICY_RULE_FIELDS = [
  "name",
  "description",
  "kind",
  "enabled",
  "approverKind",
  "approverRole",
  "requiredApprovals",
  "thresholdUsd",
  "stepOrder",
  "expiresAfterHours",
] as const satisfies readonly (keyof TPolicyRule)[];
export type TPolicyRuleField = (typeof POLICY_RULE_FIELDS)[number];

type TAuthor = { id: string; name: string; email: string } | null;

/** One version of a rule as the API returns it: money as a number, the author spelled out. */
export type TPolicyVersion = TPolicyRule & {
  id: string;
  key: string;
  version: number;
  createdAt: Date;
  createdBy: TAuthor;
};

export type TPolicyChange = {
  field: TPolicyRuleField;
  before: TPolicyRule[TPolicyRuleField];
  after: TPolicyRule[TPolicyRuleField];
};

function ruleOf(row: Policy): TPolicyRule {
  return {
    name: row.name,
    description: row.description,
    kind: row.kind,
    enabled: row.enabled,
    approverKind: row.approverKind,
    approverRole: row.approverRole,
    requiredApprovals: row.requiredApprovals,
    thresholdUsd: row.thresholdUsd === null ? null : Number(row.thresholdUsd),
    stepOrder: row.stepOrder,
    expiresAfterHours: row.expiresAfterHours,
  };
}

function versionOf(row: Policy, authors: Map<string, NonNullable<TAuthor>>): TPolicyVersion {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    ...ruleOf(row),
    createdAt: row.createdAt,
    createdBy: row.createdById ? (authors.get(row.createdById) ?? null) : null,
  };
}

/** The fields that differ between two versions of a rule, in display order. */
export function diffRules(before: TPolicyRule, after: TPolicyRule): TPolicyChange[] {
  return POLICY_RULE_FIELDS.filter((field) => before[field] !== after[field]).map((field) => ({
    field,
    before: before[field],
    after: after[field],
  }));
}

async function authorsOf(prisma: Pick<PrismaClient, "user">, rows: Policy[]) {
  const ids = [...new Set(rows.flatMap((row) => (row.createdById ? [row.createdById] : [])))];
  const users = await prisma.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, email: true },
  });
  return new Map(users.map((user) => [user.id, user]));
}

/**
 * Every rule in force (its newest version), with its author and how many approval steps
 * still wait under an older version of it: those requests keep the rule they were opened
 * under, so an admin sees what an edit does not reach.
 */
export async function listPolicies(prisma: PrismaClient, paging: TPageParams = FIRST_PAGE) {
  // One row per rule key, built from the versions: a handful of keys, paged in memory.
  const page = pageOf(await currentPolicyVersions(prisma), paging);
  const current = page.rows;
  const [authors, staleSteps] = await Promise.all([
    authorsOf(prisma, current),
    prisma.approvalStep.groupBy({
      by: ["policyId"],
      where: {
        status: "PENDING",
        request: { status: "PENDING" },
        policyId: { notIn: current.map((p) => p.id) },
      },
      _count: { _all: true },
    }),
  ]);
  const staleRows = await prisma.policy.findMany({
    where: { id: { in: staleSteps.map((s) => s.policyId) } },
    select: { id: true, key: true },
  });
  const keyOf = new Map(staleRows.map((row) => [row.id, row.key]));
  const staleByKey = new Map<string, number>();
  for (const step of staleSteps) {
    const key = keyOf.get(step.policyId);
    if (key) staleByKey.set(key, (staleByKey.get(key) ?? 0) + step._count._all);
  }
  return {
    ...page,
    rows: current.map((row) => ({
      ...versionOf(row, authors),
      pendingStepsOnOlderVersions: staleByKey.get(row.key) ?? 0,
    })),
  };
}

/** Every version of one rule, newest first, each with what changed since the version before. */
export async function getPolicyHistory(prisma: PrismaClient, key: string) {
  const rows = await prisma.policy.findMany({ where: { key }, orderBy: { version: "desc" } });
  if (rows.length === 0)
    throw new AppError("NOT_FOUND", `policy ${key} not found`, { userMessage: `There is no rule "${key}".` });
  const authors = await authorsOf(prisma, rows);
  const versions = rows.map((row) => versionOf(row, authors));
  return {
    key,
    versions: versions.map((version, index) => {
      const previous = versions[index + 1];
      return { ...version, changes: previous ? diffRules(previous, version) : null };
    }),
  };
}

function ruleColumns(rule: TPolicyRule) {
  return {
    ...rule,
    // Decimal(14,2): the schema already refused sub-cent values, so this never rounds.
    thresholdUsd: rule.thresholdUsd === null ? null : rule.thresholdUsd.toFixed(2),
  };
}

/**
 * The audited shape of a version. Audit events name the rule by its key (not the row id), so
 * the audit log filtered on one object shows the rule's whole history across versions.
 */
function snapshot(row: Policy) {
  return { id: row.id, key: row.key, version: row.version, ...ruleOf(row), createdById: row.createdById };
}

/**
 * Two admins saving the same key and version at once both pass the version check on
 * PostgreSQL's READ COMMITTED; the (key, version) unique index lets only one insert win.
 */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

async function newestVersion(tx: Prisma.TransactionClient, key: string) {
  return tx.policy.findFirst({ where: { key }, orderBy: { version: "desc" } });
}

export async function createPolicy(ctx: TMutationContext, input: TCreatePolicyInput) {
  const { key, ...rule } = input;
  const keyTaken = () =>
    new AppError("CONFLICT", `policy key ${key} taken`, {
      userMessage: `A rule with the key "${key}" already exists; edit it instead.`,
      field: "key",
    });
  return auditedTransaction(ctx, async (tx, audit) => {
    if (await newestVersion(tx, key)) throw keyTaken();
    const row = await tx.policy
      .create({ data: { key, version: 1, ...ruleColumns(rule), createdById: ctx.user.id } })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? keyTaken() : error;
      });
    await audit({ action: "policy.create", objectType: "Policy", objectId: key, after: snapshot(row) });
    return { key: row.key, version: row.version, id: row.id };
  });
}

/**
 * Saves an edit as a new version; the rows of earlier versions are never touched, because
 * approval steps point at the exact version they were opened under. The caller says which
 * version it edited, so an edit made meanwhile by someone else is never silently overwritten.
 */
export async function updatePolicy(ctx: TMutationContext, input: TUpdatePolicyInput) {
  const { key, baseVersion, ...rule } = input;
  const conflict = (current: number) =>
    new AppError("CONFLICT", `policy ${key}: edit of v${baseVersion}, current v${current}`, {
      userMessage: `This rule changed while you edited it: version ${current} is current, you edited version ${baseVersion}. Reload it and make your change again.`,
      field: "baseVersion",
    });
  return auditedTransaction(ctx, async (tx, audit) => {
    const current = await newestVersion(tx, key);
    if (!current)
      throw new AppError("NOT_FOUND", `policy ${key} not found`, {
        userMessage: `There is no rule "${key}".`,
        field: "key",
      });
    if (current.version !== baseVersion) throw conflict(current.version);
    if (rule.kind !== current.kind)
      throw new AppError("INVALID_REQUEST", `policy ${key}: kind ${current.kind} -> ${rule.kind}`, {
        userMessage: "A rule cannot change what it is about; create a new rule for that instead.",
        field: "kind",
      });
    if (diffRules(ruleOf(current), rule).length === 0)
      throw new AppError("INVALID_REQUEST", `policy ${key}: no-op edit of v${baseVersion}`, {
        userMessage: `Nothing changed: this is the same rule as version ${baseVersion}.`,
      });
    const row = await tx.policy
      .create({
        data: { key, version: current.version + 1, ...ruleColumns(rule), createdById: ctx.user.id },
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(current.version + 1) : error;
      });
    await audit({
      action: "policy.update",
      objectType: "Policy",
      objectId: key,
      before: snapshot(current),
      after: snapshot(row),
    });
    return { key: row.key, version: row.version, id: row.id };
  });
}
