import { buildContendedInstance } from "./bench/contended";
import { loadGpuData } from "./bench/gpu-data";
import { ZSnapshot, ZWorkloadRequest } from "./src/index";
import { independentOptions, siteProblems } from "./src/testing/check-hard-constraints";

const data = loadGpuData();
const inst = buildContendedInstance(data, { seed: 1, sites: 8, workloads: 30 });
const snap = ZSnapshot.parse(inst.estate);
const all = new Map(snap.nodes.map((n) => [n.id, n.gpuTotal]));
for (const r of inst.requests) {
  const now = independentOptions(snap, r).length;
  const ever = independentOptions(snap, r, all).length;
  const req = ZWorkloadRequest.parse(r);
  const probs = snap.sites.map((s) => siteProblems(snap, req, s)[0] ?? "ok");
  if (now === 0) console.log(r.id, JSON.stringify(r.gpu), r.gpuModels, "ever", ever, probs.join(" | "));
}
console.log(snap.sites.map((s) => `${s.id} ${s.kind} ${s.country} ${Object.keys(s.pricesUsdPerGpuHour)}`));
