import type { TDataset, TGpuNode, TPreparedSnapshot, TSite, TSnapshotChanges } from "@switchyard/placement";
import type { TEntity } from "./cache.ts";
import type { TAllocationRow, TQuotaRow } from "./read.ts";
import type { EstateRows } from "./rows.ts";

/** The ids the change log named, and those rows as they are now (missing: deleted). */
export type TChangedRows = {
  ids: Record<TEntity, string[]>;
  sites: TSite[];
  nodes: TGpuNode[];
  datasets: TDataset[];
  quotas: TQuotaRow[];
  /** Active allocations among the changed ones, and of the changed workloads. */
  allocations: TAllocationRow[];
};

/** Upserts for the rows found, removals for the ids named but gone. */
function byId<T extends { id: string }>(ids: readonly string[], found: readonly T[]) {
  const present = new Set(found.map((row) => row.id));
  return { upsert: [...found], remove: ids.filter((id) => !present.has(id)) };
}

/**
 * Turns the changed rows into the engine's changes, and brings `rows` (allocations, quotas and
 * quota use) up to date on the way: an allocation that stopped being active or moved gives its
 * GPUs back to its team's use, every quota whose use moved is restated.
 */
export function toEngineChanges(
  prepared: TPreparedSnapshot,
  rows: EstateRows,
  changed: TChangedRows,
): TSnapshotChanges {
  for (const node of changed.nodes) {
    const idx = prepared.nodeIdxById.get(node.id);
    const before = idx === undefined ? undefined : prepared.nodes[idx];
    if (before && before.gpuModel !== node.gpuModel) rows.moveNodeModel(node.id, node.gpuModel);
  }

  // Allocations: each changed row leaves its old (workload, node) key and joins its new one.
  const keys = new Map<string, { workloadId: string; nodeId: string }>();
  const teams = new Set<string>();
  const touch = (row: TAllocationRow | undefined) => {
    if (!row) return;
    keys.set(`${row.workloadId}\u0000${row.nodeId}`, { workloadId: row.workloadId, nodeId: row.nodeId });
    teams.add(row.teamId);
  };
  const active = new Map(changed.allocations.map((row) => [row.rowId, row]));
  for (const rowId of new Set([...changed.ids.Allocation, ...active.keys()])) {
    touch(rows.allocation(rowId));
    rows.dropAllocation(rowId);
    const now = active.get(rowId);
    if (now) rows.putAllocation(now);
    touch(now);
  }

  // Quotas: a changed row may have left its (team, model) behind; teams whose use moved restate theirs.
  const before: TQuotaRow[] = [];
  const foundQuotas = new Map(changed.quotas.map((q) => [q.rowId, q]));
  for (const rowId of changed.ids.Quota) {
    const old = rows.quota(rowId);
    if (old) before.push(old);
    rows.dropQuota(rowId);
    const now = foundQuotas.get(rowId);
    if (now) rows.putQuota(now);
  }
  for (const quota of [...before, ...foundQuotas.values()]) teams.add(quota.teamId);
  // Judged once every changed row is in place: a quota deleted and created again stays.
  const removedQuotas = before.filter((q) => !rows.hasQuotaFor(q.teamId, q.gpuModel));

  return {
    sites: byId(changed.ids.Site, changed.sites),
    nodes: byId(changed.ids.GpuNode, changed.nodes),
    datasets: byId(changed.ids.Dataset, changed.datasets),
    quotas: { upsert: rows.quotasOfTeams(teams), remove: removedQuotas },
    allocations: {
      remove: [...keys.values()],
      add: [...keys.values()].flatMap((key) => rows.allocationsAt(key)),
    },
  };
}
