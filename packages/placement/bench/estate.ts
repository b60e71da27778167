import type { TSnapshotInput, TWorkloadRequestInput } from "../src/index";
import { CLOUD_REGION_NAMES, latencyMs, locate, USER_REGIONS } from "./geo";
import type { TGpuData } from "./gpu-data";
import { Prng } from "./prng";

type TSiteInput = TSnapshotInput["sites"][number];
type TNodeInput = TSnapshotInput["nodes"][number];
type TDatasetInput = NonNullable<TSnapshotInput["datasets"]>[number];

export type TEstateSpec = {
  readonly seed: number;
  readonly sites: number;
  readonly nodes: number;
  /** Share of nodes that start fully free / fully used; the rest are partly used. */
  readonly idleShare?: number;
  readonly busyShare?: number;
  readonly quotas?: boolean;
  /** Allocations of running work, for preemption. */
  readonly running?: boolean;
};

/** Prices for models no cloud in the catalog lists (MI300X, Jetson): synthetic, USD/GPU-hour. */
const FALLBACK_PRICE: Record<string, number> = { MI300X: 4.0, "Jetson-AGX-Orin": 0.25 };
const ON_PREM_MODELS = ["H100", "H200", "A100-80GB", "A100", "L40S", "V100", "MI300X"];
const EDGE_MODELS = ["L4", "T4", "Jetson-AGX-Orin", "A10G"];
const ON_PREM_HOMES = [
  "us-east-1",
  "us-west-2",
  "us-central1",
  "eu-central-1",
  "eu-west-3",
  "europe-west4",
  "ap-northeast-1",
  "asia-southeast1",
];
const GPUS_PER_NODE: Record<string, readonly number[]> = {
  L40S: [4, 8],
  L4: [1, 4, 8],
  T4: [1, 4],
  A10G: [1, 4, 8],
  GH200: [1],
  "Jetson-AGX-Orin": [1],
};
const DATASET_TOPICS = [
  "claims",
  "imaging",
  "transactions",
  "telemetry",
  "support-chats",
  "genomics",
  "clickstream",
  "contracts",
  "speech",
  "code",
];
const TEAMS = Array.from({ length: 12 }, (_, i) => `team-${String(i).padStart(2, "0")}`);

/**
 * A realistic estate from a seed: cloud sites in the catalog's real regions at their real
 * prices (re-used regions get a ±7% jitter, as another account or zone), on-prem sites at
 * 40–65% of the median cloud price (amortised), small edge sites; nodes spread with
 * partial use, a few cordoned, draining or down; datasets with residency rules and
 * replicas; team quotas.
 */
export function buildEstate(data: TGpuData, spec: TEstateSpec): TSnapshotInput {
  const rng = new Prng(spec.seed);
  const regions = rng.shuffle(data.regions);
  const sites: TSiteInput[] = [];
  for (let i = 0; i < spec.sites; i++) {
    const roll = rng.next();
    const kind =
      spec.sites >= 10 && i < 3
        ? (["CLOUD", "ON_PREM", "EDGE"] as const)[i]
        : roll < 0.6
          ? "CLOUD"
          : roll < 0.85
            ? "ON_PREM"
            : "EDGE";
    sites.push(buildSite(rng, data, kind ?? "CLOUD", i, regions));
  }

  const weights = sites.map(
    (s) => (s.kind === "EDGE" ? 0.25 : s.kind === "ON_PREM" ? 1.5 : 1) * rng.between(0.5, 1.5),
  );
  const counts = apportion(weights, spec.nodes);
  const nodes: TNodeInput[] = [];
  sites.forEach((site, s) => {
    const models = Object.keys(site.pricesUsdPerGpuHour);
    const count = counts[s] ?? 1;
    const perModel = new Map<string, number>();
    for (let n = 0; n < count; n++) {
      const model = rng.pick(models);
      const nth = perModel.get(model) ?? 0;
      perModel.set(model, nth + 1);
      nodes.push(buildNode(rng, data, site, model, n, nth, spec));
    }
  });

  const datasets = buildDatasets(rng, sites, Math.max(10, Math.round(spec.sites * 0.6)));
  const quotas = spec.quotas === false ? [] : buildQuotas(rng, nodes);
  const allocations = spec.running ? buildAllocations(rng, nodes) : [];
  return { sites, nodes, datasets, quotas, allocations };
}

