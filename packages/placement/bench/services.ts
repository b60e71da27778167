// npm run bench:services — the covering mode (placeService) against the HiGHS optimum on
// generated services over seeded estates: cost gap and speed. Writes the "services" key
// of bench/results/placement.json and leaves every other key as it was.
import { cpus, loadavg } from "node:os";
import { indexSnapshot, placeService, prepareServiceProblem, type TServiceSpecInput } from "../src/index";
import type { TCoverProblem } from "../src/services/cover-problem";
import { buildEstate } from "./estate";
import { readRepoText, writeRepoJson } from "./files";
import { USER_REGIONS } from "./geo";
import { loadGpuData } from "./gpu-data";
import { chunk, loadHighs, primal, wrap } from "./milp";
import { Prng } from "./prng";

const RESULTS = "bench/results/placement.json";
/** Estates (sites, nodes) and how many services are generated on each. */
const SET = [
  { sites: 30, nodes: 300, services: 8 },
  { sites: 100, nodes: 1_000, services: 8 },
  { sites: 300, nodes: 3_000, services: 6 },
] as const;
const ENGINE_RUNS = 15;

const data = loadGpuData();
const highs = await loadHighs();

/** A service over 3–8 user regions, a GPU ask the estate's models can meet, demand for 4–60 replicas. */
function buildService(rng: Prng, index: number): TServiceSpecInput {
  const regions = rng.shuffle(Object.keys(USER_REGIONS)).slice(0, rng.int(3, 8));
  const capacity = rng.pick([100, 200, 400]);
  const ask = rng.pick([
    { gpu: { count: 1 }, minGpuMemoryGib: 20 },
    { gpu: { count: 1 }, gpuModels: ["L4", "L40S", "A10G"] },
    { gpu: { count: 2 }, minGpuMemoryGib: 40 },
    { gpu: { count: 4 }, gpuModels: ["H100", "A100-80GB", "H200"] },
    { gpu: { count: 8 }, minGpuMemoryGib: 80 },
  ]);
  return {
    id: `svc-${index}`,
    teamId: "team-00",
    ...ask,
    replicaCapacityRps: capacity,
    regions: regions.map((region) => ({
      region,
      demandRps: Math.round(rng.between(0.5, 6) * capacity),
      maxLatencyMs: rng.pick([25, 40, 60, 100]),
    })),
    minReplicas: 2,
    maxReplicas: rng.pick([20, 40, 60]),
    allowedKinds: rng.chance(0.2) ? ["ON_PREM", "CLOUD"] : [],
  };
}

/**
 * The same covering problem as a MILP, from the replica slots the engine's filters and node
 * selection give each site (TCoverProblem): z(s,k) = 1 when site s runs a k-th replica
 * (z(s,k) ≤ z(s,k−1), so a site's replicas are taken in order), x(r,s) ≥ 0 requests/s of
 * region r served at site s within SLO, u(r) ≥ 0 unserved. Σ x(r,·) + u(r) = demand(r);
 * Σ x(·,s) ≤ capacity × Σ z(s,·); min ≤ Σ z ≤ max; quotas per model and "*". Objective:
 * cost + PENALTY × unserved, PENALTY above the cost of every slot together, so the most
 * demand is served first, then the least cost: the engine's order.
 */
