import type { TOption } from "../framework/types";
import { selectPoolNodes, selectSingleNode } from "../snapshot/capacity";
import type { TCapacity, TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import type { TNodeAssignment } from "./result";

export type TNodeChoice = { readonly poolIdx: number; readonly nodes: readonly number[] };

/**
 * Node selection inside the chosen site. Single-node requests take the best-fitting node
 * across fabrics. A gang takes, in each fabric pool, the best-fitting nodes, and keeps the
 * pool that wastes the fewest free GPUs; it never spans fabrics.
 */
export function selectNodes(
  prepared: TPreparedSnapshot,
  capacity: TCapacity,
  option: Pick<TOption, "pools">,
  nodeCount: number,
  gpusPerNode: number,
  gang: boolean,
): TNodeChoice | undefined {
  if (!gang) {
    const node = selectSingleNode(prepared, capacity, option.pools, gpusPerNode);
    if (node < 0) return undefined;
    return { poolIdx: prepared.nodePool[node] ?? -1, nodes: [node] };
  }
  let best: TNodeChoice | undefined;
  let bestWaste = Number.POSITIVE_INFINITY;
  for (const poolIdx of option.pools) {
    const nodes = selectPoolNodes(prepared, capacity, poolIdx, nodeCount, gpusPerNode);
    if (nodes === undefined) continue;
    let waste = 0;
    for (const n of nodes) waste += (capacity.free[n] ?? 0) - gpusPerNode;
    if (waste < bestWaste) {
      best = { poolIdx, nodes };
      bestWaste = waste;
    }
  }
  return best;
}

/** The chosen nodes as the result reports them. */
export function nodeAssignments(
  prepared: TPreparedSnapshot,
  choice: TNodeChoice,
  gpusPerNode: number,
): TNodeAssignment[] {
  return choice.nodes.map((n) => {
    const node = prepared.nodes[n];
    return { nodeId: node?.id ?? "", gpus: gpusPerNode, fabric: node?.fabric ?? "" };
  });
}
