import type { TSnapshotInput, TWorkloadRequestInput } from "../src/index";
import { CLOUD_REGION_NAMES, latencyMs, locate, USER_REGIONS } from "./geo";
import type { TGpuData } from "./gpu-data";
import { Prng } from "./prng";

type TSiteInput = TSnapshotInput["sites"][number];
type TNodeInput = TSnapshotInput["nodes"][number];
type TDatasetInput = NonNullable<TSnapshotInput["datasets"]>[number];

export type TContendedSpec = { readonly seed: number; readonly sites: number; readonly workloads: number };

export type TContendedInstance = {
  readonly estate: TSnapshotInput;
  readonly requests: TWorkloadRequestInput[];
  /** GPUs asked for / free GPUs on READY nodes. */
  readonly load: number;
  readonly gangShare: number;
};

/** Models a site may run: a few per site, so that sites differ in what they offer. */
const DC_MODELS = ["H100", "H200", "A100-80GB", "L40S", "MI300X"];
const EDGE_MODELS = ["L4", "A10G", "T4"];
const GANG_MODELS: readonly (readonly string[])[] = [
  ["H100", "H200"],
  ["A100-80GB", "H100", "H200"],
  ["H100", "MI300X", "A100-80GB"],
  ["H200", "H100"],
];
const SINGLE_MODELS: readonly (readonly string[])[] = [
  ["H100", "A100-80GB", "H200"],
  ["L40S", "A100-80GB", "H100"],
  ["L4", "A10G", "L40S", "T4"],
  [],
  [],
];
const FALLBACK_PRICE: Record<string, number> = { MI300X: 4.0 };

/**
 * A contended estate built without reference to the engine (issue 14): demand 1.1–1.4× the
 * free GPUs; sites of 10–40 nodes on 2–4 fabrics with 2–3 GPU models each, partly used;
 * 20–40% of workloads gangs of 2–4 × 8 GPUs; datasets of 1–50 TB with replicas (some
 * stray, outside their residency), residency rules and each site's own egress price;
 * latency SLOs to user regions; certifications; a few workloads that fit nowhere. Every
 * workload is kept: nothing is filtered by what the engine or the optimum can place.
 * One priority, no budgets or quotas, so "most placed, then least cost" is one objective.
 */
export function buildContendedInstance(data: TGpuData, spec: TContendedSpec): TContendedInstance {
  const rng = new Prng(spec.seed * 7919 + 17);
  const regions = rng.shuffle(data.regions);
  const sites: TSiteInput[] = [];
  for (let i = 0; i < spec.sites; i++) {
    const roll = rng.next();
    const kind = roll < 0.55 ? "CLOUD" : roll < 0.9 ? "ON_PREM" : "EDGE";
    sites.push(site(rng, data, kind, i, regions));
  }
  const datasets = buildDatasets(rng, sites, Math.max(6, Math.round(spec.sites * 0.5)));
  const gangShare = rng.between(0.2, 0.4);
  const requests = buildRequests(rng, datasets, spec.workloads, gangShare);
  const demand = requests.reduce((sum, r) => sum + gpusOf(r), 0);

  // Nodes: all free first, then used up at random until the free GPUs are demand / load.
  const nodes: TNodeInput[] = [];
  sites.forEach((s) => {
    const count = s.kind === "EDGE" ? rng.int(10, 16) : rng.int(10, 40);
    const fabrics = rng.int(2, 4);
    const models = Object.keys(s.pricesUsdPerGpuHour);
    for (let n = 0; n < count; n++) {
      const model = rng.pick(models);
      const gpuTotal = EDGE_MODELS.includes(model)
        ? rng.pick([1, 4, 8])
        : model === "L40S"
          ? rng.pick([4, 8])
          : 8;
      nodes.push({
        id: `${s.id}-n${String(n).padStart(3, "0")}`,
        siteId: s.id,
        gpuModel: model,
        gpuMemoryGib: data.memoryGib[model] ?? 80,
        gpuTotal,
        gpuFree: gpuTotal,
        fabric: `${s.id}-f${rng.int(1, fabrics)}`,
        status: rng.chance(0.95) ? "READY" : rng.pick(["CORDONED", "DRAINING", "DOWN"] as const),
      });
    }
  });
  const targetLoad = rng.between(1.1, 1.4);
  const ready = nodes.filter(
    (n) => n.status === "READY" && sites.find((s) => s.id === n.siteId)?.status === "ACTIVE",
  );
  let free = ready.reduce((sum, n) => sum + n.gpuFree, 0);
  const target = Math.max(8, Math.round(demand / targetLoad));
  for (const node of rng.shuffle(ready)) {
    if (free <= target) break;
    const used = Math.min(free - target, rng.chance(0.85) ? node.gpuTotal : rng.int(1, node.gpuTotal));
    node.gpuFree -= used;
    free -= used;
  }
  return {
    estate: { sites, nodes, datasets, quotas: [], allocations: [] },
    requests,
    load: Math.round((demand / Math.max(1, free)) * 100) / 100,
    gangShare: Math.round(gangShare * 100) / 100,
  };
}

