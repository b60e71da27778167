import type { BudgetMode, Policy, Prisma } from "@switchyard/db";
import { currentPolicyVersions } from "../governance/current-policies.ts";

/** A team's monthly budget as the budget filter and the approval forecast read it. */
export type TTeamBudget = { id: string; name: string; mode: BudgetMode; monthlyUsd: number };

/**
 * What a recommendation reads beside the estate, held with it by the estate cache and kept fresh
 * by the same change log (triggers on Policy and Team). For previews and forecasts only: the
 * approval gate and the budget check at schedule time read both in their own transaction.
 */
export type TEstateFacts = {
  /** The rules in force: the newest version of every key, enabled or not, in step order. */
  policies: readonly Policy[];
  /** The teams that have a monthly budget, by id. */
  budgets: ReadonlyMap<string, TTeamBudget>;
};

type TDb = Prisma.TransactionClient;

async function readBudgets(db: TDb, ids?: readonly string[]): Promise<TTeamBudget[]> {
  const teams = await db.team.findMany({
    where: { monthlyBudgetUsd: { not: null }, ...(ids ? { id: { in: [...ids] } } : {}) },
    select: { id: true, name: true, budgetMode: true, monthlyBudgetUsd: true },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    mode: t.budgetMode,
    monthlyUsd: Number(t.monthlyBudgetUsd),
  }));
}

/** Every fact, as of the transaction's snapshot (a start, or a gap in the change log). */
export async function readFacts(db: TDb): Promise<TEstateFacts> {
  const [policies, budgets] = await Promise.all([currentPolicyVersions(db), readBudgets(db)]);
  return { policies, budgets: new Map(budgets.map((b) => [b.id, b])) };
}

/**
 * The facts with the changes the log named applied: any policy change reads the rules again (a
 * handful of rows, and "current" depends on every version of a key); a team change reads that
 * team's budget, absent when it has none or is gone. Unchanged facts are returned as they are.
 */
export async function changedFacts(
  db: TDb,
  facts: TEstateFacts,
  ids: { Policy: readonly string[]; Team: readonly string[] },
): Promise<TEstateFacts> {
  const [policies, budgets] = await Promise.all([
    ids.Policy.length > 0 ? currentPolicyVersions(db) : facts.policies,
    ids.Team.length > 0 ? readBudgets(db, ids.Team) : undefined,
  ]);
  if (!budgets) return { policies, budgets: facts.budgets };
  const next = new Map(facts.budgets);
  for (const id of ids.Team) next.delete(id);
  for (const budget of budgets) next.set(budget.id, budget);
  return { policies, budgets: next };
}
