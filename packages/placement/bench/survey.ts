// npm run bench:placement:survey — batch quality beyond the timed instances of bench/run.ts:
// more seeds at each size, one engine run and one solve each, no timing. Writes
// bench/results/placement-survey.json at the repository root. Seeds here were never used to
// tune the engine; a row that misses the targets is a case to study, not to drop.
import { placeBatch } from "../src/index";
import { writeRepoJson } from "./files";
import { loadGpuData } from "./gpu-data";
import { solveBatchMilp } from "./milp";
import { buildQualityInstance } from "./quality";

const RESULTS = "bench/results/placement-survey.json";
const MAX_GAP_PCT = 2;
const data = loadGpuData();
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

const sizes = [
  { sites: 10, workloads: 50, seeds: [40, 41, 42, 43, 44, 45, 46, 47, 48, 49] },
  { sites: 50, workloads: 200, seeds: [100, 101, 102, 103, 104, 105, 106, 107] },
];
const rows = [];
for (const { sites, workloads, seeds } of sizes) {
  for (const seed of seeds) {
    // As in bench/run.ts: workloads offered up to the free GPUs, the first `workloads` of
    // those the optimum places together.
    const instance = buildQualityInstance(data, { seed, sites, workloads: workloads * 2, load: 1 });
    const screen = await solveBatchMilp(instance.prepared, instance.requests);
    const keep = new Set(screen.placedIds);
    const requests = instance.requests.filter((r) => keep.has(r.id)).slice(0, workloads);
    const optimum = await solveBatchMilp(instance.prepared, requests);
    const result = placeBatch({ snapshot: instance.prepared, requests });
    const placedShortfall = optimum.placed - result.stats.placed;
    const gapPct = placedShortfall === 0 ? round((result.totalCostUsd / optimum.costUsd - 1) * 100, 3) : null;
    rows.push({
      sites,
      workloads: requests.length,
      seed,
      engineCostUsd: result.totalCostUsd,
      optimalCostUsd: round(optimum.costUsd),
      gapPct,
      enginePlaced: result.stats.placed,
      optimalPlaced: optimum.placed,
      placedShortfall,
      meetsGapTarget: gapPct !== null && gapPct <= MAX_GAP_PCT,
    });
    console.log(rows.at(-1));
  }
}
const met = rows.filter((r) => r.meetsGapTarget).length;
console.log(`all placed and gap ≤ ${MAX_GAP_PCT}% on ${met}/${rows.length}`);
writeRepoJson(RESULTS, {
  survey: rows,
  meta: {
    note: "quality beyond bench/run.ts: one placeBatch() run and one HiGHS solve per seed, no timing; gapPct null when the engine places fewer workloads than the optimum (see placedShortfall)",
    met,
    of: rows.length,
    node: process.version,
  },
});
console.log(`wrote ${RESULTS}`);
