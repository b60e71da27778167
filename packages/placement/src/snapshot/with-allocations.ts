import type { TAllocation, TGpuNode, TQuota } from "../schema/snapshot.schema";
import { quotaKey, type TPreparedSnapshot } from "./prepared-snapshot";
import { withChanges } from "./with-changes";

/**
 * The prepared snapshot after a placement was committed: `allocations` hold GPUs on their
 * nodes (free GPUs go down), join the running work, and count against their team's quotas
 * for the node's model and for all models ("*"). What a caller that places several workloads
 * in a row derives after each, instead of reading the estate again.
 */
export function withAllocations(
  prepared: TPreparedSnapshot,
  allocations: readonly TAllocation[],
): TPreparedSnapshot {
  const nodes = new Map<string, TGpuNode>();
  const quotas = new Map<string, TQuota>();
  for (const allocation of allocations) {
    const idx = prepared.nodeIdxById.get(allocation.nodeId);
    const node = nodes.get(allocation.nodeId) ?? (idx === undefined ? undefined : prepared.nodes[idx]);
    if (!node) continue; // withChanges names the unknown node
    nodes.set(node.id, { ...node, gpuFree: node.gpuFree - allocation.gpus });
    if (allocation.teamId === undefined) continue;
    for (const model of [node.gpuModel, "*"]) {
      const key = quotaKey(allocation.teamId, model);
      const quota = quotas.get(key) ?? prepared.quotas.get(key);
      if (quota) quotas.set(key, { ...quota, usedGpus: quota.usedGpus + allocation.gpus });
    }
  }
  return withChanges(prepared, {
    nodes: { upsert: [...nodes.values()] },
    quotas: { upsert: [...quotas.values()] },
    allocations: { add: [...allocations] },
  });
}