function buildSite(
  rng: Prng,
  data: TGpuData,
  kind: "CLOUD" | "ON_PREM" | "EDGE",
  i: number,
  regions: TGpuData["regions"],
): TSiteInput {
  const id = `site-${String(i).padStart(3, "0")}`;
  let provider: string;
  let region: string;
  let prices: Record<string, number> = {};
  let egress: number;
  let wan: number;
  if (kind === "CLOUD") {
    const cloud = regions[i % regions.length] ?? regions[0];
    if (cloud === undefined) throw new Error("no cloud regions");
    const reuse = i >= regions.length;
    provider = cloud.provider;
    region = cloud.region;
    for (const [model, price] of Object.entries(cloud.prices)) {
      prices[model] = round4(price * (reuse ? rng.between(0.93, 1.07) : 1));
    }
    egress = provider === "aws" ? 0.09 : provider === "gcp" ? 0.12 : 0.05;
    wan = rng.pick([25, 50, 100]);
  } else if (kind === "ON_PREM") {
    provider = "onprem";
    region = rng.pick(ON_PREM_HOMES);
    for (const model of rng.shuffle(ON_PREM_MODELS).slice(0, rng.int(2, 4))) {
      prices[model] = round4(
        (data.medianPrice[model] ?? FALLBACK_PRICE[model] ?? 3) * rng.between(0.4, 0.65),
      );
    }
    egress = 0.02;
    wan = rng.pick([10, 20, 40]);
  } else {
    provider = "edge";
    region = rng.pick(CLOUD_REGION_NAMES);
    for (const model of rng.shuffle(EDGE_MODELS).slice(0, rng.int(1, 2))) {
      prices[model] = round4((data.medianPrice[model] ?? FALLBACK_PRICE[model] ?? 1) * rng.between(0.9, 1.3));
    }
    egress = 0.05;
    wan = rng.pick([1, 2, 5, 10]);
  }
  if (Object.keys(prices).length === 0) prices = { T4: 0.5 };
  const place = locate(region);
  const certifications = ["SOC2"];
  if (kind !== "EDGE") certifications.push("ISO27001");
  if (place.jurisdiction === "EU") certifications.push("GDPR");
  if (place.country === "US" && kind !== "EDGE" && rng.chance(0.7)) certifications.push("HIPAA");
  if (place.country === "US" && rng.chance(0.25)) certifications.push("FedRAMP");
  const edgeBonus = kind === "EDGE" ? -2 : 0;
  const latencyMsByRegion = Object.fromEntries(
    Object.entries(USER_REGIONS).map(([name, at]) => [
      name,
      Math.max(1, latencyMs(place.lat, place.lon, at) + rng.int(0, 4) + edgeBonus),
    ]),
  );
  const statusRoll = rng.next();
  return {
    id,
    name: `${provider}-${region}-${i}`,
    kind,
    provider,
    region,
    country: place.country,
    jurisdiction: place.jurisdiction,
    certifications,
    status: statusRoll < 0.95 ? "ACTIVE" : statusRoll < 0.98 ? "MAINTENANCE" : "DECOMMISSIONED",
    egressUsdPerGb: egress,
    wanGbps: wan,
    carbonGPerKwh: Math.round(place.carbon * rng.between(0.9, 1.1)),
    pricesUsdPerGpuHour: prices,
    latencyMsByRegion,
  };
}

/** Nodes of a model share a fabric in blocks of 32, like racks on one InfiniBand island. */
function buildNode(
  rng: Prng,
  data: TGpuData,
  site: TSiteInput,
  model: string,
  n: number,
  nthOfModel: number,
  spec: TEstateSpec,
): TNodeInput {
  const gpuTotal = rng.pick(GPUS_PER_NODE[model] ?? [8]);
  const roll = rng.next();
  const idle = spec.idleShare ?? 0.35;
  const busy = spec.busyShare ?? 0.25;
  const gpuFree = roll < idle ? gpuTotal : roll < idle + busy ? 0 : rng.int(0, gpuTotal);
  const statusRoll = rng.next();
  const island = "abcdefghijklmnop"[Math.min(15, Math.floor(nthOfModel / 32))];
  const fabric = gpuTotal === 8 ? `${site.id}-ib-${model.toLowerCase()}-${island}` : `${site.id}-eth`;
  return {
    id: `${site.id}-n${String(n).padStart(4, "0")}`,
    siteId: site.id,
    gpuModel: model,
    gpuMemoryGib: data.memoryGib[model] ?? 80,
    gpuTotal,
    gpuFree,
    fabric,
    status:
      statusRoll < 0.94 ? "READY" : statusRoll < 0.96 ? "CORDONED" : statusRoll < 0.98 ? "DRAINING" : "DOWN",
  };
}

