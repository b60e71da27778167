import { type TSnapshot, ZSnapshot } from "../schema/snapshot.schema";
import { PlacementInputError, type TInputIssue, toInputIssues } from "./input-error";

/**
 * Parses a snapshot and checks its references: every node's site, every dataset replica
 * site and every allocation's node must exist, ids must be unique, and allocations may not
 * hold more GPUs on a node than the node has in use. The reference checks also run on a
 * snapshot that failed parsing, so one error lists every problem. Throws PlacementInputError.
 */
export function validateSnapshot(input: unknown): TSnapshot {
  const parsed = ZSnapshot.safeParse(input);
  const issues = parsed.success ? [] : toInputIssues(parsed.error);
  issues.push(...checkReferences(parsed.success ? parsed.data : input));
  if (issues.length > 0 || !parsed.success) throw new PlacementInputError(dedupe(issues));
  return parsed.data;
}

type TLoose = Record<string, unknown>;

function records(value: unknown): TLoose[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => (typeof item === "object" && item !== null ? (item as TLoose) : {}));
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** Works on unvalidated input: anything of the wrong type is zod's to report. */
function checkReferences(input: unknown): TInputIssue[] {
  const root = typeof input === "object" && input !== null ? (input as TLoose) : {};
  const issues: TInputIssue[] = [];
  const siteIds = collectIds(records(root.sites), "sites", issues);
  const nodes = records(root.nodes);
  const nodeIds = collectIds(nodes, "nodes", issues);
  collectIds(records(root.datasets), "datasets", issues);

  nodes.forEach((node, i) => {
    const siteId = text(node.siteId);
    if (siteId !== undefined && !siteIds.has(siteId)) {
      issues.push({ path: `nodes.${i}.siteId`, message: `unknown site '${siteId}'` });
    }
  });
  records(root.datasets).forEach((dataset, i) => {
    const replicas = Array.isArray(dataset.replicaSiteIds) ? (dataset.replicaSiteIds as unknown[]) : [];
    replicas.forEach((raw, j) => {
      const siteId = text(raw);
      if (siteId !== undefined && !siteIds.has(siteId)) {
        issues.push({
          path: `datasets.${i}.replicaSiteIds.${j}`,
          message: `unknown site '${siteId}' for a replica of dataset '${text(dataset.id) ?? ""}'`,
        });
      }
    });
  });

  const quotaKeys = new Set<string>();
  records(root.quotas).forEach((quota, i) => {
    const key = `${text(quota.teamId)}\u0000${text(quota.gpuModel)}`;
    if (quotaKeys.has(key)) {
      issues.push({
        path: `quotas.${i}`,
        message: `duplicate quota for team '${text(quota.teamId)}' and GPU model '${text(quota.gpuModel)}'`,
      });
    }
    quotaKeys.add(key);
  });

  const heldByNode = new Map<string, number>();
  records(root.allocations).forEach((allocation, i) => {
    const nodeId = text(allocation.nodeId);
    if (nodeId === undefined) return;
    const node = nodeIds.get(nodeId);
    if (node === undefined) {
      issues.push({ path: `allocations.${i}.nodeId`, message: `unknown node '${nodeId}'` });
      return;
    }
    const held = (heldByNode.get(nodeId) ?? 0) + (num(allocation.gpus) ?? 0);
    heldByNode.set(nodeId, held);
    const inUse = (num(node.gpuTotal) ?? 0) - (num(node.gpuFree) ?? 0);
    if (held > inUse) {
      issues.push({
        path: `allocations.${i}.gpus`,
        message: `allocations on node '${nodeId}' hold ${held} GPUs but only ${inUse} are in use`,
      });
    }
  });
  return issues;
}

function collectIds(items: readonly TLoose[], path: string, issues: TInputIssue[]): Map<string, TLoose> {
  const byId = new Map<string, TLoose>();
  items.forEach((item, i) => {
    const id = text(item.id);
    if (id === undefined) return;
    if (byId.has(id)) issues.push({ path: `${path}.${i}.id`, message: `duplicate id '${id}'` });
    else byId.set(id, item);
  });
  return byId;
}

function dedupe(issues: readonly TInputIssue[]): TInputIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
