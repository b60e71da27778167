// npx tsx bench/contended-probe.ts sites workloads seed... : one engine run and one solve per seed.
import { indexSnapshot, placeBatch } from "../src/index";
import { buildContendedInstance } from "./contended";
import { loadGpuData } from "./gpu-data";
import { crossCheckOptions, milpOptions, solveBatchMilp } from "./milp";

const data = loadGpuData();
const [sites, workloads, ...seeds] = process.argv.slice(2).map(Number);
for (const seed of seeds) {
  const inst = buildContendedInstance(data, { seed, sites: sites as number, workloads: workloads as number });
  const prepared = indexSnapshot(inst.estate);
  const options = milpOptions(prepared, inst.requests);
  const diff = crossCheckOptions(prepared, inst.requests, options);
  const t0 = performance.now();
  const result = placeBatch({ snapshot: prepared, requests: inst.requests });
  const engineMs = performance.now() - t0;
  const opt = await solveBatchMilp(prepared, inst.requests, options);
  const gap =
    opt.placed === result.stats.placed ? ((result.totalCostUsd / opt.costUsd - 1) * 100).toFixed(2) : "n/a";
  console.log(
    JSON.stringify({
      sites,
      workloads,
      seed,
      nodes: inst.estate.nodes.length,
      load: inst.load,
      gangs: inst.gangShare,
      crossCheck: diff.length,
      noOption: options.filter((o) => o.length === 0).length,
      enginePlaced: result.stats.placed,
      optPlaced: opt.placed,
      gapPct: gap,
      engineMs: Math.round(engineMs),
      solverMs: Math.round(opt.solverMs),
      status: opt.status,
      bins: opt.variables,
    }),
  );
  if (diff.length > 0) console.log(diff.slice(0, 5));
}