function site(
  rng: Prng,
  data: TGpuData,
  kind: "CLOUD" | "ON_PREM" | "EDGE",
  i: number,
  regions: TGpuData["regions"],
): TSiteInput {
  const id = `site-${String(i).padStart(3, "0")}`;
  let provider = "onprem";
  let region: string;
  const prices: Record<string, number> = {};
  let egress: number;
  if (kind === "CLOUD") {
    const cloud = regions[i % regions.length] ?? regions[0];
    if (cloud === undefined) throw new Error("no cloud regions");
    provider = cloud.provider;
    region = cloud.region;
    const offered = Object.keys(cloud.prices).filter((m) => DC_MODELS.includes(m) || EDGE_MODELS.includes(m));
    for (const model of rng.shuffle(offered).slice(0, rng.int(2, 3))) {
      prices[model] = round4((cloud.prices[model] ?? 3) * rng.between(0.9, 1.1));
    }
    egress = round4(rng.between(0.05, 0.12));
  } else if (kind === "ON_PREM") {
    region = rng.pick(CLOUD_REGION_NAMES);
    for (const model of rng.shuffle(DC_MODELS).slice(0, rng.int(2, 3))) {
      prices[model] = round4((data.medianPrice[model] ?? FALLBACK_PRICE[model] ?? 3) * rng.between(0.4, 0.7));
    }
    egress = round4(rng.between(0.01, 0.03));
  } else {
    provider = "edge";
    region = rng.pick(CLOUD_REGION_NAMES);
    for (const model of rng.shuffle(EDGE_MODELS).slice(0, 2)) {
      prices[model] = round4((data.medianPrice[model] ?? 1) * rng.between(0.9, 1.3));
    }
    egress = round4(rng.between(0.04, 0.08));
  }
  if (Object.keys(prices).length === 0)
    prices.H100 = round4((data.medianPrice.H100 ?? 3) * rng.between(0.8, 1.2));
  const place = locate(region);
  const certifications = ["SOC2"];
  if (kind !== "EDGE") certifications.push("ISO27001");
  if (place.jurisdiction === "EU") certifications.push("GDPR");
  if (place.country === "US" && kind !== "EDGE" && rng.chance(0.7)) certifications.push("HIPAA");
  if (place.country === "US" && rng.chance(0.25)) certifications.push("FedRAMP");
  return {
    id,
    name: `${provider}-${region}-${i}`,
    kind,
    provider,
    region,
    country: place.country,
    jurisdiction: place.jurisdiction,
    certifications,
    status: rng.chance(0.97) ? "ACTIVE" : "MAINTENANCE",
    egressUsdPerGb: egress,
    wanGbps: rng.pick([10, 25, 50, 100]),
    carbonGPerKwh: place.carbon,
    pricesUsdPerGpuHour: prices,
    latencyMsByRegion: Object.fromEntries(
      Object.entries(USER_REGIONS).map(([name, at]) => [
        name,
        Math.max(1, latencyMs(place.lat, place.lon, at) + rng.int(0, 4) - (kind === "EDGE" ? 2 : 0)),
      ]),
    ),
  };
}