function buildDatasets(rng: Prng, sites: readonly TSiteInput[], count: number): TDatasetInput[] {
  const out: TDatasetInput[] = [];
  for (let i = 0; i < count; i++) {
    const classification = rng.weighted([
      ["PUBLIC", 0.3],
      ["INTERNAL", 0.4],
      ["CONFIDENTIAL", 0.2],
      ["REGULATED", 0.1],
    ] as const);
    const rule = rng.weighted([
      ["none", 0.6],
      ["eu", 0.25],
      ["us", 0.1],
      ["onprem", 0.05],
    ] as const);
    const residency =
      rule === "eu"
        ? { allowedJurisdictions: ["EU"], onPremOnly: false }
        : rule === "us"
          ? { allowedCountries: ["US"], onPremOnly: false }
          : { onPremOnly: rule === "onprem" };
    const allowed = sites.filter(
      (s) =>
        s.status !== "DECOMMISSIONED" &&
        (rule !== "eu" || s.jurisdiction === "EU") &&
        (rule !== "us" || s.country === "US") &&
        (rule !== "onprem" || s.kind === "ON_PREM"),
    );
    const hosts = rng.shuffle(allowed.length > 0 ? allowed : sites).slice(0, rng.int(1, 2));
    out.push({
      id: `ds-${String(i).padStart(3, "0")}`,
      name: `${rng.pick(DATASET_TOPICS)}-${2020 + (i % 6)}-${i}`,
      sizeBytes: Math.round(rng.logBetween(1e9, 2e13)),
      classification,
      // Regulations match where the data may live: GDPR data in the EU, HIPAA data in the US.
      regulations:
        classification !== "REGULATED"
          ? []
          : rule === "eu"
            ? ["GDPR"]
            : rule === "us" || rule === "onprem"
              ? ["HIPAA"]
              : [rng.pick(["HIPAA", "SOC2"])],
      residency,
      replicaSiteIds: hosts.map((s) => s.id),
    });
  }
  return out;
}

function buildQuotas(rng: Prng, nodes: readonly TNodeInput[]): NonNullable<TSnapshotInput["quotas"]> {
  const total = nodes.reduce((sum, n) => sum + n.gpuTotal, 0);
  return TEAMS.flatMap((teamId, i) => {
    const limit = Math.round(total * rng.between(0.1, 0.3));
    const quotas = [
      { teamId, gpuModel: "*", limitGpus: limit, usedGpus: Math.round(limit * rng.between(0, 0.4)) },
    ];
    if (i % 4 === 0) {
      const h100 = Math.round(limit * 0.3);
      quotas.push({
        teamId,
        gpuModel: "H100",
        limitGpus: h100,
        usedGpus: Math.round(h100 * rng.between(0, 0.5)),
      });
    }
    return quotas;
  });
}

function buildAllocations(
  rng: Prng,
  nodes: readonly TNodeInput[],
): NonNullable<TSnapshotInput["allocations"]> {
  const out: NonNullable<TSnapshotInput["allocations"]> = [];
  nodes.forEach((node, i) => {
    const used = node.gpuTotal - node.gpuFree;
    if (used === 0) return;
    out.push({
      workloadId: `run-${i}`,
      nodeId: node.id,
      gpus: used,
      priority: rng.int(0, 2),
      preemptible: rng.chance(0.5),
      teamId: rng.pick(TEAMS),
    });
  });
  return out;
}

export type TWorkloadSpec = {
  readonly seed: number;
  readonly count: number;
  /** One priority, no budgets: for the optimality comparison. */
  readonly plain?: boolean;
};

