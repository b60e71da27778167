// npm run bench:derive — what a change to a 50,000-node estate costs the in-memory estate:
// indexing the changed (already validated) records again, as withChanges() did for nodes added,
// removed or reshaped and for sites (before), against withChanges() now (after), per kind of
// change, in one run; writes bench/results/placement-derive.json at the repository root.
import { cpus, loadavg } from "node:os";
import { indexSnapshot, type TPreparedSnapshot, type TSnapshotChanges, withChanges } from "../src/index";
import { buildIndex } from "../src/snapshot/index-snapshot";
import { buildEstate } from "./estate";
import { writeRepoJson } from "./files";
import { loadGpuData } from "./gpu-data";

const RESULTS = "bench/results/placement-derive.json";
const SITES = Number(process.env.BENCH_SITES ?? 500);
const NODES = Number(process.env.BENCH_NODES ?? 50_000);
const SAMPLES = 15;
const WARM = 8;

const round = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function timeMs(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const prepared = indexSnapshot(buildEstate(loadGpuData(), { seed: 7, sites: SITES, nodes: NODES }));
const node = prepared.nodes[Math.floor(prepared.nodes.length / 2)] as TPreparedSnapshot["nodes"][number];
const site = prepared.sites[0]?.site as TPreparedSnapshot["sites"][number]["site"];
const held = new Set(prepared.allocations.map((a) => a.nodeId));
const idle = prepared.nodes.find((n) => !held.has(n.id)) as typeof node;

const cases: { name: string; changes: (i: number) => TSnapshotChanges }[] = [
  { name: "node added", changes: (i) => ({ nodes: { upsert: [{ ...node, id: `${node.id}-new-${i}` }] } }) },
  { name: "node removed", changes: () => ({ nodes: { remove: [idle.id] } }) },
  {
    name: "node reshaped (GPU count)",
    changes: () => ({ nodes: { upsert: [{ ...idle, gpuTotal: idle.gpuTotal + 1 }] } }),
  },
  {
    name: "site fields (price, egress)",
    changes: (i) => ({ sites: { upsert: [{ ...site, egressUsdPerGb: 0.01 + i / 1000 }] } }),
  },
  { name: "site added", changes: (i) => ({ sites: { upsert: [{ ...site, id: `${site.id}-new-${i}` }] } }) },
  {
    name: "GPUs taken on a node (shape kept)",
    changes: () => ({ nodes: { upsert: [{ ...node, gpuFree: 0 }] } }),
  },
];

/** Median of SAMPLES timed runs after WARM untimed ones (V8 optimises first), garbage collected before. */
function measure(run: (i: number) => unknown): number {
  (globalThis as { gc?: () => void }).gc?.();
  const times: number[] = [];
  for (let i = 0; i < WARM + SAMPLES; i++) {
    const ms = timeMs(() => run(i));
    if (i >= WARM) times.push(ms);
  }
  return median(times);
}

const runs = cases.map(({ name, changes }) => {
  const changed = Array.from(
    { length: WARM + SAMPLES },
    (_, i) => withChanges(prepared, changes(i)).snapshot,
  );
  const before = measure((i) => buildIndex(changed[i] as (typeof changed)[number]));
  const after = measure((i) => withChanges(prepared, changes(i)));
  const row = {
    name,
    samples: SAMPLES,
    fullIndexP50Ms: round(before),
    withChangesP50Ms: round(after),
    ratio: round(before / after),
  };
  console.log(row);
  return row;
});

writeRepoJson(RESULTS, {
  estate: { sites: prepared.sites.length, nodes: prepared.nodes.length },
  machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg().map(round) },
  runs,
});
console.log(`wrote ${RESULTS}`);
