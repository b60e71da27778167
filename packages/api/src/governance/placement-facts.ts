import { Prisma, type PrismaClient } from "@switchyard/db";
import type { TCandidate, TPreparedSnapshot } from "@switchyard/placement";
import type { TTeamBudget } from "../estate/facts.ts";
import { softBudgetFacts } from "../services/team-budget.ts";
import type { TBudgetFacts, TPlacementFacts, TRule } from "./approval-rules.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

/** A dataset as the approval rules see it, with its stewards' names for people to read. */
export type TFactDataset = TPlacementFacts["datasets"][number] & { stewardNames: string[] };

export type TFactSite = { id: string; name: string; jurisdiction: string };

/**
 * The datasets a placement reads, by id or as a saved workload's, with their stewards: one
 * query (Prisma's nested select sent three, even for a workload without datasets). Ordered by
 * id, stewards by user id, so the steps of a plan come in the same order whoever builds the
 * facts (the scheduling gate or a forecast).
 */
export async function loadFactDatasets(
  db: TDb,
  of: { workloadId: string } | { datasetIds: readonly string[] },
): Promise<TFactDataset[]> {
  if ("datasetIds" in of && of.datasetIds.length === 0) return [];
  const which =
    "workloadId" in of
      ? Prisma.sql`d."id" IN (SELECT "datasetId" FROM "WorkloadDataset" WHERE "workloadId" = ${of.workloadId})`
      : Prisma.sql`d."id" = ANY(${[...of.datasetIds]}::text[])`;
  return db.$queryRaw<TFactDataset[]>`
    SELECT d."id", d."name", d."classification"::text AS "classification",
           COALESCE(array_agg(s."userId" ORDER BY s."userId") FILTER (WHERE s."userId" IS NOT NULL), '{}') AS "stewardIds",
           COALESCE(array_agg(u."name" ORDER BY s."userId") FILTER (WHERE s."userId" IS NOT NULL), '{}') AS "stewardNames"
      FROM "Dataset" d
      LEFT JOIN "DatasetSteward" s ON s."datasetId" = d."id"
      LEFT JOIN "User" u ON u."id" = s."userId"
     WHERE ${which}
     GROUP BY d."id"
     ORDER BY d."id"`;
}

/**
 * The sites the candidates run at or copy data from, with their jurisdictions: from the estate
 * the candidates were decided on when given and it holds them all (no query), else read.
 */
export async function loadFactSites(
  db: TDb,
  candidates: readonly Pick<TCandidate, "siteId" | "cost">[],
  estate?: TPreparedSnapshot,
): Promise<Map<string, TFactSite>> {
  const ids = new Set(candidates.flatMap((c) => [c.siteId, ...c.cost.transfers.map((t) => t.fromSiteId)]));
  const known = estate ? factSitesOf(estate, ids) : null;
  if (known) return known;
  const sites = await db.site.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, name: true, jurisdiction: true },
  });
  return new Map(sites.map((s) => [s.id, s]));
}

/** These sites as the estate has them; null when it lacks one. */
function factSitesOf(estate: TPreparedSnapshot, ids: ReadonlySet<string>): Map<string, TFactSite> | null {
  const out = new Map<string, TFactSite>();
  for (const id of ids) {
    const idx = estate.siteIdxById.get(id);
    const site = idx === undefined ? undefined : estate.sites[idx]?.site;
    if (!site) return null;
    out.set(id, { id, name: site.name, jurisdiction: site.jurisdiction });
  }
  return out;
}

/**
 * The team's SOFT budget and month-to-date spend, read only when a budget rule is in force
 * (the spend query is the one cost of it).
 */
export async function loadFactBudget(
  db: TDb,
  rules: readonly TRule[],
  of: { workloadId: string } | { teamId: string },
  now: Date,
  known?: ReadonlyMap<string, TTeamBudget>,
): Promise<TBudgetFacts | null> {
  if (!rules.some((r) => r.kind === "BUDGET_EXCEEDED")) return null;
  const teamId =
    "teamId" in of
      ? of.teamId
      : (await db.workload.findUnique({ where: { id: of.workloadId }, select: { teamId: true } }))?.teamId;
  return teamId === undefined ? null : softBudgetFacts(db, teamId, now, known);
}

/** What the rules look at when this candidate is chosen: the one definition of the facts. */
export function placementFacts(
  datasets: readonly TFactDataset[],
  chosen: Pick<TCandidate, "siteId" | "siteName" | "cost">,
  sites: ReadonlyMap<string, TFactSite>,
  overrideReason: string | null,
  budget: TBudgetFacts | null,
): TPlacementFacts {
  return {
    datasets: datasets.map(({ stewardNames: _, ...d }) => d),
    destination: {
      siteId: chosen.siteId,
      siteName: chosen.siteName,
      jurisdiction: sites.get(chosen.siteId)?.jurisdiction ?? "",
    },
    copies: chosen.cost.transfers.map((t) => ({
      datasetId: t.datasetId,
      fromSiteName: sites.get(t.fromSiteId)?.name ?? t.fromSiteId,
      fromJurisdiction: sites.get(t.fromSiteId)?.jurisdiction ?? "",
    })),
    estimatedCostUsd: chosen.cost.totalUsd,
    override: overrideReason !== null ? { reason: overrideReason } : null,
    budget,
  };
}

/**
 * The rule-and-dataset keys of the approved placement steps a workload already has, by site:
 * a placement at a site whose steps are all covered is not asked again.
 */
export async function approvedStepKeys(
  db: TDb,
  workloadId: string,
  siteId?: string,
): Promise<Map<string, Set<string>>> {
  const approved = await db.approvalStep.findMany({
    where: {
      status: "APPROVED",
      request: { workloadId, status: "APPROVED", ...(siteId ? { siteId } : {}) },
    },
    select: { datasetId: true, policy: { select: { key: true } }, request: { select: { siteId: true } } },
  });
  const bySite = new Map<string, Set<string>>();
  for (const s of approved) {
    const site = s.request.siteId ?? "";
    const keys = bySite.get(site) ?? new Set<string>();
    keys.add(stepKey(s.policy.key, s.datasetId));
    bySite.set(site, keys);
  }
  return bySite;
}

export function stepKey(policyKey: string, datasetId: string | null) {
  return `${policyKey}|${datasetId ?? ""}`;
}
