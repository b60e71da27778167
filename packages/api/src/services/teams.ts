import { Prisma, type PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { auditedTransaction, type TMutationContext } from "../lib/audited.ts";
import { pageArgs, toPage } from "../lib/pagination.ts";
import { assertIfMatch, recordEtag } from "../lib/preconditions.ts";
import type { TListTeamsInput } from "../router/team/list-teams.schema.ts";
import { ANY_GPU_MODEL, type TTeamBudgetInput, type TTeamQuotasInput } from "../router/team/team.schema.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

export type TQuotaUse = {
  gpuModel: string;
  guaranteedGpus: number;
  limitGpus: number;
  siteGroupId: string | null;
  usedGpus: number;
};
export type TTeamRow = {
  id: string;
  slug: string;
  name: string;
  description: string;
  members: number;
  quotas: TQuotaUse[];
  /** GPUs held now per GPU model, including models no quota names. */
  usage: { gpuModel: string; gpus: number }[];
};

const teamNotFound = (id: string) =>
  new AppError("NOT_FOUND", `team ${id} not found`, { userMessage: "This team does not exist." });

/**
 * GPUs the teams' workloads hold now (active allocations), per team and node GPU model: one
 * aggregate query for any number of teams.
 */
async function gpuUsageByTeam(db: TDb, teamIds: string[]) {
  const byTeam = new Map<string, Map<string, number>>();
  if (teamIds.length === 0) return byTeam;
  const rows = await db.$queryRaw<{ teamId: string; gpuModel: string; gpus: number }[]>`
    SELECT w."teamId", n."gpuModel", SUM(a."gpus")::int AS "gpus"
    FROM "Allocation" a
    JOIN "Workload" w ON w."id" = a."workloadId"
    JOIN "GpuNode" n ON n."id" = a."nodeId"
    WHERE a."status" = 'ACTIVE' AND w."teamId" IN (${Prisma.join(teamIds)})
    GROUP BY w."teamId", n."gpuModel"`;
  for (const row of rows) {
    const models = byTeam.get(row.teamId) ?? new Map<string, number>();
    models.set(row.gpuModel, Number(row.gpus));
    byTeam.set(row.teamId, models);
  }
  return byTeam;
}

const QUOTA_SELECT = { gpuModel: true, guaranteedGpus: true, limitGpus: true, siteGroupId: true } as const;

/** A quota's use: GPUs of its model held now; the "*" quota counts every model. */
function withUse(
  quotas: { gpuModel: string; guaranteedGpus: number; limitGpus: number; siteGroupId: string | null }[],
  usage: Map<string, number> | undefined,
): TQuotaUse[] {
  const all = [...(usage?.values() ?? [])].reduce((a, b) => a + b, 0);
  return quotas
    .map((q) => ({
      gpuModel: q.gpuModel,
      guaranteedGpus: q.guaranteedGpus,
      limitGpus: q.limitGpus,
      siteGroupId: q.siteGroupId,
      usedGpus: q.gpuModel === ANY_GPU_MODEL ? all : (usage?.get(q.gpuModel) ?? 0),
    }))
    .sort((a, b) =>
      a.gpuModel === ANY_GPU_MODEL
        ? 1
        : b.gpuModel === ANY_GPU_MODEL
          ? -1
          : a.gpuModel.localeCompare(b.gpuModel),
    );
}

function usageList(usage: Map<string, number> | undefined) {
  return [...(usage?.entries() ?? [])]
    .map(([gpuModel, gpus]) => ({ gpuModel, gpus }))
    .sort((a, b) => a.gpuModel.localeCompare(b.gpuModel));
}

/** One page of teams with member counts, quotas and current use: three queries. */
export async function listTeams(prisma: PrismaClient, input: TListTeamsInput) {
  const where: Prisma.TeamWhereInput = input.search
    ? {
        OR: [
          { name: { contains: input.search, mode: "insensitive" } },
          { slug: { contains: input.search, mode: "insensitive" } },
        ],
      }
    : {};
  const [total, teams] = await Promise.all([
    prisma.team.count({ where }),
    prisma.team.findMany({
      where,
      orderBy: [{ [input.sort]: input.direction }, { id: "asc" }],
      ...pageArgs(input),
      select: {
        id: true,
        slug: true,
        name: true,
        description: true,
        quotas: { select: QUOTA_SELECT },
        _count: { select: { memberships: true } },
      },
    }),
  ]);
  const usage = await gpuUsageByTeam(
    prisma,
    teams.map((t) => t.id),
  );
  const rows: TTeamRow[] = teams.map(({ quotas, _count, ...team }) => ({
    ...team,
    members: _count.memberships,
    quotas: withUse(quotas, usage.get(team.id)),
    usage: usageList(usage.get(team.id)),
  }));
  return toPage(rows, total, input);
}

export async function getTeamOrThrow(prisma: PrismaClient, id: string) {
  const team = await prisma.team.findUnique({
    where: { id },
    include: {
      quotas: { select: QUOTA_SELECT },
      memberships: {
        select: {
          role: true,
          createdAt: true,
          user: { select: { id: true, name: true, email: true, role: true, disabled: true } },
        },
        orderBy: [{ role: "asc" }, { user: { name: "asc" } }],
      },
      datasets: {
        select: { id: true, slug: true, name: true, classification: true },
        orderBy: { name: "asc" },
      },
    },
  });
  if (!team) throw teamNotFound(id);
  const [usage, workloads] = await Promise.all([
    gpuUsageByTeam(prisma, [id]),
    prisma.workload.groupBy({
      by: ["state"],
      where: { teamId: id },
      _count: { _all: true },
      orderBy: { state: "asc" },
    }),
  ]);
  return {
    id: team.id,
    slug: team.slug,
    name: team.name,
    description: team.description,
    members: team.memberships.map((m) => ({ ...m.user, teamRole: m.role, since: m.createdAt })),
    quotas: withUse(team.quotas, usage.get(id)),
    usage: usageList(usage.get(id)),
    datasets: team.datasets,
    workloadsByState: workloads.map((w) => ({ state: w.state, count: w._count._all })),
  };
}

async function snapshotQuotas(tx: Prisma.TransactionClient, teamId: string) {
  const quotas = await tx.quota.findMany({
    where: { teamId },
    select: QUOTA_SELECT,
    orderBy: { gpuModel: "asc" },
  });
  return { quotas };
}

/** A quota scoped to a site group names one that exists (the error names quotas.N.siteGroupId). */
async function assertSiteGroups(tx: Prisma.TransactionClient, quotas: TTeamQuotasInput["quotas"]) {
  const ids = [...new Set(quotas.flatMap((q) => q.siteGroupId ?? []))];
  if (ids.length === 0) return;
  const found = new Set(
    (await tx.siteGroup.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((g) => g.id),
  );
  const index = quotas.findIndex((q) => q.siteGroupId !== null && !found.has(q.siteGroupId));
  if (index >= 0)
    throw new AppError("NOT_FOUND", `site group ${quotas[index]?.siteGroupId} not found`, {
      userMessage: "There is no such site group; choose one from the list or every site.",
      field: `quotas.${index}.siteGroupId`,
    });
}

/**
 * Replaces the team's quota table: upserts the models the form sends and deletes the ones it
 * dropped. A limit below what the team holds now is allowed (running work keeps its GPUs;
 * the team just cannot grow), so it is not checked here.
 */
export async function updateTeamQuotas(ctx: TMutationContext, input: TTeamQuotasInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.$executeRaw`SELECT 1 FROM "Team" WHERE "id" = ${input.teamId} FOR UPDATE`;
    await assertIfMatch(tx, ctx.http, "Team", input.teamId);
    const team = await tx.team.findUnique({ where: { id: input.teamId }, select: { id: true, slug: true } });
    if (!team) throw teamNotFound(input.teamId);
    const before = await snapshotQuotas(tx, team.id);
    await assertSiteGroups(tx, input.quotas);
    await tx.quota.deleteMany({
      where: { teamId: team.id, gpuModel: { notIn: input.quotas.map((q) => q.gpuModel) } },
    });
    for (const quota of input.quotas) {
      const old = before.quotas.find((q) => q.gpuModel === quota.gpuModel);
      if (
        old &&
        old.guaranteedGpus === quota.guaranteedGpus &&
        old.limitGpus === quota.limitGpus &&
        old.siteGroupId === quota.siteGroupId
      )
        continue;
      await tx.quota.upsert({
        where: { teamId_gpuModel: { teamId: team.id, gpuModel: quota.gpuModel } },
        create: { teamId: team.id, ...quota },
        update: {
          guaranteedGpus: quota.guaranteedGpus,
          limitGpus: quota.limitGpus,
          siteGroupId: quota.siteGroupId,
        },
      });
    }
    const after = await snapshotQuotas(tx, team.id);
    // The team's version covers its quotas: If-Match on a team sees quota changes.
    await tx.team.update({ where: { id: team.id }, data: { updatedAt: new Date() } });
    await audit({ action: "team.quotas.update", objectType: "Team", objectId: team.id, before, after });
    await recordEtag(tx, ctx.http, "Team", team.id);
    return { id: team.id, quotas: after.quotas };
  });
}