function solveMilp(problem: TCoverProblem): {
  costUsd: number;
  served: number;
  ms: number;
  status: string;
  columns: number;
} {
  const { spec, sites, arcs, demand, quotaLeft, gpusPerReplica } = problem;
  let slotTotal = 0;
  for (const site of sites) for (const slot of site.slots) slotTotal += slot.costUsd;
  const penalty = Math.max(1e4, 10 * slotTotal);
  const objective: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  const siteTerms = sites.map(() => [] as string[]);
  const allZ: string[] = [];
  const byModel = new Map<string, string[]>();
  sites.forEach((site, s) => {
    site.slots.forEach((slot, k) => {
      const z = `z${s}_${k}`;
      binaries.push(z);
      allZ.push(z);
      objective.push(`${slot.costUsd} ${z}`);
      siteTerms[s]?.push(`- ${spec.replicaCapacityRps} ${z}`);
      if (k > 0) rows.push(`o${s}_${k}: ${z} - z${s}_${k - 1} <= 0`);
      byModel.set(slot.gpuModel, [...(byModel.get(slot.gpuModel) ?? []), z]);
    });
  });
  const regionTerms = Array.from(demand, () => [] as string[]);
  arcs.forEach((arc, i) => {
    regionTerms[arc.region]?.push(`x${i}`);
    siteTerms[arc.site]?.unshift(`x${i}`);
  });
  demand.forEach((d, r) => {
    objective.push(`${penalty} u${r}`);
    rows.push(`d${r}: ${[...(regionTerms[r] ?? []), `u${r}`].join(" + ")} = ${d}`);
  });
  siteTerms.forEach((terms, s) => {
    if (terms.length > 0) rows.push(`c${s}: ${terms.join(" + ").replaceAll("+ -", "-")} <= 0`);
  });
  if (allZ.length > 0) {
    rows.push(`max: ${allZ.join(" + ")} <= ${spec.maxReplicas}`);
    rows.push(`min: ${allZ.join(" + ")} >= ${Math.min(spec.minReplicas, allZ.length)}`);
  }
  for (const [model, zs] of byModel) {
    const left = quotaLeft.get(model);
    if (left !== undefined)
      rows.push(
        `q_${model.replaceAll(/[^A-Za-z0-9]/g, "_")}: ${zs.map((z) => `${gpusPerReplica} ${z}`).join(" + ")} <= ${left}`,
      );
  }
  const all = quotaLeft.get("*");
  if (all !== undefined && allZ.length > 0)
    rows.push(`qall: ${allZ.map((z) => `${gpusPerReplica} ${z}`).join(" + ")} <= ${all}`);
  const lp = [
    "Minimize",
    ` obj: ${wrap(objective)}`,
    "Subject To",
    ...rows.map((row) => ` ${wrap(row.split(" + "))}`),
    "Binaries",
    ...chunk(binaries, 20).map((n) => ` ${n.join(" ")}`),
    "End",
  ].join("\n");
  const start = performance.now();
  const solution = highs.solve(lp, {
    mip_rel_gap: 1e-9,
    mip_abs_gap: 0.005,
    time_limit: 300,
    output_flag: false,
  });
  const ms = performance.now() - start;
  let unserved = 0;
  demand.forEach((_, r) => {
    unserved += primal(solution.Columns[`u${r}`]);
  });
  let total = 0;
  for (const d of demand) total += d;
  return {
    costUsd: solution.ObjectiveValue - penalty * unserved,
    served: total - unserved,
    ms,
    status: solution.Status,
    columns: binaries.length + arcs.length + demand.length,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

const started = performance.now();
const rows = [];
for (const { sites, nodes, services } of SET) {
  const snapshot = buildEstate(data, { seed: 5000 + sites, sites, nodes, quotas: false });
  const prepared = indexSnapshot(snapshot);
  const rng = new Prng(7000 + sites);
  for (let i = 0; i < services; i++) {
    const service = buildService(rng, i);
    const problem = prepareServiceProblem(prepared, service);
    const result = placeService({ snapshot: prepared, service });
    const times: number[] = [];
    for (let run = 0; run < ENGINE_RUNS; run++) {
      const t = performance.now();
      placeService({ snapshot: prepared, service });
      times.push(performance.now() - t);
    }
    const milp = solveMilp(problem);
    const sameServed = Math.abs(milp.served - result.servedRps) <= 1e-3 * Math.max(1, result.demandRps);
    // Both costs are sums of the same slot prices; the engine's is rounded to cents.
    const gapUsd = round(result.costUsd - milp.costUsd, 2) + 0; // + 0: no "-0" in the JSON
    const gapPct = !sameServed
      ? null
      : Math.abs(gapUsd) <= 0.01
        ? 0
        : round((gapUsd / milp.costUsd) * 100, 3);
    rows.push({
      sites,
      nodes,
      service: service.id,
      regions: service.regions.length,
      eligibleSites: problem.sites.length,
      slots: problem.sites.reduce((n, s) => n + s.slots.length, 0),
      demandRps: result.demandRps,
      engineServedRps: result.servedRps,
      milpServedRps: round(milp.served, 3),
      replicas: result.replicas.length,
      engineUsd: result.costUsd,
      milpUsd: round(milp.costUsd),
      gapUsd,
      gapPct,
      engineBoundGapPct: result.bound?.gapPct ?? null,
      engineMs: round(median(times), 3),
      solverMs: round(milp.ms, 1),
      speedup: round(milp.ms / median(times), 1),
      milpStatus: milp.status,
    });
  }
}
console.table(rows);
const gaps = rows.map((r) => r.gapPct).filter((g): g is number => g !== null);
const summary = {
  instances: rows.length,
  sameServed: gaps.length,
  optimal: gaps.filter((g) => g === 0).length,
  meanGapPct: round(gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length), 3),
  maxGapPct: Math.max(0, ...gaps),
  medianEngineMs: round(median(rows.map((r) => r.engineMs)), 3),
  medianSolverMs: round(median(rows.map((r) => r.solverMs)), 1),
  medianSpeedup: round(median(rows.map((r) => r.speedup)), 1),
};
console.log(summary);

if (process.argv.includes("--dry")) process.exit(0);
// Read-modify-write: other benches own the other keys of this file.
const existing = JSON.parse(readRepoText(RESULTS)) as Record<string, unknown>;
writeRepoJson(RESULTS, {
  ...existing,
  services: {
    summary,
    rows,
    meta: {
      note: "placeService() (validation, the replica's filters over the estate, replica slots by node selection, search, explanation) on a snapshot prepared once, median of 15 runs after one; HiGHS solve() only (model building excluded) on the MILP of the same slots (bench/services.ts solveMilp), one solve; both serve the most demand first, then least cost; gapPct only when both serve as much (null otherwise); engineBoundGapPct is the engine's own bound (cheap, not an LP).",
      command: "npm run bench:placement:services",
      node: process.version,
      cpus: cpus().length,
      loadAverageAtEnd: loadavg().map((x) => round(x)),
      totalSeconds: round((performance.now() - started) / 1000, 1),
    },
  },
});
console.log(`wrote ${RESULTS} (services)`);
