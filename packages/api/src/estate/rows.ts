import type { TAllocation, TQuota } from "@switchyard/placement";
import { type TAllocationRow, type TQuotaRow, toEngineAllocation } from "./read.ts";

const useKey = (teamId: string, gpuModel: string) => `${teamId}\u0000${gpuModel}`;
const allocationKey = (a: { workloadId: string; nodeId: string }) => `${a.workloadId}\u0000${a.nodeId}`;

/**
 * What the estate cache keeps beside the prepared snapshot to turn changed rows into engine
 * changes: active allocations and quotas by row id, and the GPUs each team uses per model
 * (and in all, "*"), counted as allocations come and go. Changed in place by each refresh.
 */
export class EstateRows {
  private readonly allocations = new Map<string, TAllocationRow>();
  /** Allocation row ids per (workload, node): the engine's key for an allocation. */
  private readonly byKey = new Map<string, Set<string>>();
  private readonly quotas = new Map<string, TQuotaRow>();
  private readonly used = new Map<string, number>();

  static from(quotas: readonly TQuotaRow[], allocations: readonly TAllocationRow[]): EstateRows {
    const rows = new EstateRows();
    for (const quota of quotas) rows.quotas.set(quota.rowId, quota);
    for (const allocation of allocations) rows.putAllocation(allocation);
    return rows;
  }

  /** Quotas with their use, and allocations, as the engine takes them. */
  snapshotParts(): { quotas: TQuota[]; allocations: TAllocation[] } {
    return {
      quotas: [...this.quotas.values()].map((q) => this.quotaWithUse(q)),
      allocations: [...this.allocations.values()].map(toEngineAllocation),
    };
  }

  allocation(rowId: string): TAllocationRow | undefined {
    return this.allocations.get(rowId);
  }

  /** Active allocations of one workload on one node. */
  allocationsAt(key: { workloadId: string; nodeId: string }): TAllocation[] {
    const ids = this.byKey.get(allocationKey(key)) ?? new Set<string>();
    return [...ids].map((id) => toEngineAllocation(this.allocations.get(id) as TAllocationRow));
  }

  putAllocation(row: TAllocationRow): void {
    this.dropAllocation(row.rowId);
    this.allocations.set(row.rowId, row);
    const key = allocationKey(row);
    const ids = this.byKey.get(key);
    if (ids) ids.add(row.rowId);
    else this.byKey.set(key, new Set([row.rowId]));
    this.addUse(row, row.gpus);
  }

  dropAllocation(rowId: string): void {
    const row = this.allocations.get(rowId);
    if (!row) return;
    this.allocations.delete(rowId);
    const key = allocationKey(row);
    const ids = this.byKey.get(key);
    ids?.delete(rowId);
    if (ids?.size === 0) this.byKey.delete(key);
    this.addUse(row, -row.gpus);
  }

  /** A node's GPU model changed: its allocations now count against the new model. */
  moveNodeModel(nodeId: string, gpuModel: string): void {
    for (const row of [...this.allocations.values()]) {
      if (row.nodeId === nodeId && row.gpuModel !== gpuModel) this.putAllocation({ ...row, gpuModel });
    }
  }

  quota(rowId: string): TQuotaRow | undefined {
    return this.quotas.get(rowId);
  }

  putQuota(row: TQuotaRow): void {
    this.quotas.set(row.rowId, row);
  }

  dropQuota(rowId: string): void {
    this.quotas.delete(rowId);
  }

  hasQuotaFor(teamId: string, gpuModel: string): boolean {
    for (const q of this.quotas.values()) if (q.teamId === teamId && q.gpuModel === gpuModel) return true;
    return false;
  }

  /** Quotas of these teams, with their current use. */
  quotasOfTeams(teamIds: ReadonlySet<string>): TQuota[] {
    return [...this.quotas.values()].filter((q) => teamIds.has(q.teamId)).map((q) => this.quotaWithUse(q));
  }

  quotaWithUse({ rowId: _rowId, ...quota }: TQuotaRow): TQuota {
    return { ...quota, usedGpus: this.used.get(useKey(quota.teamId, quota.gpuModel)) ?? 0 };
  }

  private addUse(row: TAllocationRow, gpus: number): void {
    for (const key of [useKey(row.teamId, row.gpuModel), useKey(row.teamId, "*")]) {
      const next = (this.used.get(key) ?? 0) + gpus;
      if (next === 0) this.used.delete(key);
      else this.used.set(key, next);
    }
  }
}
