import type { TSnapshotInput } from "../schema/snapshot.schema";
import { indexSnapshot } from "../snapshot/index-snapshot";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TCapacityByModel } from "./amounts";

/** GPUs per model that can take work: READY nodes at ACTIVE sites. What computeShares normalises by. */
export function capacityByModel(snapshot: TSnapshotInput | TPreparedSnapshot): TCapacityByModel {
  const prepared = indexSnapshot(snapshot);
  const out: Record<string, number> = {};
  for (const node of prepared.nodes) {
    const site = prepared.sites[prepared.siteIdxById.get(node.siteId) ?? -1]?.site;
    if (node.status !== "READY" || site?.status !== "ACTIVE") continue;
    out[node.gpuModel] = (out[node.gpuModel] ?? 0) + node.gpuTotal;
  }
  return out;
}
