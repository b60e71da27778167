import { readFileSync } from "node:fs";
import { indexSnapshot, placeBatch } from "../src/index";
import { buildContendedInstance } from "./contended";
import { loadGpuData } from "./gpu-data";
import { milpOptions } from "./milp";
const data = loadGpuData();
const seed = Number(process.argv[2] ?? 6), sites = Number(process.argv[3] ?? 40), workloads = Number(process.argv[4] ?? 200);
const effort = process.argv[5] ? Number(process.argv[5]) : undefined;
const instance = buildContendedInstance(data, { seed, sites, workloads });
const prepared = indexSnapshot(instance.estate);
const opts = milpOptions(prepared, instance.requests);
const opt = JSON.parse(readFileSync(`/tmp/opt-${seed}.json`, "utf8"));
const nodes = instance.estate.nodes;
const optAt = new Map<string, { site: string; cost: number; k: number }>();
for (const [name] of Object.entries(opt.columns as Record<string, number>)) {
  let m = /^x(\d+)_(\d+)$/.exec(name);
  if (m) {
    const i = Number(m[1]), n = Number(m[2]);
    const node = nodes[n]!;
    const o = opts[i]!.find((o) => o.nodeIds.includes(node.id))!;
    optAt.set(instance.requests[i]!.id, { site: o.siteId, cost: o.totalUsd, k: -1 });
  }
  m = /^z(\d+)_(\d+)$/.exec(name);
  if (m) {
    const i = Number(m[1]), k = Number(m[2]);
    const o = opts[i]![k]!;
    optAt.set(instance.requests[i]!.id, { site: `${o.siteId}/${o.fabric}`, cost: o.totalUsd, k });
  }
}
const r = placeBatch({ snapshot: prepared, requests: instance.requests, searchEffort: effort });
const engAt = new Map(r.placements.map((p) => [p.workloadId, p]));
let diff = 0;
const rows: [number, string][] = [];
for (const req of instance.requests) {
  const e = engAt.get(req.id) as any;
  const o = optAt.get(req.id);
  const ec = e ? e.costUsd ?? e.cost?.totalUsd ?? e.totalCostUsd : 0;
  const oc = o ? o.cost : 0;
  if (Math.abs(ec - oc) > 0.01 || (!!e !== !!o)) {
    const g = "count" in req.gpu ? `${req.gpu.count}x1` : `${req.gpu.gpusPerNode}x${req.gpu.nodes}`;
    rows.push([ec - oc, `${req.id} ${g} eng=${e ? e.siteId : "-"} $${ec?.toFixed?.(0)} opt=${o ? o.site : "-"} $${oc.toFixed(0)} nopts=${opts[instance.requests.indexOf(req)]!.length}`]);
    diff += ec - oc;
  }
}
rows.sort((a, b) => b[0] - a[0]);
for (const [d, s] of rows) console.log(d.toFixed(0).padStart(7), s);
console.log("engine", r.totalCostUsd, "opt", opt.cost, "diff", diff.toFixed(0), "placed", r.placements.length, opt.placed);
console.log(Object.keys(r.placements[0]!));
