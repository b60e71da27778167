import { type TSnapshot, ZSnapshot } from "../schema/snapshot.schema";
import { PlacementInputError, type TInputIssue, toInputIssues } from "./input-error";

/**
 * Parses a snapshot and checks its references: every node's site, every dataset replica
 * site and every allocation's node must exist, ids must be unique, and allocations may not
 * hold more GPUs on a node than the node has in use. Throws PlacementInputError listing
 * every problem.
 */
export function validateSnapshot(input: unknown): TSnapshot {
  const parsed = ZSnapshot.safeParse(input);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error));
  const snapshot = parsed.data;
  const issues: TInputIssue[] = [];

  const siteIds = collectIds(snapshot.sites, "sites", issues);
  const nodeIds = collectIds(snapshot.nodes, "nodes", issues);
  collectIds(snapshot.datasets, "datasets", issues);

  snapshot.nodes.forEach((node, i) => {
    if (!siteIds.has(node.siteId)) {
      issues.push({ path: `nodes.${i}.siteId`, message: `unknown site '${node.siteId}'` });
    }
  });
  snapshot.datasets.forEach((dataset, i) => {
    dataset.replicaSiteIds.forEach((siteId, j) => {
      if (!siteIds.has(siteId)) {
        issues.push({
          path: `datasets.${i}.replicaSiteIds.${j}`,
          message: `unknown site '${siteId}' for a replica of dataset '${dataset.id}'`,
        });
      }
    });
  });

  const quotaKeys = new Set<string>();
  snapshot.quotas.forEach((quota, i) => {
    const key = `${quota.teamId}\u0000${quota.gpuModel}`;
    if (quotaKeys.has(key)) {
      issues.push({
        path: `quotas.${i}`,
        message: `duplicate quota for team '${quota.teamId}' and GPU model '${quota.gpuModel}'`,
      });
    }
    quotaKeys.add(key);
  });

  const heldByNode = new Map<string, number>();
  snapshot.allocations.forEach((allocation, i) => {
    const node = nodeIds.get(allocation.nodeId);
    if (node === undefined) {
      issues.push({ path: `allocations.${i}.nodeId`, message: `unknown node '${allocation.nodeId}'` });
      return;
    }
    const held = (heldByNode.get(allocation.nodeId) ?? 0) + allocation.gpus;
    heldByNode.set(allocation.nodeId, held);
    if (held > node.gpuTotal - node.gpuFree) {
      issues.push({
        path: `allocations.${i}.gpus`,
        message: `allocations on node '${node.id}' hold ${held} GPUs but only ${node.gpuTotal - node.gpuFree} are in use`,
      });
    }
  });

  if (issues.length > 0) throw new PlacementInputError(issues);
  return snapshot;
}

function collectIds<T extends { id: string }>(
  items: readonly T[],
  path: string,
  issues: TInputIssue[],
): Map<string, T> {
  const byId = new Map<string, T>();
  items.forEach((item, i) => {
    if (byId.has(item.id)) issues.push({ path: `${path}.${i}.id`, message: `duplicate id '${item.id}'` });
    else byId.set(item.id, item);
  });
  return byId;
}
