import { formatUsd, roundCents } from "../framework/money";
import type { TEngineOptions } from "../place/place";
import { checkPlacement, parseCallerPolicy } from "../place/place";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import { indexSnapshot } from "../snapshot/index-snapshot";
import { PlacementInputError, toInputIssues } from "../snapshot/input-error";
import type { TPreparedSnapshot } from "../snapshot/prepared-snapshot";
import { FLOW_EPS, routeDemand } from "./cover-flow";
import { buildCoverProblem, type TCoverProblem } from "./cover-problem";
import { explainRegions, explainSites } from "./explain-cover";
import type { TServicePlacement, TServiceReplica } from "./service-result";
import { type TServiceSpec, type TServiceSpecInput, ZServiceSpec } from "./service-spec.schema";
import { coverLowerBound, solveCover, type TCoverChoice } from "./solve-cover";

export type TPlaceServiceInput = TEngineOptions & {
  readonly snapshot: TSnapshotInput | TPreparedSnapshot;
  readonly service: TServiceSpecInput;
};

/**
 * Chooses the replicas of an online inference service: sites and nodes such that each
 * user region's demand is served within its latency SLO by replicas with room for it, at
 * the least cost, and explains every region and every site. Pure and deterministic.
 * Throws PlacementInputError (paths under `service.`) for malformed input; a service that
 * cannot be fully served is a normal result with `feasible: false` and reasons.
 */
export function placeService(input: TPlaceServiceInput): TServicePlacement {
  const prepared = indexSnapshot(input.snapshot);
  const problem = prepareServiceProblem(prepared, input.service, input);
  const { choice, stats } = solveCover(problem);
  return describePlacement(problem, choice, stats);
}

/** Validates the service and builds its covering problem (exported for the bench's MILP). */
export function prepareServiceProblem(
  prepared: TPreparedSnapshot,
  service: TServiceSpecInput,
  options: TEngineOptions = {},
): TCoverProblem {
  const parsed = ZServiceSpec.safeParse(service);
  const caller = parseCallerPolicy(options.policy);
  const issues = [...caller.issues, ...(parsed.success ? [] : toInputIssues(parsed.error, "service"))];
  if (!parsed.success) throw new PlacementInputError(issues);
  const spec = parsed.data;
  const checked = checkPlacement(prepared, replicaRequest(spec), caller.policy, options, "service");
  issues.push(...checked.issues);
  if (checked.request === undefined || checked.engine === undefined || issues.length > 0) {
    throw new PlacementInputError(issues);
  }
  return buildCoverProblem(prepared, spec, checked.request, checked.engine);
}

/** One replica as the engine's workload request: an ONLINE_INFERENCE workload of the service's team. */
function replicaRequest(spec: TServiceSpec) {
  return {
    id: spec.id,
    kind: "ONLINE_INFERENCE" as const,
    teamId: spec.teamId,
    gpu: spec.gpu,
    gpuModels: spec.gpuModels,
    minGpuMemoryGib: spec.minGpuMemoryGib,
    estimatedHours: spec.hours,
    requiredCertifications: spec.requiredCertifications,
    allowedKinds: spec.allowedKinds,
    datasetIds: spec.datasetIds,
    policy: spec.policy,
  };
}