/** Sets (or, with null, removes) a team's monthly budget and its mode, audited. */
export async function setTeamBudget(ctx: TMutationContext, input: TTeamBudgetInput) {
  return auditedTransaction(ctx, async (tx, audit) => {
    await tx.$executeRaw`SELECT 1 FROM "Team" WHERE "id" = ${input.teamId} FOR UPDATE`;
    await assertIfMatch(tx, ctx.http, "Team", input.teamId);
    const select = { id: true, monthlyBudgetUsd: true, budgetMode: true } as const;
    const team = await tx.team.findUnique({ where: { id: input.teamId }, select });
    if (!team) throw teamNotFound(input.teamId);
    const updated = await tx.team.update({
      where: { id: team.id },
      data: { monthlyBudgetUsd: input.monthlyUsd, budgetMode: input.mode },
      select,
    });
    const view = (t: typeof team) => ({
      monthlyUsd: t.monthlyBudgetUsd === null ? null : Number(t.monthlyBudgetUsd),
      mode: t.budgetMode,
    });
    await audit({
      action: "team.budget.update",
      objectType: "Team",
      objectId: team.id,
      before: view(team),
      after: view(updated),
    });
    await recordEtag(tx, ctx.http, "Team", team.id);
    return { id: team.id, ...view(updated) };
  });
}
