// Quick diagnostic for tuning (not a benchmark: nothing is written to bench/results): the
// engine against the HiGHS optimum on chosen contended instances, the optimum solved once
// and cached under --cache (default: the system's temporary folder), so that a change to the
// engine can be checked in seconds. Use the dev set and the quality set, never the survey.
//   npx tsx bench/diag.ts --set=dev|quality [--seeds=a,b] [--effort=E] [--reps=N]
// biome-ignore lint/style/noRestrictedImports: bench-only file access; src/ stays free of I/O.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexSnapshot, placeBatch } from "../src/index";
import { buildContendedInstance } from "./contended";
import { DEV_SET, QUALITY_SET, SURVEY_SET } from "./contended-sets";
import { loadGpuData } from "./gpu-data";
import { milpOptions, solveBatchMilp } from "./milp";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const setName = arg("set") ?? "dev";
const seeds = arg("seeds")?.split(",").map(Number);
const reps = Number(arg("reps") ?? 3);
const set = (setName === "quality" ? QUALITY_SET : setName === "survey" ? SURVEY_SET : DEV_SET).filter(
  (row) => seeds === undefined || seeds.includes(row.seed),
);
const effort = arg("effort") === undefined ? undefined : Number(arg("effort"));
const cache = arg("cache") ?? join(tmpdir(), "placement-diag");
mkdirSync(cache, { recursive: true });
const data = loadGpuData();
const gaps: number[] = [];
let totalMs = 0;
for (const { sites, workloads, seed } of set) {
  const instance = buildContendedInstance(data, { seed, sites, workloads });
  const prepared = indexSnapshot(instance.estate);
  const file = join(cache, `${seed}-${sites}-${workloads}.json`);
  let opt: { costUsd: number; placed: number; solverMs: number };
  if (existsSync(file)) opt = JSON.parse(readFileSync(file, "utf8"));
  else {
    const o = await solveBatchMilp(prepared, instance.requests, milpOptions(prepared, instance.requests));
    opt = { costUsd: o.costUsd, placed: o.placed, solverMs: o.solverMs };
    writeFileSync(file, JSON.stringify(opt));
  }
  let result = placeBatch({ snapshot: prepared, requests: instance.requests, searchEffort: effort });
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    result = placeBatch({ snapshot: prepared, requests: instance.requests, searchEffort: effort });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)] ?? 0;
  totalMs += ms;
  const short = opt.placed - result.stats.placed;
  const gap = short === 0 ? (result.totalCostUsd / opt.costUsd - 1) * 100 : Number.POSITIVE_INFINITY;
  gaps.push(gap);
  const trueGap = gap;
  console.log(
    `${seed} ${workloads}x${sites} short=${short} gap=${gap.toFixed(3)}% bound=${result.bound.withinPct}% excess=${(
      (result.bound.withinPct ?? 0) - trueGap
    ).toFixed(2)} ms=${ms.toFixed(1)} solver=${opt.solverMs.toFixed(0)} x${(opt.solverMs / ms).toFixed(1)}`,
  );
}
gaps.sort((a, b) => a - b);
console.log(
  `${setName}: <=2% on ${gaps.filter((g) => g <= 2).length}/${gaps.length}, median ${gaps[Math.floor((gaps.length - 1) / 2)]?.toFixed(3)}, max ${gaps.at(-1)?.toFixed(3)}, engine ms total ${totalMs.toFixed(0)}`,
);