function describePlacement(
  problem: TCoverProblem,
  choice: TCoverChoice,
  stats: { flows: number; rounds: number; moves: number },
): TServicePlacement {
  const { spec, sites, arcs, demand } = problem;
  const c = spec.replicaCapacityRps;
  const capacity = Float64Array.from(choice.counts, (n) => n * c);
  const flow = routeDemand(demand, capacity, arcs, true);

  // Split each site's flow over its replicas, filling them in order.
  const replicas: TServiceReplica[] = [];
  const regionShares: { replica: number; siteId: string; rps: number; latencyMs: number }[][] =
    spec.regions.map(() => []);
  sites.forEach((site, s) => {
    const n = choice.counts[s] as number;
    if (n === 0) return;
    const room = new Array<number>(n).fill(c);
    const serves = Array.from(
      { length: n },
      () => [] as { region: string; rps: number; latencyMs: number }[],
    );
    arcs.forEach((arc, i) => {
      if (arc.site !== s) return;
      let left = flow.arcFlow[i] as number;
      for (let k = 0; k < n && left > FLOW_EPS; k++) {
        const take = Math.min(left, room[k] as number);
        if (take <= FLOW_EPS) continue;
        room[k] = (room[k] as number) - take;
        left -= take;
        serves[k]?.push({
          region: spec.regions[arc.region]?.region ?? "",
          rps: round3(take),
          latencyMs: arc.latencyMs,
        });
        regionShares[arc.region]?.push({
          replica: replicas.length + k + 1,
          siteId: site.site.site.id,
          rps: round3(take),
          latencyMs: arc.latencyMs,
        });
      }
    });
    for (let k = 0; k < n; k++) {
      const slot = site.slots[k];
      if (slot === undefined) continue;
      const servedRps = c - (room[k] as number);
      replicas.push({
        index: replicas.length + 1,
        siteId: site.site.site.id,
        siteName: site.site.site.name,
        siteKind: site.site.site.kind,
        gpuModel: slot.gpuModel,
        gpuMemoryGib: slot.gpuMemoryGib,
        fabric: slot.fabric,
        nodes: slot.nodes,
        costUsd: roundCents(slot.costUsd),
        servedRps: round3(servedRps),
        load: round3(servedRps / c),
        serves: serves[k] ?? [],
      });
    }
  });

  const regions = explainRegions(problem, choice, regionShares);
  const { candidates, rejected } = explainSites(problem, choice);
  let demandRps = 0;
  for (const d of demand) demandRps += d;
  const allServed = choice.served >= demandRps - 1e-7 * Math.max(1, demandRps);
  const feasible = allServed && choice.replicas >= spec.minReplicas;
  const lower = allServed ? coverLowerBound(problem) : Number.NaN;
  const bound =
    allServed && Number.isFinite(lower)
      ? {
          lowerBoundUsd: roundCents(lower),
          gapPct:
            choice.costUsd > 0 ? round3(Math.max(0, ((choice.costUsd - lower) / choice.costUsd) * 100)) : 0,
        }
      : undefined;
  return {
    serviceId: spec.id,
    feasible,
    summary: summarize(problem, choice, regions, replicas, bound),
    replicas,
    regions,
    candidates,
    rejected,
    costUsd: roundCents(choice.costUsd),
    demandRps: round3(demandRps),
    servedRps: round3(choice.served),
    bound,
    stats: { sitesConsidered: sites.length, ...stats },
  };
}

function summarize(
  problem: TCoverProblem,
  choice: TCoverChoice,
  regions: TServicePlacement["regions"],
  replicas: readonly TServiceReplica[],
  bound: TServicePlacement["bound"],
): string {
  const covered = regions.filter((r) => r.status === "covered").length;
  const siteCount = new Set(replicas.map((r) => r.siteId)).size;
  const demand = regions.reduce((sum, r) => sum + r.demandRps, 0);
  let text =
    `${choice.replicas} replica${choice.replicas === 1 ? "" : "s"} at ${siteCount} site${siteCount === 1 ? "" : "s"} ` +
    `serve ${covered}/${regions.length} regions (${round3(choice.served)}/${round3(demand)} req/s) for ${formatUsd(choice.costUsd)}`;
  const short = regions.filter((r) => r.reason !== undefined);
  if (short.length > 0) text += `; ${short.map((r) => `${r.region}: ${r.reason}`).join("; ")}`;
  if (choice.replicas < problem.spec.minReplicas) {
    text += `; only ${choice.replicas} of the ${problem.spec.minReplicas} replicas required fit`;
  }
  if (bound !== undefined)
    text += bound.gapPct === 0 ? " (optimal)" : ` (within ${bound.gapPct}% of optimal)`;
  return text;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