function buildDatasets(rng: Prng, sites: readonly TSiteInput[], count: number): TDatasetInput[] {
  const out: TDatasetInput[] = [];
  for (let i = 0; i < count; i++) {
    const classification = rng.weighted([
      ["PUBLIC", 0.2],
      ["INTERNAL", 0.4],
      ["CONFIDENTIAL", 0.25],
      ["REGULATED", 0.15],
    ] as const);
    const rule = rng.weighted([
      ["none", 0.45],
      ["eu", 0.3],
      ["us", 0.2],
      ["onprem", 0.05],
    ] as const);
    const allowedAt = (s: TSiteInput) =>
      (rule !== "eu" || s.jurisdiction === "EU") &&
      (rule !== "us" || s.country === "US") &&
      (rule !== "onprem" || s.kind === "ON_PREM");
    const inside = sites.filter(allowedAt);
    const outside = sites.filter((s) => !allowedAt(s));
    const hosts = rng.shuffle(inside.length > 0 ? inside : sites).slice(0, rng.int(1, 3));
    // One dataset in five also has a stray copy outside its residency: never a source.
    if (outside.length > 0 && rng.chance(0.2)) hosts.push(rng.pick(outside));
    out.push({
      id: `ds-${String(i).padStart(3, "0")}`,
      name: `dataset-${i}`,
      sizeBytes: Math.round(rng.logBetween(1e12, 5e13)),
      classification,
      regulations:
        classification !== "REGULATED" ? [] : rule === "eu" ? ["GDPR"] : rule === "us" ? ["HIPAA"] : ["SOC2"],
      residency:
        rule === "eu"
          ? { allowedJurisdictions: ["EU"], onPremOnly: false }
          : rule === "us"
            ? { allowedCountries: ["US"], onPremOnly: false }
            : { onPremOnly: rule === "onprem" },
      replicaSiteIds: hosts.map((s) => s.id),
    });
  }
  return out;
}

function buildRequests(
  rng: Prng,
  datasets: readonly TDatasetInput[],
  count: number,
  gangShare: number,
): TWorkloadRequestInput[] {
  const out: TWorkloadRequestInput[] = [];
  const unplaceable = Math.max(1, Math.round(count * 0.03));
  for (let i = 0; i < count; i++) {
    const id = `wl-${String(i).padStart(4, "0")}`;
    const request: TWorkloadRequestInput = {
      id,
      kind: "FINE_TUNING",
      teamId: `team-${i % 5}`,
      gpu: { count: 1 },
      estimatedHours: 1,
      priority: 0,
    };
    if (rng.chance(gangShare)) {
      request.kind = "TRAINING";
      request.gpu = { nodes: rng.int(2, 4), gpusPerNode: 8 };
      request.gpuModels = [...rng.pick(GANG_MODELS)];
      request.estimatedHours = round2(rng.logBetween(12, 120));
    } else {
      request.kind = rng.pick(["FINE_TUNING", "BATCH_INFERENCE", "ONLINE_INFERENCE"] as const);
      request.gpu = { count: rng.pick([1, 2, 4, 8]) };
      const models = rng.pick(SINGLE_MODELS);
      request.gpuModels = [...models];
      if (models.length === 0) request.minGpuMemoryGib = 40;
      request.estimatedHours = round2(rng.logBetween(2, 48));
      if (request.kind === "ONLINE_INFERENCE" || rng.chance(0.1)) {
        request.latency = {
          userRegion: rng.pick(Object.keys(USER_REGIONS)),
          maxMs: rng.pick([60, 90, 120, 160]),
        };
      }
    }
    if (rng.chance(0.75) && datasets.length > 0) {
      request.datasetIds = rng
        .shuffle(datasets)
        .slice(0, rng.chance(0.2) ? 2 : 1)
        .map((d) => d.id);
    }
    if (rng.chance(0.08)) request.requiredCertifications = [rng.pick(["SOC2", "SOC2", "ISO27001", "HIPAA"])];
    // A few ask for what no site has: a certification nobody holds.
    if (i % Math.ceil(count / unplaceable) === Math.floor(count / unplaceable / 2))
      request.requiredCertifications = ["PCI-DSS-L1"];
    out.push(request);
  }
  return out;
}

function gpusOf(request: TWorkloadRequestInput): number {
  return "count" in request.gpu ? request.gpu.count : request.gpu.nodes * request.gpu.gpusPerNode;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
