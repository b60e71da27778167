import { GPU_MODELS, type TGpuModel } from "../catalog/gpu-models.ts";
import { CLOUD_REGIONS, carbonIntensityOf, jurisdictionOf } from "../catalog/regions.ts";
import type { Db } from "../client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { estimateLatencyMs, USER_REGIONS } from "./estate.ts";

/**
 * Grows a seeded estate to a size for load tests and benchmarks: synthetic sites spread over
 * real cloud-region locations, nodes, and datasets with replicas. Deterministic for a seed.
 */
export type TScale = { sites: number; nodes: number; datasets: number; seed?: number };

export const SCALES: Record<string, TScale> = {
  small: { sites: 50, nodes: 1_000, datasets: 200 },
  medium: { sites: 100, nodes: 5_000, datasets: 1_000 },
  large: { sites: 500, nodes: 50_000, datasets: 5_000 },
};

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LOCATIONS = Object.entries(CLOUD_REGIONS).flatMap(([provider, regions]) =>
  Object.entries(regions).map(([region, info]) => ({ provider, region, ...info })),
);
const DC_MODELS: TGpuModel[] = ["H100", "H200", "A100-80GB", "L40S", "B200"];
const EDGE_MODELS: TGpuModel[] = ["L4", "T4", "Jetson-AGX-Orin"];
const CHUNK = 2_000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Adds sites, nodes and datasets until the estate has at least the given totals. */
export async function growEstate(
  db: Db,
  scale: TScale,
): Promise<{ sites: number; nodes: number; datasets: number; ms: number }> {
  const started = performance.now();
  const random = mulberry32(scale.seed ?? 42);
  const pickOf = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const { prisma } = db;
  const [siteCount, nodeCount, datasetCount, teams] = await Promise.all([
    prisma.site.count(),
    prisma.gpuNode.count(),
    prisma.dataset.count(),
    prisma.team.findMany({ select: { id: true } }),
  ]);
  if (teams.length === 0) throw new Error("growEstate needs the demo seed first (no teams)");

  const sites: Prisma.SiteCreateManyInput[] = [];
  const prices: Prisma.SitePriceCreateManyInput[] = [];
  const latencies: Prisma.SiteLatencyCreateManyInput[] = [];
  for (let i = siteCount; i < scale.sites; i++) {
    const place = pickOf(LOCATIONS);
    const kind = i % 10 < 2 ? "ON_PREM" : i % 10 < 8 ? "CLOUD" : "EDGE";
    const id = `site-scale-${i}`;
    const latitude = place.latitude + (random() - 0.5) * 2;
    const longitude = place.longitude + (random() - 0.5) * 2;
    sites.push({
      id,
      slug: `scale-${kind.toLowerCase().replace("_", "")}-${i}`,
      name: `${place.city} ${kind === "ON_PREM" ? "DC" : kind === "EDGE" ? "edge" : place.provider.toUpperCase()} #${i}`,
      kind,
      provider: kind === "CLOUD" ? place.provider : kind === "EDGE" ? "edge" : "onprem",
      region: place.region,
      country: place.country,
      jurisdiction: jurisdictionOf(place.country),
      certifications: random() < 0.5 ? ["ISO27001", "SOC2"] : ["ISO27001"],
      wanGbps: kind === "EDGE" ? 5 : 50,
      egressUsdPerGb: kind === "CLOUD" ? 0.09 : 0.02,
      carbonGPerKwh: carbonIntensityOf(place.country),
      latitude,
      longitude,
    });
    for (const model of kind === "EDGE" ? EDGE_MODELS : DC_MODELS) {
      prices.push({
        id: `price-scale-${i}-${model}`,
        siteId: id,
        gpuModel: model,
        usdPerGpuHour: (0.2 + random() * 4).toFixed(4),
        source: "synthetic (scale seed)",
      });
    }
    for (const region of USER_REGIONS) {
      latencies.push({
        id: `lat-scale-${i}-${region.name}`,
        siteId: id,
        userRegion: region.name,
        latencyMs: estimateLatencyMs({ latitude, longitude }, region),
      });
    }
  }
  await insertChunked(sites, (data) => prisma.site.createMany({ data }));
  await insertChunked(prices, (data) => prisma.sitePrice.createMany({ data }));
  await insertChunked(latencies, (data) => prisma.siteLatency.createMany({ data }));
  // The demo seed made these; a grown estate names the same regions, so they stay on the map.
  await prisma.userRegion.createMany({
    data: USER_REGIONS.map((r) => ({ id: `user-region-${r.name}`, ...r })),
    skipDuplicates: true,
  });

  const allSites = await prisma.site.findMany({ select: { id: true, kind: true }, orderBy: { id: "asc" } });
  const nodes: Prisma.GpuNodeCreateManyInput[] = [];
  for (let i = nodeCount; i < scale.nodes; i++) {
    const site = pickOf(allSites);
    const model = pickOf(site.kind === "EDGE" ? EDGE_MODELS : DC_MODELS);
    const hostname = `scale-node-${String(i).padStart(6, "0")}`;
    const gpuCount = site.kind === "EDGE" ? 1 + Math.floor(random() * 2) : 8;
    const roll = random();
    nodes.push({
      id: `node-${hostname}`,
      siteId: site.id,
      hostname,
      gpuModel: model,
      gpuCount,
      gpuMemoryGib: GPU_MODELS[model].memoryGib,
      fabric: `${site.id}-${model.toLowerCase()}-fabric-${Math.floor(random() * 4)}`,
      interconnect: GPU_MODELS[model].interconnect,
      status: roll < 0.9 ? "READY" : roll < 0.95 ? "CORDONED" : roll < 0.97 ? "DRAINING" : "DOWN",
      labels: { pool: model, synthetic: true },
    });
  }
  await insertChunked(nodes, (data) => prisma.gpuNode.createMany({ data }));

  const datasets: Prisma.DatasetCreateManyInput[] = [];
  const replicas: Prisma.DatasetReplicaCreateManyInput[] = [];
  const classifications = ["PUBLIC", "INTERNAL", "CONFIDENTIAL", "REGULATED"] as const;
  for (let i = datasetCount; i < scale.datasets; i++) {
    const id = `dataset-scale-${i}`;
    const classification = pickOf(classifications);
    const sizeBytes = BigInt(Math.floor(1 + random() * 50_000)) * 1024n ** 3n;
    datasets.push({
      id,
      slug: `scale-dataset-${i}`,
      name: `Synthetic dataset ${i}`,
      sizeBytes,
      classification,
      regulations: classification === "REGULATED" ? [pickOf(["GDPR", "HIPAA", "PCI-DSS"])] : [],
      residencyCountries: [],
      residencyJurisdictions: [],
      onPremOnly: false,
      ownerTeamId: pickOf(teams).id,
    });
    const holders = new Set([pickOf(allSites).id, pickOf(allSites).id]);
    for (const siteId of holders)
      replicas.push({ id: `replica-scale-${i}-${siteId}`, datasetId: id, siteId, sizeBytes });
  }
  await insertChunked(datasets, (data) => prisma.dataset.createMany({ data }));
  await insertChunked(replicas, (data) => prisma.datasetReplica.createMany({ data }));
  return {
    sites: sites.length,
    nodes: nodes.length,
    datasets: datasets.length,
    ms: Math.round(performance.now() - started),
  };
}
