import { compareIds } from "../snapshot/compare";
import { parseAmounts, parseCapacity, type TCapacityByModel, type TGpuAmount } from "./amounts";
import { entitledShares } from "./entitlement";
import { lend } from "./lending";
import { ANY_MODEL, indexTree, type TEntitlementNode, type TEntitlementTree } from "./tree";

/** One team's standing on one GPU model, or on all of them together (gpuModel "*"). */
export type TModelShare = {
  readonly gpuModel: string;
  /** For "*": every guarantee of the team (per model and per class) added up. */
  readonly guaranteed: number;
  /** Null when unlimited. */
  readonly limit: number | null;
  readonly used: number;
  /** Used above the guarantee: what reclaim may take back. */
  readonly borrowed: number;
  /** Guarantee not used: lendable to other teams. */
  readonly unusedGuarantee: number;
  /** Of the unused guarantee, what teams of the same department borrow. */
  readonly lentInDepartment: number;
  /** Of the unused guarantee, what teams of other departments borrow. */
  readonly lentInOrganisation: number;
  /** Of the borrowed GPUs, those taken from unused guarantees of the same department / elsewhere in the organisation; the rest was guaranteed to nobody. */
  readonly borrowedFromDepartment: number;
  readonly borrowedFromOrganisation: number;
  /** Pending GPUs (demand) of this model; for "*" all pending, including work that takes any model. */
  readonly pending: number;
};

export type TTeamShare = {
  readonly teamId: string;
  readonly departmentId: string | null;
  readonly weight: number;
  /** Per model the team is guaranteed, limited, using or waiting for, by model id; then the "*" totals row. */
  readonly models: readonly TModelShare[];
  /** Largest used / capacity over GPU models (DRF), 0..1. */
  readonly dominantShare: number;
  /** The model that share is on ("*" when shares are counted in GPU class units); null when the team uses nothing. */
  readonly dominantModel: string | null;
  /** dominantShare / weight: fair order's key. */
  readonly weightedShare: number;
  /**
   * The dominant share the team is entitled to: its weighted DRF share of the estate among
   * the teams with demand (used + pending), capped by its own demand (progressive filling).
   */
  readonly entitledShare: number;
  /** GPUs (all models) of that entitlement. */
  readonly entitledGpus: number;
  /** dominantShare below entitledShare: its pending work goes before that of teams at or over theirs. */
  readonly underFairShare: boolean;
  /** Uses less than its total guarantee: may reclaim borrowed capacity. */
  readonly belowGuarantee: boolean;
};

export type TShares = {
  /** Sorted by team id. */
  readonly teams: readonly TTeamShare[];
  readonly capacity: TCapacityByModel;
  /** The tree's GPU class units (shares counted in them, models pooled); null: DRF across models. */
  readonly classUnits: Readonly<Record<string, number>> | null;
};

/** The one resource shares are counted on when the tree has GPU class units. */
export const CLASS_RESOURCE = "class";

/** Units of one GPU of `model` ("*": the estate's average unit, by capacity). */
export function unitOf(
  model: string,
  units: Readonly<Record<string, number>>,
  capacity: TCapacityByModel,
): number {
  if (model !== ANY_MODEL) return units[model] ?? 1;
  let gpus = 0;
  let total = 0;
  for (const [m, g] of Object.entries(capacity)) {
    gpus += g;
    total += g * (units[m] ?? 1);
  }
  return gpus > 0 ? total / gpus : 1;
}

/** A per-model vector (may hold "*") in class units on the one pooled resource. */
function pooled(
  vector: ReadonlyMap<string, number>,
  units: Readonly<Record<string, number>>,
  capacity: TCapacityByModel,
): Map<string, number> {
  let sum = 0;
  for (const [m, g] of vector) sum += g * unitOf(m, units, capacity);
  return new Map([[CLASS_RESOURCE, sum]]);
}

const EPS = 1e-9;

/**
 * Per team and GPU model: guaranteed, used, borrowed (used above the guarantee), unused
 * guarantee and where it is lent (inside the department first, then the organisation, like
 * Kueue cohorts and Run:ai departments), and the team's dominant-resource share (DRF across
 * GPU models, normalised by the estate's capacity per model) over its weight, with the
 * share it is entitled to. A "*" guarantee covers usage that model guarantees leave, on the
 * scarcest models first. Usage outside a team's site group is never covered (borrowed).
 * Pure; throws PlacementInputError naming bad fields.
 */
