import type { Prisma, PrismaClient } from "@switchyard/db";
import { capacityByModel, type TPreparedSnapshot } from "@switchyard/placement";
import { gpuClassUnits } from "./gpu-classes.ts";

type TDb = PrismaClient | Prisma.TransactionClient;

/** The root the engine needs when the estate names no organisation (or is still flat). */
export const ROOT_ID = "__organisation";
/** Demand that takes any of several models (or none named) is counted in the "*" class. */
const ANY_MODEL = "*";

export type TFairNode = {
  id: string;
  parentId: string | null;
  kind: "ORGANISATION" | "DEPARTMENT" | "TEAM";
  weight: number;
  guarantees: Record<string, number>;
  limits: Record<string, number>;
  siteIds?: string[];
};
export type TFairAmount = { teamId: string; gpuModel: string; gpus: number; siteId?: string };

/**
 * I/O glue: reads what the fair-share engine takes from the database, as plain data.
 * - the tree (readFairShareTree);
 * - usage: GPUs held now per team, node GPU model and site;
 * - capacity: GPUs of READY nodes at ACTIVE sites per model; counted on `estate` when the
 *   caller holds the prepared estate it decides on (the reconcile tick), so that the shares and
 *   the placements see the same nodes and 50,000 nodes are not summed by SQL again.
 */
export async function readFairShareInputs(db: TDb, estate?: TPreparedSnapshot) {
  const [tree, usageRows, capacityRows] = await Promise.all([
    readFairShareTree(db),
    db.$queryRaw<{ teamId: string; gpuModel: string; siteId: string; gpus: number }[]>`
      SELECT w."teamId", n."gpuModel", n."siteId", SUM(a."gpus")::int AS "gpus"
        FROM "Allocation" a
        JOIN "Workload" w ON w."id" = a."workloadId"
        JOIN "GpuNode" n ON n."id" = a."nodeId"
       WHERE a."status" = 'ACTIVE'
       GROUP BY w."teamId", n."gpuModel", n."siteId"`,
    estate
      ? Object.entries(capacityByModel(estate)).map(([gpuModel, gpus]) => ({ gpuModel, gpus }))
      : db.$queryRaw<{ gpuModel: string; gpus: number }[]>`
      SELECT n."gpuModel", SUM(n."gpuCount")::int AS "gpus"
        FROM "GpuNode" n JOIN "Site" s ON s."id" = n."siteId"
       WHERE n."status" = 'READY' AND s."status" = 'ACTIVE'
       GROUP BY n."gpuModel"`,
  ]);
  const capacity: Record<string, number> = {};
  for (const row of capacityRows) capacity[row.gpuModel] = Number(row.gpus);
  // GPUs held on nodes that are no longer READY still count: their model keeps a capacity.
  const usedByModel = new Map<string, number>();
  for (const row of usageRows)
    usedByModel.set(row.gpuModel, (usedByModel.get(row.gpuModel) ?? 0) + Number(row.gpus));
  for (const [model, gpus] of usedByModel) capacity[model] = Math.max(capacity[model] ?? 0, gpus);
  const usage: TFairAmount[] = usageRows.map((row) => ({
    teamId: row.teamId,
    gpuModel: row.gpuModel,
    siteId: row.siteId,
    gpus: Number(row.gpus),
  }));
  return { tree, usage, capacity };
}

/**
 * The fair-share tree: the organisation (one, or a synthetic root when none is set up), its
 * departments, and every team under its group (or the root) with its weight, its quotas as
 * guarantees and limits, and the sites of its quotas' site groups; with the GPU classes (units
 * per GPU of each model) when any are set: shares then pool every model in that unit instead of
 * DRF across models.
 */
export async function readFairShareTree(db: TDb) {
  const [groups, teams, classUnits] = await Promise.all([
    db.teamGroup.findMany({
      select: { id: true, kind: true, parentId: true, weight: true },
      orderBy: { id: "asc" },
    }),
    db.team.findMany({
      select: {
        id: true,
        groupId: true,
        fairShareWeight: true,
        quotas: {
          select: {
            gpuModel: true,
            guaranteedGpus: true,
            limitGpus: true,
            siteGroup: { select: { siteIds: true } },
          },
        },
      },
      orderBy: { id: "asc" },
    }),
    gpuClassUnits(db),
  ]);
  const organisations = groups.filter((g) => g.kind === "ORGANISATION");
  const rootId = organisations.length === 1 ? (organisations[0]?.id ?? ROOT_ID) : ROOT_ID;
  const nodes: TFairNode[] = [];
  if (rootId === ROOT_ID)
    nodes.push({ id: ROOT_ID, parentId: null, kind: "ORGANISATION", weight: 1, guarantees: {}, limits: {} });
  const known = new Set<string>([rootId]);
  for (const group of groups) {
    if (group.kind === "ORGANISATION" && group.id !== rootId) continue; // several: all flattened under the root
    known.add(group.id);
    nodes.push({
      id: group.id,
      parentId: group.id === rootId ? null : rootId,
      kind: group.kind,
      weight: group.weight,
      guarantees: {},
      limits: {},
    });
  }
  for (const team of teams) {
    const siteIds = team.quotas.flatMap((q) => q.siteGroup?.siteIds ?? []);
    nodes.push({
      id: team.id,
      parentId: team.groupId && known.has(team.groupId) ? team.groupId : rootId,
      kind: "TEAM",
      weight: team.fairShareWeight,
      guarantees: Object.fromEntries(team.quotas.map((q) => [q.gpuModel, q.guaranteedGpus])),
      limits: Object.fromEntries(team.quotas.map((q) => [q.gpuModel, q.limitGpus])),
      ...(siteIds.length > 0 ? { siteIds: [...new Set(siteIds)].sort() } : {}),
    });
  }
  return { nodes, ...(classUnits ? { classUnits } : {}) };
}

/** A pending workload's demand: its one model when it names exactly one with capacity, else "*". */
export function demandOf(
  w: { teamId: string; gpuModels: string[]; gpuCount: number },
  capacity: Record<string, number>,
): TFairAmount {
  const only = w.gpuModels.length === 1 ? w.gpuModels[0] : undefined;
  return {
    teamId: w.teamId,
    gpuModel: only !== undefined && only in capacity ? only : ANY_MODEL,
    gpus: w.gpuCount,
  };
}