/** A realistic mix: training gangs, fine-tuning, batch and online inference. */
export function buildWorkloads(
  data: TGpuData,
  estate: TSnapshotInput,
  spec: TWorkloadSpec,
): TWorkloadRequestInput[] {
  const rng = new Prng(spec.seed);
  const datasets = estate.datasets ?? [];
  const out: TWorkloadRequestInput[] = [];
  for (let i = 0; i < spec.count; i++) {
    const kind = rng.weighted([
      ["TRAINING", 0.12],
      ["FINE_TUNING", 0.25],
      ["BATCH_INFERENCE", 0.35],
      ["ONLINE_INFERENCE", 0.28],
    ] as const);
    const request: TWorkloadRequestInput = {
      id: `wl-${String(i).padStart(5, "0")}`,
      kind,
      teamId: rng.pick(TEAMS),
      gpu: { count: 1 },
      estimatedHours: 1,
    };
    const pickData = (n: number) =>
      rng
        .shuffle(datasets)
        .slice(0, n)
        .map((d) => d.id);
    if (kind === "TRAINING") {
      request.gpu = { nodes: rng.pick([2, 2, 4, 4, 8]), gpusPerNode: 8 };
      request.gpuModels = rng.pick([
        ["H100"],
        ["H100", "H200"],
        ["A100-80GB", "H100"],
        ["B200", "H200"],
        ["MI300X", "H100"],
      ]);
      request.estimatedHours = round2(rng.logBetween(12, 168));
      request.datasetIds = pickData(rng.int(1, 2));
      request.priority = rng.weighted([
        [0, 0.3],
        [1, 0.4],
        [2, 0.3],
      ] as const);
      request.allowedKinds = ["CLOUD", "ON_PREM"];
    } else if (kind === "FINE_TUNING") {
      request.gpu = { count: rng.pick([1, 2, 4, 8]) };
      const models = rng.pick([["A100-80GB", "H100"], ["L40S", "A100-80GB"], []]);
      request.gpuModels = models;
      if (models.length === 0) request.minGpuMemoryGib = 40;
      request.estimatedHours = round2(rng.logBetween(2, 24));
      request.datasetIds = pickData(1);
      request.priority = rng.pick([0, 1]);
    } else if (kind === "BATCH_INFERENCE") {
      request.gpu = { count: rng.pick([1, 1, 2, 4]) };
      request.gpuModels = rng.pick([["L4", "A10G"], ["L40S"], ["T4", "L4"], ["A100"]]);
      request.estimatedHours = round2(rng.logBetween(1, 12));
      request.datasetIds = pickData(rng.int(0, 1));
      request.priority = 0;
      request.preemptible = true;
    } else {
      request.gpu = { count: rng.pick([1, 1, 2]) };
      request.gpuModels = rng.pick([
        ["L4", "A10G", "L40S"],
        ["H100", "A100-80GB"],
        ["L4", "T4", "Jetson-AGX-Orin"],
      ]);
      request.latency = {
        userRegion: rng.pick(Object.keys(USER_REGIONS)),
        maxMs: rng.pick([25, 40, 60, 80]),
      };
      request.estimatedHours = rng.pick([24, 168, 720]);
      request.priority = rng.pick([2, 3]);
    }
    if (rng.chance(0.08))
      request.requiredCertifications = [
        rng.weighted([
          ["SOC2", 0.7],
          ["HIPAA", 0.2],
          ["FedRAMP", 0.1],
        ] as const),
      ];
    if (!spec.plain && rng.chance(0.15)) {
      const gpus = "count" in request.gpu ? request.gpu.count : request.gpu.nodes * request.gpu.gpusPerNode;
      const model = request.gpuModels?.[0] ?? "A100";
      request.budgetUsd = round2(2 * (data.medianPrice[model] ?? 3) * gpus * request.estimatedHours);
    }
    if (spec.plain) request.priority = 0;
    out.push(request);
  }
  return out;
}

/** Splits `total` into integer parts proportional to `weights`, each at least 1. */
function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * Math.max(total - weights.length, 0));
  const counts = exact.map((x) => 1 + Math.floor(x));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  return counts;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