export function computeShares(
  tree: TEntitlementTree,
  usage: readonly TGpuAmount[],
  demand: readonly TGpuAmount[],
  capacity: TCapacityByModel,
): TShares {
  const indexed = indexTree(tree);
  const cap = parseCapacity(capacity);
  const used = parseAmounts(indexed, usage, "usage", cap, false);
  const wanted = parseAmounts(indexed, demand, "demand", cap, true);
  const models = Object.keys(cap).sort(compareIds);
  // Scarcest first: where a class guarantee matters most.
  const coverOrder = models.slice().sort((a, b) => (cap[a] ?? 0) - (cap[b] ?? 0) || compareIds(a, b));

  type TRow = { used: number; covered: number; pending: number };
  const rows = new Map<string, Map<string, TRow>>();
  const rowOf = (teamId: string, model: string) => {
    let team = rows.get(teamId);
    if (team === undefined) {
      team = new Map();
      rows.set(teamId, team);
    }
    let row = team.get(model);
    if (row === undefined) {
      row = { used: 0, covered: 0, pending: 0 };
      team.set(model, row);
    }
    return row;
  };
  const outside = new Map<string, number>(); // team \0 model -> GPUs outside the site group
  for (const amount of used) {
    rowOf(amount.teamId, amount.gpuModel).used += amount.gpus;
    const team = indexed.nodes.get(amount.teamId) as TEntitlementNode;
    if (amount.siteId !== undefined && team.siteIds !== undefined && !team.siteIds.includes(amount.siteId)) {
      const key = `${amount.teamId}\u0000${amount.gpuModel}`;
      outside.set(key, (outside.get(key) ?? 0) + amount.gpus);
    }
  }
  for (const amount of wanted) rowOf(amount.teamId, amount.gpuModel).pending += amount.gpus;

  // 1. Guarantee coverage: model guarantees, then the class guarantee, scarcest model first.
  for (const team of indexed.teams) {
    const teamRows = rows.get(team.id);
    if (teamRows === undefined) continue;
    let classLeft = team.guarantees[ANY_MODEL] ?? 0;
    const coverable = (model: string, row: TRow) =>
      row.used - (outside.get(`${team.id}\u0000${model}`) ?? 0) - row.covered;
    for (const model of models) {
      const row = teamRows.get(model);
      if (row !== undefined) row.covered = Math.min(coverable(model, row), team.guarantees[model] ?? 0);
    }
    for (const model of coverOrder) {
      const row = teamRows.get(model);
      if (row === undefined) continue;
      const take = Math.min(classLeft, coverable(model, row));
      row.covered += take;
      classLeft -= take;
    }
  }

  // 2. Lending, per model and for the "*" totals.
  type TLedger = {
    teamId: string;
    model: string;
    guaranteed: number;
    used: number;
    borrowed: number;
    unused: number;
  };
  const ledgers: TLedger[] = [];
  for (const team of indexed.teams) {
    const teamRows = rows.get(team.id) ?? new Map<string, TRow>();
    const listed = new Set([
      ...teamRows.keys(),
      ...Object.keys(team.guarantees),
      ...Object.keys(team.limits),
    ]);
    listed.delete(ANY_MODEL);
    let totalUsed = 0;
    let totalCovered = 0;
    for (const model of [...listed].sort(compareIds)) {
      const row = teamRows.get(model) ?? { used: 0, covered: 0, pending: 0 };
      const guaranteed = team.guarantees[model] ?? 0;
      totalUsed += row.used;
      totalCovered += row.covered;
      ledgers.push({
        teamId: team.id,
        model,
        guaranteed,
        used: row.used,
        borrowed: row.used - row.covered,
        unused: Math.max(0, guaranteed - Math.min(row.used, guaranteed)),
      });
    }
    const guaranteedAll = Object.values(team.guarantees).reduce((sum, g) => sum + g, 0);
    ledgers.push({
      teamId: team.id,
      model: ANY_MODEL,
      guaranteed: guaranteedAll,
      used: totalUsed,
      borrowed: totalUsed - totalCovered,
      unused: Math.max(0, guaranteedAll - totalCovered),
    });
  }
  const lent = lend(ledgers, indexed.departmentOf);

  // 3. DRF shares and entitlements.
  const usedByTeam = new Map<string, Map<string, number>>();
  const demandByTeam = new Map<string, Map<string, number>>();
  for (const [teamId, teamRows] of rows) {
    const u = new Map<string, number>();
    const d = new Map<string, number>();
    for (const [model, row] of teamRows) {
      if (model !== ANY_MODEL) u.set(model, row.used);
      d.set(model, row.used + row.pending);
    }
    usedByTeam.set(teamId, u);
    demandByTeam.set(teamId, d);
  }
  // GPU classes: every model pooled, counted in the class unit.
  const units = indexed.classUnits;
  const shareCap: TCapacityByModel =
    units === null
      ? cap
      : { [CLASS_RESOURCE]: Object.entries(cap).reduce((sum, [m, g]) => sum + g * (units[m] ?? 1), 0) };
  const inUnits = (v: Map<string, number>) => (units === null ? v : pooled(v, units, cap));
  for (const [teamId, u] of usedByTeam) usedByTeam.set(teamId, inUnits(u));
  for (const [teamId, d] of demandByTeam) demandByTeam.set(teamId, inUnits(d));
  const perGpu = units === null ? 1 : unitOf(ANY_MODEL, units, cap);
  const entitled = entitledShares(indexed.teams, demandByTeam, shareCap, perGpu);

  const teams: TTeamShare[] = indexed.teams.map((team) => {
    const { share, model: onModel } = dominantShare(usedByTeam.get(team.id), shareCap);
    const model = onModel === CLASS_RESOURCE ? ANY_MODEL : onModel;
    const teamRows = rows.get(team.id);
    const mine = ledgers.filter((l) => l.teamId === team.id);
    const pendingOf = (m: string) =>
      m === ANY_MODEL
        ? [...(teamRows?.values() ?? [])].reduce((sum, row) => sum + row.pending, 0)
        : (teamRows?.get(m)?.pending ?? 0);
    const modelsOut: TModelShare[] = mine.map((l) => {
      const flows = lent.get(`${l.teamId}\u0000${l.model}`);
      return {
        gpuModel: l.model,
        guaranteed: l.guaranteed,
        limit: team.limits[l.model] ?? null,
        used: l.used,
        borrowed: l.borrowed,
        unusedGuarantee: l.unused,
        lentInDepartment: flows?.lentInDepartment ?? 0,
        lentInOrganisation: flows?.lentInOrganisation ?? 0,
        borrowedFromDepartment: flows?.borrowedFromDepartment ?? 0,
        borrowedFromOrganisation: flows?.borrowedFromOrganisation ?? 0,
        pending: pendingOf(l.model),
      };
    });
    const totals = modelsOut[modelsOut.length - 1] as TModelShare;
    const fair = entitled.get(team.id) ?? { share: 0, gpus: 0 };
    return {
      teamId: team.id,
      departmentId: indexed.departmentOf.get(team.id) ?? null,
      weight: team.weight,
      models: modelsOut,
      dominantShare: share,
      dominantModel: model,
      weightedShare: share / team.weight,
      entitledShare: fair.share,
      entitledGpus: fair.gpus / perGpu,
      underFairShare: share < fair.share - EPS,
      belowGuarantee: totals.used < totals.guaranteed,
    };
  });
  return { teams, capacity: cap, classUnits: units };
}

/** Largest used / capacity over models with capacity; ties go to the lower model id. */
export function dominantShare(
  used: ReadonlyMap<string, number> | undefined,
  capacity: TCapacityByModel,
): { share: number; model: string | null } {
  let share = 0;
  let model: string | null = null;
  for (const [m, gpus] of [...(used ?? new Map<string, number>())].sort((a, b) => compareIds(a[0], b[0]))) {
    const total = capacity[m] ?? 0;
    if (total <= 0 || gpus <= 0) continue;
    const s = gpus / total;
    if (s > share + EPS) {
      share = s;
      model = m;
    }
  }
  return { share, model };
}
