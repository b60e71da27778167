import { BatchState } from "../src/batch/batch-state";
import { buildItem, roomByPool } from "../src/batch/build-options";
import {
  indexSnapshot,
  place,
  type TPreparedSnapshot,
  type TSnapshotInput,
  type TWorkloadRequestInput,
} from "../src/index";
import { checkPlacement } from "../src/place/place";
import { cloneCapacity } from "../src/snapshot/capacity";
import { buildEstate, buildWorkloads } from "./estate";
import type { TGpuData } from "./gpu-data";

export type TQualityInstance = {
  readonly estate: TSnapshotInput;
  readonly prepared: TPreparedSnapshot;
  readonly requests: TWorkloadRequestInput[];
  readonly demandGpus: number;
  readonly freeGpus: number;
};

/**
 * A contended instance the solver can finish: `sites` sites with 5 nodes each, one
 * priority, no budgets or quotas, and workloads that each fit alone, added until they ask
 * for `load` × the free GPUs. Cheap sites run out first, which is what separates a good
 * batch placement from greedy arrival order.
 */
export function buildQualityInstance(
  data: TGpuData,
  spec: { seed: number; sites: number; workloads: number; load: number },
): TQualityInstance {
  const estate = buildEstate(data, {
    seed: spec.seed,
    sites: spec.sites,
    nodes: spec.sites * 5,
    quotas: false,
    idleShare: 0.5,
    busyShare: 0.15,
  });
  const prepared = indexSnapshot(estate);
  const freeGpus = estate.nodes.filter((n) => n.status === "READY").reduce((sum, n) => sum + n.gpuFree, 0);
  const pool = buildWorkloads(data, estate, { seed: spec.seed + 1, count: spec.workloads * 20, plain: true });
  const requests: TWorkloadRequestInput[] = [];
  let demandGpus = 0;
  for (const request of pool) {
    if (requests.length >= spec.workloads) break;
    const gpus = "count" in request.gpu ? request.gpu.count : request.gpu.nodes * request.gpu.gpusPerNode;
    if (demandGpus + gpus > spec.load * freeGpus) continue;
    if (!place({ snapshot: prepared, request }).feasible) continue;
    requests.push(request);
    demandGpus += gpus;
  }
  return { estate, prepared, requests, demandGpus, freeGpus };
}

/** The baseline the issue warns about: each workload, in arrival order, takes its cheapest option with room. */
export function arrivalOrderGreedy(
  prepared: TPreparedSnapshot,
  requests: readonly TWorkloadRequestInput[],
): { costUsd: number; placed: number } {
  const room = roomByPool(prepared, false);
  const items = requests.map((raw, i) => {
    const checked = checkPlacement(prepared, raw, undefined, {}, "");
    if (checked.request === undefined || checked.engine === undefined) throw new Error(`bad request ${i}`);
    return buildItem(prepared, i, checked.request, checked.engine, room, Number.POSITIVE_INFINITY);
  });
  const state = new BatchState(prepared, cloneCapacity(prepared.capacity), items);
  let costUsd = 0;
  let placed = 0;
  for (const item of items) {
    for (let k = 0; k < item.optCost.length; k++) {
      if (state.fits(item, k) && state.place(item, k)) {
        costUsd += item.optCost[k] as number;
        placed++;
        break;
      }
    }
  }
  return { costUsd, placed };
}
