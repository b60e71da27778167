import { profiles } from "../profiles";
import { listPlugins } from "../registry";
import type { TPolicyInput, TWorkloadRequestInput } from "../schema/request.schema";
import type { TGpuNode, TNodeStatus, TQuota, TSite, TSnapshotInput } from "../schema/snapshot.schema";
import type { TServiceSpecInput } from "../services/service-spec.schema";
import { KNOWN_GPU_MODELS } from "../snapshot/gpu-catalog";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError, type TInputIssue, toInputIssues } from "../snapshot/input-error";
import { quotaKey, type TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { withChanges } from "../snapshot/with-changes";
import {
  type TNodeSelector,
  type TScenarioChange,
  type TScenarioChangeInput,
  ZScenarioChanges,
} from "./scenario.schema";

/** An inference service the scenario replays: its spec (id = the service's id) and its replicas. */
export type TScenarioService = {
  readonly spec: TServiceSpecInput;
  /** The service's name, for messages. */
  readonly name: string;
  /**
   * Its replicas (workload ids). The GPUs they hold are released before the service is planned,
   * as a re-plan does: a replica may stay where it runs.
   */
  readonly replicaWorkloadIds: readonly string[];
};

export type TApplyScenarioInput = {
  readonly snapshot: TSnapshotInput | TPreparedSnapshot;
  readonly requests: readonly TWorkloadRequestInput[];
  readonly changes: readonly TScenarioChangeInput[];
  /** Node labels by node id, for label selectors (the engine's snapshot carries none). */
  readonly nodeLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The active inference services, for service-demand changes (and their replay). */
  readonly services?: readonly TScenarioService[];
};

export type TScenarioApplied = {
  readonly snapshot: TPreparedSnapshot;
  readonly requests: readonly TWorkloadRequestInput[];
  /** Node ids each change touched, in change order (added nodes get ids `what-if-<change>-<n>`). */
  readonly touched: readonly { readonly change: number; readonly nodeIds: readonly string[] }[];
  /** Node ids that end DRAINING or DOWN because of the scenario. */
  readonly drainedNodeIds: readonly string[];
  /** The services as the scenario has them (demand and SLO changes applied), in input order. */
  readonly services: readonly TScenarioService[];
};

/** Prefix of the ids of nodes a scenario adds; no stored node id starts with it (cuid). */
export const ADDED_NODE_PREFIX = "what-if-";

/**
 * Releases the GPUs that `workloadIds` hold (their allocations, the nodes' free GPUs, their
 * teams' quota use), so that a batch can place them again: the replay of running work.
 * Pure: `prepared` is left as it was.
 */
export function releaseWorkloads(
  snapshot: TSnapshotInput | TPreparedSnapshot,
  workloadIds: readonly string[],
): TPreparedSnapshot {
  const prepared = indexSnapshot(snapshot);
  const ids = new Set(workloadIds);
  const released = prepared.allocations.filter((a) => ids.has(a.workloadId));
  if (released.length === 0) return prepared;
  const nodes = new Map<string, TGpuNode>();
  const quotaUse = new Map<string, number>();
  for (const a of released) {
    const idx = prepared.nodeIdxById.get(a.nodeId) as number;
    const node = nodes.get(a.nodeId) ?? (prepared.nodes[idx] as TGpuNode);
    nodes.set(a.nodeId, { ...node, gpuFree: Math.min(node.gpuTotal, node.gpuFree + a.gpus) });
    if (a.teamId === undefined) continue;
    for (const model of [node.gpuModel, "*"]) {
      const key = quotaKey(a.teamId, model);
      quotaUse.set(key, (quotaUse.get(key) ?? 0) + a.gpus);
    }
  }
  const quotas: TQuota[] = [];
  for (const [key, gpus] of quotaUse) {
    const quota = prepared.quotas.get(key);
    if (quota) quotas.push({ ...quota, usedGpus: Math.max(0, quota.usedGpus - gpus) });
  }
  const pairs = new Map(released.map((a) => [`${a.workloadId}\u0000${a.nodeId}`, a]));
  return withChanges(prepared, {
    nodes: { upsert: [...nodes.values()] },
    quotas: { upsert: quotas },
    allocations: { remove: [...pairs.values()].map(({ workloadId, nodeId }) => ({ workloadId, nodeId })) },
  });
}

/**
 * The estate and the requests as they would be after the scenario's changes: nodes drained or
 * lost, prices changed, nodes added, policies changed. Every change is checked against the
 * estate (a missing site, a selector that matches no node, an unknown GPU model, profile or
 * weight): all problems at once, as a PlacementInputError whose paths read
 * `changes.<index>.<field>`. Deterministic and pure; the input is left as it was.
 */
export function applyScenario(input: TApplyScenarioInput): TScenarioApplied {
  const parsed = ZScenarioChanges.safeParse(input.changes);
  if (!parsed.success) throw new PlacementInputError(toInputIssues(parsed.error, "changes"));
  const changes = parsed.data;
  const prepared = indexSnapshot(input.snapshot);
  const issues: TInputIssue[] = [];
  const sites = new Map<string, TSite>();
  const nodes = new Map<string, TGpuNode>();
  const added: TGpuNode[] = [];
  const touched: { change: number; nodeIds: string[] }[] = [];
  let requests = input.requests;
  const services = (input.services ?? []).map((s) => ({
    ...s,
    spec: { ...s.spec, regions: [...s.spec.regions] },
  }));
  const siteOf = (id: string) => sites.get(id) ?? prepared.snapshot.sites.find((s) => s.id === id);
  const scorers = new Set(
    listPlugins()
      .filter((p) => p.score)
      .map((p) => p.name),
  );
  const knownModel = (model: string) => KNOWN_GPU_MODELS.includes(model) || prepared.knownModels.has(model);

  changes.forEach((change, i) => {
    const at = (field: string) => `changes.${i}.${field}`;
    const fail = (field: string, message: string) => issues.push({ path: at(field), message });
    const siteExists = (siteId: string | undefined, field = "siteId") => {
      if (siteId === undefined || prepared.siteIdxById.has(siteId)) return true;
      fail(field, `no site with id '${siteId}'`);
      return false;
    };
    switch (change.kind) {
      case "drain":
      case "lose": {
        const status: TNodeStatus = change.kind === "drain" ? "DRAINING" : "DOWN";
        const ids = selectNodes(prepared, change.nodes, input.nodeLabels ?? {}, (field, message) =>
          fail(`nodes.${field}`, message),
        );
        for (const id of ids) {
          const node = nodes.get(id) ?? (prepared.nodes[prepared.nodeIdxById.get(id) as number] as TGpuNode);
          nodes.set(id, { ...node, status });
        }
        touched.push({ change: i, nodeIds: ids });
        return;
      }
      case "price": {
        if (!siteExists(change.siteId)) return;
        if (!knownModel(change.gpuModel)) {
          fail("gpuModel", `unknown GPU model '${change.gpuModel}'`);
          return;
        }
        const site = siteOf(change.siteId) as TSite;
        sites.set(site.id, {
          ...site,
          pricesUsdPerGpuHour: { ...site.pricesUsdPerGpuHour, [change.gpuModel]: change.usdPerGpuHour },
        });
        touched.push({ change: i, nodeIds: [] });
        return;
      }
      case "add-capacity": {
        if (!siteExists(change.siteId)) return;
        if (!knownModel(change.gpuModel)) {
          fail("gpuModel", `unknown GPU model '${change.gpuModel}'`);
          return;
        }
        const site = siteOf(change.siteId) as TSite;
        if (change.usdPerGpuHour !== undefined) {
          sites.set(site.id, {
            ...site,
            pricesUsdPerGpuHour: { ...site.pricesUsdPerGpuHour, [change.gpuModel]: change.usdPerGpuHour },
          });
        } else if (site.pricesUsdPerGpuHour[change.gpuModel] === undefined) {
          fail(
            "usdPerGpuHour",
            `site '${site.id}' has no price for ${change.gpuModel}: give the price per GPU-hour of the new nodes`,
          );
          return;
        }
        const ids: string[] = [];
        for (let n = 0; n < change.nodes; n++) {
          const id = `${ADDED_NODE_PREFIX}${i}-${n}`;
          ids.push(id);
          added.push({
            id,
            siteId: change.siteId,
            gpuModel: change.gpuModel,
            gpuMemoryGib: change.gpuMemoryGib,
            gpuTotal: change.gpusPerNode,
            gpuFree: change.gpusPerNode,
            fabric: change.fabric || `${ADDED_NODE_PREFIX}${i}`,
            status: "READY",
          });
        }
        touched.push({ change: i, nodeIds: ids });
        return;
      }
      case "policy": {
        if (change.profile === undefined && change.weights === undefined) {
          fail("profile", "choose a profile or give weights");
          return;
        }
        if (change.profile !== undefined && !profiles.has(change.profile))
          fail("profile", `unknown profile '${change.profile}' (known: ${[...profiles.keys()].join(", ")})`);
        for (const name of Object.keys(change.weights ?? {}))
          if (!scorers.has(name))
            fail(`weights.${name}`, `no score plugin called '${name}' (known: ${[...scorers].join(", ")})`);
        requests = requests.map((r) =>
          change.teamId && r.teamId !== change.teamId ? r : withPolicy(r, change),
        );
        touched.push({ change: i, nodeIds: [] });
        return;
      }
      case "service-demand": {
        const service = services.find((s) => s.spec.id === change.serviceId);
        if (!service) {
          fail("serviceId", `no active inference service with id '${change.serviceId}'`);
          return;
        }
        const r = service.spec.regions.findIndex((x) => x.region === change.region);
        const region = service.spec.regions[r];
        if (!region) {
          const served = service.spec.regions.map((x) => x.region).join(", ");
          fail(
            "region",
            `service '${service.name}' serves no region '${change.region}' (it serves ${served})`,
          );
          return;
        }
        if (change.demandRps === undefined && change.maxLatencyMs === undefined) {
          fail("demandRps", "give a new demand (requests/s) or a new latency SLO");
          return;
        }
        service.spec.regions[r] = {
          ...region,
          ...(change.demandRps !== undefined ? { demandRps: change.demandRps } : {}),
          ...(change.maxLatencyMs !== undefined ? { maxLatencyMs: change.maxLatencyMs } : {}),
        };
        touched.push({ change: i, nodeIds: [] });
        return;
      }
    }
  });
  if (issues.length > 0) throw new PlacementInputError(issues);
  const snapshot = withChanges(prepared, {
    sites: { upsert: [...sites.values()] },
    nodes: { upsert: [...nodes.values(), ...added] },
  });
  const drainedNodeIds = [...nodes.values()]
    .filter((n) => n.status === "DRAINING" || n.status === "DOWN")
    .map((n) => n.id)
    .sort();
  return { snapshot, requests, touched, drainedNodeIds, services };
}

function withPolicy(
  request: TWorkloadRequestInput,
  change: Extract<TScenarioChange, { kind: "policy" }>,
): TWorkloadRequestInput {
  const before: TPolicyInput = request.policy ?? {};
  const policy: TPolicyInput = {
    ...before,
    ...(change.profile !== undefined ? { profile: change.profile } : {}),
    ...(change.weights !== undefined ? { weights: { ...before.weights, ...change.weights } } : {}),
  };
  return { ...request, policy };
}

/** The ids of the nodes a selector names, sorted; reports a selector that names nothing. */
function selectNodes(
  prepared: TPreparedSnapshot,
  selector: TNodeSelector,
  labels: Readonly<Record<string, Readonly<Record<string, string>>>>,
  fail: (field: string, message: string) => void,
): string[] {
  if ("nodeIds" in selector) {
    const missing = selector.nodeIds.filter((id) => !prepared.nodeIdxById.has(id));
    if (missing.length > 0) fail("nodeIds", `no node with id ${missing.map((id) => `'${id}'`).join(", ")}`);
    return [...new Set(selector.nodeIds.filter((id) => prepared.nodeIdxById.has(id)))].sort();
  }
  if (selector.siteId !== undefined && !prepared.siteIdxById.has(selector.siteId)) {
    fail("siteId", `no site with id '${selector.siteId}'`);
    return [];
  }
  const match = (node: TGpuNode) => {
    if (selector.siteId !== undefined && node.siteId !== selector.siteId) return false;
    if ("fabric" in selector) return node.fabric === selector.fabric;
    if ("gpuModel" in selector) return node.gpuModel === selector.gpuModel;
    if ("label" in selector) return labels[node.id]?.[selector.label.key] === selector.label.value;
    return true;
  };
  const ids = prepared.nodes.filter(match).map((n) => n.id);
  if (ids.length === 0) {
    const [field, what] =
      "fabric" in selector
        ? ["fabric", `fabric '${selector.fabric}'`]
        : "gpuModel" in selector
          ? ["gpuModel", `GPU model '${selector.gpuModel}'`]
          : "label" in selector
            ? ["label", `label ${selector.label.key}=${selector.label.value}`]
            : ["siteId", `site '${selector.siteId}'`];
    const where = selector.siteId !== undefined && field !== "siteId" ? ` at site '${selector.siteId}'` : "";
    fail(field, field === "siteId" ? `${what} has no nodes` : `no node has ${what}${where}`);
  }
  return ids;
}
