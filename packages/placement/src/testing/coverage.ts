import fc from "fast-check";
import { placeBatch } from "../batch/place-batch";
import { place } from "../place/place";
import type { TWorkloadRequestInput } from "../schema/request.schema";
import type { TSnapshotInput } from "../schema/snapshot.schema";
import { arbBatch } from "./arbitraries";

/**
 * What share of the property tests' generated cases exercise each hard rule. For arbBatch(1)
 * (the place() properties): the request is feasible; a feasible gang; feasible with
 * REGULATED data; a "*" quota of its team applies; a feasible site pays egress for a copy.
 * For arbBatch(8) (the placeBatch() properties, samples / 4 batches): a "*" quota decides
 * (the batch without the "*" rows would give some team more GPUs than its "*" quota allows),
 * and the batch places anything at all. Shares are fractions of 1.
 */
export function generatorCoverage(samples: number, seed: number) {
  const counts = {
    feasible: 0,
    feasibleGang: 0,
    feasibleRegulated: 0,
    starQuotaApplies: 0,
    feasibleEgress: 0,
  };
  for (const { snapshot, requests } of fc.sample(arbBatch(1), { numRuns: samples, seed })) {
    const request = requests[0] as TWorkloadRequestInput;
    const result = place({ snapshot, request });
    const regulated = request.datasetIds?.some(
      (id) => snapshot.datasets?.find((d) => d.id === id)?.classification === "REGULATED",
    );
    if ((snapshot.quotas ?? []).some((q) => q.teamId === request.teamId && q.gpuModel === "*"))
      counts.starQuotaApplies++;
    if (!result.feasible) continue;
    counts.feasible++;
    if ("nodes" in request.gpu) counts.feasibleGang++;
    if (regulated) counts.feasibleRegulated++;
    if (result.candidates.some((c) => c.cost.egressUsd > 0)) counts.feasibleEgress++;
  }

  const batches = Math.max(1, Math.floor(samples / 4));
  let starDecides = 0;
  let placesAny = 0;
  for (const { snapshot, requests } of fc.sample(arbBatch(8), { numRuns: batches, seed })) {
    const noStar: TSnapshotInput = {
      ...snapshot,
      quotas: (snapshot.quotas ?? []).filter((q) => q.gpuModel !== "*"),
    };
    const free = placeBatch({ snapshot: noStar, requests, explainUnplaced: "none" });
    if (free.placements.length > 0) placesAny++;
    const byTeam = new Map<string, number>();
    for (const p of free.placements) {
      const r = requests.find((x) => x.id === p.workloadId) as TWorkloadRequestInput;
      const gpus = "count" in r.gpu ? r.gpu.count : r.gpu.nodes * r.gpu.gpusPerNode;
      byTeam.set(r.teamId, (byTeam.get(r.teamId) ?? 0) + gpus);
    }
    const over = (snapshot.quotas ?? []).some(
      (q) => q.gpuModel === "*" && (byTeam.get(q.teamId) ?? 0) > q.limitGpus - q.usedGpus,
    );
    if (over) starDecides++;
  }

  return {
    samples,
    batches,
    ...(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / samples])) as Record<
      keyof typeof counts,
      number
    >),
    batchStarQuotaDecides: starDecides / batches,
    batchPlacesAny: placesAny / batches,
  };
}
