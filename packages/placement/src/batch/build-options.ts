import { runFilters } from "../framework/run-filters";
import type { TEngine } from "../place/engine";
import { createContext } from "../place/run-placement";
import type { TPlacementRequest } from "../request/placement-request";
import { countNodesWithFree, poolMaxFree } from "../snapshot/capacity";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TBatchItem } from "./batch-item";

/**
 * Every way one pending workload could run, cheapest first. Runs the request's own
 * filters except the dynamic ones (capacity, quota), which the batch enforces as it
 * allocates. Options that could never fit — not even on an empty pool, or with today's
 * free GPUs when nothing can be preempted — are left out.
 */
export function buildItem(
  prepared: TPreparedSnapshot,
  idx: number,
  request: TPlacementRequest,
  engine: TEngine,
  allowPreemption: boolean,
  siteCache: Map<string, readonly number[] | undefined>,
): TBatchItem {
  const ctx = createContext(prepared, prepared.capacity, request, engine);
  const prunable = engine.filters.some((plugin) => plugin.name === "gpu-model");
  const siteIdxs = prunable ? plausibleSites(prepared, request, siteCache) : undefined;
  const { feasible } = runFilters(ctx, engine.filters, { explain: false, includeDynamic: false, siteIdxs });
  const { gpusPerNode, nodeCount, gang } = request;
  const refs: number[] = [];
  const costs: number[] = [];
  for (const candidate of feasible) {
    for (const option of candidate.options) {
      if (gang) {
        for (const poolIdx of option.pools) {
          const room = allowPreemption
            ? bigNodes(prepared, poolIdx, gpusPerNode)
            : countNodesWithFree(prepared.capacity, poolIdx, gpusPerNode);
          if (room >= nodeCount) {
            refs.push(poolIdx);
            costs.push(option.totalUsd);
          }
        }
      } else {
        const room = option.pools.some((poolIdx) =>
          allowPreemption
            ? bigNodes(prepared, poolIdx, gpusPerNode) > 0
            : poolMaxFree(prepared.capacity, poolIdx) >= gpusPerNode,
        );
        if (room) {
          refs.push(option.group.idx);
          costs.push(option.totalUsd);
        }
      }
    }
  }
  const order = refs.map((_, i) => i);
  order.sort(
    (a, b) => (costs[a] as number) - (costs[b] as number) || (refs[a] as number) - (refs[b] as number),
  );
  const optRef = new Int32Array(order.length);
  const optCost = new Float64Array(order.length);
  order.forEach((i, k) => {
    optRef[k] = refs[i] as number;
    optCost[k] = costs[i] as number;
  });
  const enforceQuota = engine.filters.some((plugin) => plugin.name === "team-quota");
  return { idx, request, engine, enforceQuota, optRef, optCost };
}

/** Sites holding an allowed GPU model: the only ones the gpu-model filter could pass. */
function plausibleSites(
  prepared: TPreparedSnapshot,
  request: TPlacementRequest,
  cache: Map<string, readonly number[] | undefined>,
): readonly number[] | undefined {
  if (request.gpuModels.length === 0) return undefined;
  const key = [...request.gpuModels].sort().join("\u0000");
  if (cache.has(key)) return cache.get(key);
  const sites = new Set<number>();
  for (const model of request.gpuModels) for (const s of prepared.sitesByModel.get(model) ?? []) sites.add(s);
  const sorted = [...sites].sort((a, b) => a - b);
  cache.set(key, sorted);
  return sorted;
}

function bigNodes(prepared: TPreparedSnapshot, poolIdx: number, gpus: number): number {
  let count = 0;
  for (const n of prepared.pools[poolIdx]?.nodes ?? [])
    if ((prepared.nodes[n]?.gpuTotal ?? 0) >= gpus) count++;
  return count;
}
