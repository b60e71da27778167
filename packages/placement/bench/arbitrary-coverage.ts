// npx tsx packages/placement/bench/arbitrary-coverage.ts [samples] [seed]
// (The generators before issue 21, measured the same way on seed 1: feasible 21.1%, feasible
// gang 2.3%, feasible regulated 0.5%, "*" quota applies 20.6%, egress 0.8%, a "*" quota
// decides a batch 0.0%.)
// What share of the property tests' generated cases exercise each hard rule. For arbBatch(1)
// (the place() properties): the request is feasible; a feasible gang; feasible with
// REGULATED data; a "*" quota of its team applies; a feasible site pays egress for a
// copy. For arbBatch(8) (the placeBatch() properties): a "*" quota decides (the batch
// without the "*" rows would give some team more GPUs than its "*" quota allows).
import fc from "fast-check";
import { place, placeBatch, type TSnapshotInput, type TWorkloadRequestInput } from "../src/index";
import * as arb from "../src/testing/arbitraries";

const samples = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 1);

const counts = { feasible: 0, feasibleGang: 0, feasibleRegulated: 0, starQuotaApplies: 0, feasibleEgress: 0 };
for (const { snapshot, requests } of fc.sample(arb.arbBatch(1), { numRuns: samples, seed })) {
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
const pct = (v: number, of: number) => `${((100 * v) / of).toFixed(1)}%`;
const single = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, pct(v, samples)]));

const batches = Math.max(1, Math.floor(samples / 4));
let starDecides = 0;
let placedAny = 0;
for (const { snapshot, requests } of fc.sample(arb.arbBatch(8), { numRuns: batches, seed })) {
  const noStar: TSnapshotInput = {
    ...snapshot,
    quotas: (snapshot.quotas ?? []).filter((q) => q.gpuModel !== "*"),
  };
  const free = placeBatch({ snapshot: noStar, requests, explainUnplaced: "none" });
  if (free.placements.length > 0) placedAny++;
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
console.log(
  JSON.stringify({
    seed,
    samples,
    ...single,
    batches,
    batchStarQuotaDecides: pct(starDecides, batches),
    batchPlacesAny: pct(placedAny, batches),
  }),
);
