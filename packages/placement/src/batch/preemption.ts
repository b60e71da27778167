import { releaseGpus } from "../snapshot/capacity";
import { compareIds } from "../snapshot/compare";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";
import type { TPreemption } from "./batch-result";
import type { BatchState } from "./batch-state";

type TRunning = {
  readonly workloadId: string;
  readonly priority: number;
  readonly preemptible: boolean;
  readonly teamId: string | undefined;
  readonly allocations: readonly { readonly nodeIdx: number; readonly gpus: number }[];
};

/**
 * Running workloads that a higher-priority batch item may stop. A workload counts as
 * preemptible only if every one of its allocations says so; its priority is the highest
 * among them. Stopping it frees all of its GPUs, on every node.
 */
export class Preemptor {
  private readonly running: TRunning[];
  private readonly byNode = new Map<number, TRunning[]>();
  private readonly stopped = new Set<string>();
  readonly preemptions: TPreemption[] = [];

  constructor(private readonly prepared: TPreparedSnapshot) {
    const byWorkload = new Map<string, TRunning>();
    for (const allocation of prepared.allocations) {
      const nodeIdx = prepared.nodeIdxById.get(allocation.nodeId) ?? -1;
      const seen = byWorkload.get(allocation.workloadId);
      byWorkload.set(allocation.workloadId, {
        workloadId: allocation.workloadId,
        priority: Math.max(seen?.priority ?? Number.NEGATIVE_INFINITY, allocation.priority),
        preemptible: (seen?.preemptible ?? true) && allocation.preemptible,
        teamId: seen?.teamId ?? allocation.teamId,
        allocations: [...(seen?.allocations ?? []), { nodeIdx, gpus: allocation.gpus }],
      });
    }
    this.running = [...byWorkload.values()];
    for (const workload of this.running) {
      for (const { nodeIdx } of workload.allocations) {
        const list = this.byNode.get(nodeIdx) ?? [];
        if (!list.includes(workload)) list.push(workload);
        this.byNode.set(nodeIdx, list);
      }
    }
  }

  /**
   * Places the item by stopping lower-priority preemptible work: over its options, the
   * plan that stops the fewest GPUs, then the cheapest. False when no plan exists.
   */
  placeByPreempting(state: BatchState, item: TBatchItem): boolean {
    let best: { k: number; victims: TRunning[]; gpus: number } | undefined;
    for (let k = 0; k < item.optCost.length; k++) {
      if (item.enforceQuota && !state.quotaFits(item, state.optionModel(item, k))) continue;
      const plan = this.plan(state, item, k);
      if (plan !== undefined && (best === undefined || plan.gpus < best.gpus)) best = { k, ...plan };
    }
    if (best === undefined) return false;
    for (const victim of best.victims) this.stop(state, victim, item.request.id);
    return state.place(
      item,
      best.k,
      true,
      best.victims.map((v) => v.workloadId),
    );
  }

  private plan(
    state: BatchState,
    item: TBatchItem,
    k: number,
  ): { victims: TRunning[]; gpus: number } | undefined {
    const { gpusPerNode, nodeCount } = item.request;
    const options: { victims: TRunning[]; gpus: number; nodeIdx: number }[][] = [];
    for (const poolIdx of state.optionPools(item, k)) {
      const perNode: { victims: TRunning[]; gpus: number; nodeIdx: number }[] = [];
      for (const nodeIdx of this.prepared.pools[poolIdx]?.nodes ?? []) {
        const freeing = this.freeingOn(state, item, nodeIdx, gpusPerNode);
        if (freeing !== undefined) perNode.push({ ...freeing, nodeIdx });
      }
      perNode.sort((a, b) => a.gpus - b.gpus || a.nodeIdx - b.nodeIdx);
      if (perNode.length >= nodeCount) options.push(perNode.slice(0, nodeCount));
    }
    let best: { victims: TRunning[]; gpus: number } | undefined;
    for (const nodes of options) {
      const victims = [...new Set(nodes.flatMap((n) => n.victims))];
      const gpus = victims.reduce((sum, v) => sum + v.allocations.reduce((s, a) => s + a.gpus, 0), 0);
      if (best === undefined || gpus < best.gpus) best = { victims, gpus };
    }
    return best;
  }

  /** The cheapest set of victims that leaves `gpus` free on the node, if any. */
  private freeingOn(
    state: BatchState,
    item: TBatchItem,
    nodeIdx: number,
    gpus: number,
  ): { victims: TRunning[]; gpus: number } | undefined {
    let free = state.capacity.free[nodeIdx] ?? 0;
    if (free >= gpus) return { victims: [], gpus: 0 };
    const eligible = (this.byNode.get(nodeIdx) ?? [])
      .filter((w) => w.preemptible && w.priority < item.request.priority && !this.stopped.has(w.workloadId))
      .sort((a, b) => a.priority - b.priority || compareIds(a.workloadId, b.workloadId));
    const victims: TRunning[] = [];
    let stopped = 0;
    for (const w of eligible) {
      if (free >= gpus) break;
      victims.push(w);
      for (const a of w.allocations) {
        if (a.nodeIdx === nodeIdx) free += a.gpus;
        stopped += a.gpus;
      }
    }
    return free >= gpus ? { victims, gpus: stopped } : undefined;
  }

  private stop(state: BatchState, victim: TRunning, by: string): void {
    if (this.stopped.has(victim.workloadId)) return;
    this.stopped.add(victim.workloadId);
    for (const { nodeIdx, gpus } of victim.allocations) {
      releaseGpus(this.prepared, state.capacity, nodeIdx, gpus);
      const model = this.prepared.nodes[nodeIdx]?.gpuModel;
      if (victim.teamId !== undefined && model !== undefined) state.chargeQuota(victim.teamId, model, -gpus);
    }
    this.preemptions.push({
      workloadId: victim.workloadId,
      priority: victim.priority,
      preemptedBy: by,
      nodes: victim.allocations.map(({ nodeIdx, gpus }) => ({
        nodeId: this.prepared.nodes[nodeIdx]?.id ?? "",
        gpus,
      })),
    });
  }
}
