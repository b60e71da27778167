import type { BudgetMode, Prisma, PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TTeamBudget } from "../estate/facts.ts";
import type { TBudgetFacts } from "../governance/approval-rules.ts";
import { egressByBucket, gpuHoursByBucket } from "./spend.ts";
import { startOfMonth, startOfNextMonth } from "./team-spend.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

const cents = (usd: number) => Math.round(usd * 100) / 100;

/** Spend of the teams from the start of `now`'s UTC month up to `now`, per team. */
export async function monthToDateSpend(
  db: TDb,
  teamIds: readonly string[],
  now: Date,
): Promise<Map<string, { totalUsd: number; unpricedGpuHours: number }>> {
  const out = new Map(teamIds.map((id) => [id, { totalUsd: 0, unpricedGpuHours: 0 }]));
  if (teamIds.length === 0) return out;
  const window = { from: startOfMonth(now), to: startOfNextMonth(now), bucket: "day" as const, now, teamIds };
  const [gpu, egress] = await Promise.all([gpuHoursByBucket(db, window), egressByBucket(db, window)]);
  for (const row of gpu) {
    const team = out.get(row.teamId);
    if (!team) continue;
    team.totalUsd += row.gpuCostUsd;
    team.unpricedGpuHours += row.unpricedGpuHours;
  }
  for (const row of egress) {
    const team = out.get(row.teamId);
    if (team) team.totalUsd += row.egressUsd;
  }
  for (const team of out.values()) team.totalUsd = cents(team.totalUsd);
  return out;
}

/**
 * The month's forecast, linear from month-to-date: the spend so far divided by the share of
 * the month gone. A simple extrapolation, not a model of the work ahead.
 */
export function linearForecast(monthToDateUsd: number, now: Date): number {
  const start = startOfMonth(now).getTime();
  const share = (now.getTime() - start) / (startOfNextMonth(now).getTime() - start);
  return share > 0 ? cents(monthToDateUsd / share) : monthToDateUsd;
}

export type TBudgetStatus = {
  teamId: string;
  teamName: string;
  monthlyUsd: number | null;
  mode: BudgetMode;
  /** "2026-12": the UTC month the figures are for. */
  month: string;
  monthToDateUsd: number;
  unpricedGpuHours: number;
  forecastUsd: number;
  /** Budget minus month-to-date (negative when over); null without a budget. */
  remainingUsd: number | null;
  overBudget: boolean;
  forecastOverBudget: boolean;
};

/** A team's budget and where its spend stands this month. */
export async function teamBudgetStatus(db: TDb, teamId: string, now: Date): Promise<TBudgetStatus> {
  const team = await db.team.findUnique({
    where: { id: teamId },
    select: { id: true, name: true, monthlyBudgetUsd: true, budgetMode: true },
  });
  if (!team)
    throw new AppError("NOT_FOUND", `team ${teamId} not found`, { userMessage: "This team does not exist." });
  const spent = (await monthToDateSpend(db, [team.id], now)).get(team.id) ?? {
    totalUsd: 0,
    unpricedGpuHours: 0,
  };
  const monthlyUsd = team.monthlyBudgetUsd === null ? null : Number(team.monthlyBudgetUsd);
  const forecastUsd = linearForecast(spent.totalUsd, now);
  return {
    teamId: team.id,
    teamName: team.name,
    monthlyUsd,
    mode: team.budgetMode,
    month: now.toISOString().slice(0, 7),
    monthToDateUsd: spent.totalUsd,
    unpricedGpuHours: Math.round(spent.unpricedGpuHours * 1e6) / 1e6,
    forecastUsd,
    remainingUsd: monthlyUsd === null ? null : cents(monthlyUsd - spent.totalUsd),
    overBudget: monthlyUsd !== null && spent.totalUsd > monthlyUsd,
    forecastOverBudget: monthlyUsd !== null && forecastUsd > monthlyUsd,
  };
}

/**
 * The teams among these with a budget of this mode. Given the budgets the estate cache holds
 * (`known`, estate/facts.ts), from them; else read.
 */
async function budgetedTeams(
  db: TDb,
  teamIds: readonly string[],
  mode: BudgetMode,
  known?: ReadonlyMap<string, TTeamBudget>,
): Promise<{ id: string; name: string; monthlyUsd: number }[]> {
  const ids = [...new Set(teamIds)];
  if (known)
    return ids.flatMap((id) => {
      const budget = known.get(id);
      return budget?.mode === mode ? [{ id, name: budget.name, monthlyUsd: budget.monthlyUsd }] : [];
    });
  const teams = await db.team.findMany({
    where: { id: { in: ids }, budgetMode: mode, monthlyBudgetUsd: { not: null } },
    select: { id: true, name: true, monthlyBudgetUsd: true },
  });
  return teams.map((t) => ({ id: t.id, name: t.name, monthlyUsd: Number(t.monthlyBudgetUsd) }));
}

/**
 * What each team with a HARD budget may still spend this month (at least 0), for the
 * engine's team-budget filter; teams without one are absent. Given the budgets the estate cache
 * holds (`known`), which teams have one is not read again: only a HARD team's spend is.
 */
export async function hardBudgetsLeft(
  db: TDb,
  teamIds: readonly string[],
  now: Date,
  known?: ReadonlyMap<string, TTeamBudget>,
): Promise<Map<string, number>> {
  const teams = await budgetedTeams(db, teamIds, "HARD", known);
  const spent = await monthToDateSpend(
    db,
    teams.map((t) => t.id),
    now,
  );
  return new Map(
    teams.map((t) => [t.id, Math.max(0, cents(t.monthlyUsd - (spent.get(t.id)?.totalUsd ?? 0)))]),
  );
}

/** A team's SOFT budget as the approval rules see it; null when it has none. `known`: as in hardBudgetsLeft. */
export async function softBudgetFacts(
  db: TDb,
  teamId: string,
  now: Date,
  known?: ReadonlyMap<string, TTeamBudget>,
): Promise<TBudgetFacts | null> {
  const [team] = await budgetedTeams(db, [teamId], "SOFT", known);
  if (!team) return null;
  const spent = (await monthToDateSpend(db, [team.id], now)).get(team.id);
  return {
    teamName: team.name,
    monthlyUsd: team.monthlyUsd,
    monthToDateUsd: spent?.totalUsd ?? 0,
  };
}

/**
 * The requests with what their teams may still spend this month under a HARD budget, for the
 * engine's team-budget filter (teams without one get nothing added).
 */
export async function withHardBudgets<R extends { teamId: string }>(
  db: TDb,
  requests: readonly R[],
  now: Date,
  known?: ReadonlyMap<string, TTeamBudget>,
): Promise<(R & { teamBudgetLeftUsd?: number })[]> {
  const left = await hardBudgetsLeft(
    db,
    requests.map((r) => r.teamId),
    now,
    known,
  );
  return requests.map((r) => {
    const usd = left.get(r.teamId);
    return usd === undefined ? r : { ...r, teamBudgetLeftUsd: usd };
  });
}

/** withHardBudgets for one request. */
export async function withHardBudget<R extends { teamId: string }>(
  db: TDb,
  request: R,
  now: Date,
  known?: ReadonlyMap<string, TTeamBudget>,
) {
  const [out] = await withHardBudgets(db, [request], now, known);
  return out ?? request;
}
