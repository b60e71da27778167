import { success, unresolvable, unschedulable } from "../../framework/status";
import type { TFilterPlugin, TOption, TPluginContext } from "../../framework/types";
import { describeGpuAsk } from "../../request/placement-request";
import { countNodesWithFree, poolMaxFree } from "../../snapshot/capacity";

export const description =
  "The site must have free GPUs for the whole request now: one node for a single-node job, " +
  "or every node of a gang on one fabric. All or nothing.";

/** Pools of an option that can take the request with today's free GPUs. */
export function poolsWithRoom(ctx: TPluginContext, option: TOption): number[] {
  const { nodeCount, gpusPerNode } = ctx.request;
  return option.pools.filter((poolIdx) =>
    nodeCount === 1
      ? poolMaxFree(ctx.capacity, poolIdx) >= gpusPerNode
      : countNodesWithFree(ctx.capacity, poolIdx, gpusPerNode) >= nodeCount,
  );
}

/** Could the pool ever take the request if it were empty? */
function poolBigEnough(ctx: TPluginContext, poolIdx: number): boolean {
  const big = ctx.prepared.pools[poolIdx]?.nodesWithGpus[ctx.request.gpusPerNode] ?? 0;
  return big >= ctx.request.nodeCount;
}

export const gpuCapacityPlugin = {
  name: "gpu-capacity",
  description,
  scope: "option",
  dynamic: true,
  filter(ctx, candidate) {
    const kept: TOption[] = [];
    for (const option of candidate.options) {
      const pools = poolsWithRoom(ctx, option);
      if (pools.length > 0) kept.push(pools.length === option.pools.length ? option : { ...option, pools });
    }
    if (kept.length > 0) {
      candidate.options = kept;
      return success();
    }
    const ask = describeGpuAsk(ctx.request);
    const allPools = candidate.options.flatMap((option) => option.pools);
    if (!allPools.some((poolIdx) => poolBigEnough(ctx, poolIdx))) {
      return unresolvable(
        ctx.request.gang ? `too few nodes on one fabric for ${ask}` : `no node big enough for ${ask}`,
      );
    }
    return unschedulable(
      `no free ${ask}${ctx.request.gang ? " on one fabric" : ""}`,
      freeDetail(ctx, allPools),
    );
  },
} satisfies TFilterPlugin;

function freeDetail(ctx: TPluginContext, pools: readonly number[]): string {
  if (!ctx.request.gang) {
    const most = Math.max(0, ...pools.map((poolIdx) => poolMaxFree(ctx.capacity, poolIdx)));
    return `most free on one node: ${most}`;
  }
  const best = Math.max(
    0,
    ...pools.map((poolIdx) => countNodesWithFree(ctx.capacity, poolIdx, ctx.request.gpusPerNode)),
  );
  return `best fabric has ${best} of ${ctx.request.nodeCount} nodes with ${ctx.request.gpusPerNode} free`;
}
