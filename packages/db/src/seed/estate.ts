import type { TGpuModel } from "../catalog/gpu-models.ts";

/**
 * The demo estate: real places, real cloud regions (prices come from the catalog), and
 * plausible amortised on-prem costs. Coordinates feed latency and, later, the map.
 */

export type TSiteSpec = {
  slug: string;
  name: string;
  kind: "ON_PREM" | "CLOUD" | "EDGE";
  provider: string;
  region: string;
  country: string;
  jurisdiction: string;
  certifications: string[];
  wanGbps: number;
  egressUsdPerGb: number;
  carbonGPerKwh: number;
  latitude: number;
  longitude: number;
  /** Node pools; cloud pools take their price from the catalog, others give one. */
  pools: {
    gpuModel: TGpuModel;
    nodes: number;
    gpusPerNode: number;
    usdPerGpuHour?: number;
    fabrics?: number;
  }[];
};

const ONPREM_CERTS = ["ISO27001", "SOC2"];

export const ON_PREM_SITES: TSiteSpec[] = [
  {
    slug: "dc-ashburn",
    name: "Ashburn DC (on-prem)",
    kind: "ON_PREM",
    provider: "onprem",
    region: "us-east",
    country: "US",
    jurisdiction: "US",
    certifications: [...ONPREM_CERTS, "HIPAA", "FedRAMP"],
    wanGbps: 100,
    egressUsdPerGb: 0.01,
    carbonGPerKwh: 370,
    latitude: 39.04,
    longitude: -77.49,
    pools: [
      { gpuModel: "H100", nodes: 48, gpusPerNode: 8, usdPerGpuHour: 1.85, fabrics: 3 },
      { gpuModel: "A100-80GB", nodes: 24, gpusPerNode: 8, usdPerGpuHour: 1.1, fabrics: 2 },
      { gpuModel: "L40S", nodes: 16, gpusPerNode: 4, usdPerGpuHour: 0.72 },
    ],
  },
  {
    slug: "dc-frankfurt",
    name: "Frankfurt DC (on-prem)",
    kind: "ON_PREM",
    provider: "onprem",
    region: "eu-central",
    country: "DE",
    jurisdiction: "EU",
    certifications: [...ONPREM_CERTS, "GDPR", "C5"],
    wanGbps: 100,
    egressUsdPerGb: 0.01,
    carbonGPerKwh: 380,
    latitude: 50.11,
    longitude: 8.68,
    pools: [
      { gpuModel: "H100", nodes: 32, gpusPerNode: 8, usdPerGpuHour: 2.05, fabrics: 2 },
      { gpuModel: "A100-80GB", nodes: 16, gpusPerNode: 8, usdPerGpuHour: 1.25 },
    ],
  },
  {
    slug: "dc-singapore",
    name: "Singapore DC (on-prem)",
    kind: "ON_PREM",
    provider: "onprem",
    region: "ap-southeast",
    country: "SG",
    jurisdiction: "SG",
    certifications: [...ONPREM_CERTS, "MTCS", "PCI-DSS", "MAS-TRM"],
    wanGbps: 40,
    egressUsdPerGb: 0.02,
    carbonGPerKwh: 470,
    latitude: 1.35,
    longitude: 103.82,
    pools: [
      { gpuModel: "H100", nodes: 16, gpusPerNode: 8, usdPerGpuHour: 2.2 },
      { gpuModel: "L40S", nodes: 12, gpusPerNode: 4, usdPerGpuHour: 0.8 },
    ],
  },
  {
    slug: "dc-stockholm",
    name: "Stockholm DC (on-prem)",
    kind: "ON_PREM",
    provider: "onprem",
    region: "eu-north",
    country: "SE",
    jurisdiction: "EU",
    certifications: [...ONPREM_CERTS, "GDPR"],
    wanGbps: 40,
    egressUsdPerGb: 0.01,
    carbonGPerKwh: 40,
    latitude: 59.33,
    longitude: 18.07,
    pools: [{ gpuModel: "A100-80GB", nodes: 12, gpusPerNode: 8, usdPerGpuHour: 1.05 }],
  },
];

type TCloudRegion = Omit<TSiteSpec, "pools" | "kind" | "slug" | "name" | "wanGbps" | "egressUsdPerGb"> & {
  name: string;
  /** Nodes per catalog GPU model that this estate has reserved or may burst to. */
  nodesPerModel: number;
  models: TGpuModel[];
};

const CLOUD_EGRESS: Record<string, number> = { aws: 0.09, gcp: 0.12, lambda: 0 };
const CLOUD_CERTS = ["ISO27001", "SOC2", "HIPAA"];

const CLOUD_REGIONS: TCloudRegion[] = [
  {
    provider: "aws",
    region: "us-east-1",
    name: "AWS N. Virginia",
    country: "US",
    jurisdiction: "US",
    certifications: [...CLOUD_CERTS, "FedRAMP"],
    carbonGPerKwh: 380,
    latitude: 38.9,
    longitude: -77.4,
    nodesPerModel: 8,
    models: ["H100", "A100", "A100-80GB", "L40S", "L4", "A10G", "T4"],
  },
  {
    provider: "aws",
    region: "us-west-2",
    name: "AWS Oregon",
    country: "US",
    jurisdiction: "US",
    certifications: [...CLOUD_CERTS, "FedRAMP"],
    carbonGPerKwh: 120,
    latitude: 45.8,
    longitude: -119.7,
    nodesPerModel: 8,
    models: ["H100", "H200", "A100", "L40S", "L4", "A10G", "T4"],
  },
  {
    provider: "aws",
    region: "eu-central-1",
    name: "AWS Frankfurt",
    country: "DE",
    jurisdiction: "EU",
    certifications: [...CLOUD_CERTS, "GDPR", "C5"],
    carbonGPerKwh: 380,
    latitude: 50.1,
    longitude: 8.7,
    nodesPerModel: 6,
    models: ["H100", "A100", "L40S", "L4", "A10G", "T4"],
  },
  {
    provider: "aws",
    region: "eu-west-1",
    name: "AWS Ireland",
    country: "IE",
    jurisdiction: "EU",
    certifications: [...CLOUD_CERTS, "GDPR"],
    carbonGPerKwh: 290,
    latitude: 53.3,
    longitude: -6.3,
    nodesPerModel: 6,
    models: ["H100", "L40S", "L4", "A10G", "T4"],
  },
  {
    provider: "aws",
    region: "ap-southeast-1",
    name: "AWS Singapore",
    country: "SG",
    jurisdiction: "SG",
    certifications: [...CLOUD_CERTS, "MTCS"],
    carbonGPerKwh: 470,
    latitude: 1.3,
    longitude: 103.8,
    nodesPerModel: 4,
    models: ["H100", "L4", "A10G", "T4"],
  },
  {
    provider: "gcp",
    region: "us-central1",
    name: "GCP Iowa",
    country: "US",
    jurisdiction: "US",
    certifications: [...CLOUD_CERTS, "FedRAMP"],
    carbonGPerKwh: 430,
    latitude: 41.3,
    longitude: -95.9,
    nodesPerModel: 6,
    models: ["H100", "A100", "A100-80GB", "L4", "T4", "V100"],
  },
  {
    provider: "gcp",
    region: "europe-west4",
    name: "GCP Netherlands",
    country: "NL",
    jurisdiction: "EU",
    certifications: [...CLOUD_CERTS, "GDPR"],
    carbonGPerKwh: 330,
    latitude: 53.4,
    longitude: 6.8,
    nodesPerModel: 6,
    models: ["H100", "A100", "A100-80GB", "L4", "T4"],
  },
  {
    provider: "gcp",
    region: "asia-northeast1",
    name: "GCP Tokyo",
    country: "JP",
    jurisdiction: "JP",
    certifications: [...CLOUD_CERTS],
    carbonGPerKwh: 460,
    latitude: 35.7,
    longitude: 139.7,
    nodesPerModel: 4,
    models: ["A100", "L4", "T4"],
  },
  {
    provider: "lambda",
    region: "us-east-1",
    name: "Lambda Virginia",
    country: "US",
    jurisdiction: "US",
    certifications: ["SOC2"],
    carbonGPerKwh: 380,
    latitude: 38.9,
    longitude: -77.4,
    nodesPerModel: 6,
    models: ["H100", "A100", "A100-80GB", "GH200", "B200"],
  },
  {
    provider: "lambda",
    region: "europe-central-1",
    name: "Lambda Germany",
    country: "DE",
    jurisdiction: "EU",
    certifications: ["SOC2", "GDPR"],
    carbonGPerKwh: 380,
    latitude: 50.1,
    longitude: 8.7,
    nodesPerModel: 4,
    models: ["H100", "A100", "GH200"],
  },
];

export const CLOUD_SITES: TSiteSpec[] = CLOUD_REGIONS.map((region) => ({
  slug: `${region.provider}-${region.region}`,
  name: `${region.name} (${region.region})`,
  kind: "CLOUD",
  provider: region.provider,
  region: region.region,
  country: region.country,
  jurisdiction: region.jurisdiction,
  certifications: region.certifications,
  wanGbps: region.provider === "lambda" ? 25 : 50,
  egressUsdPerGb: CLOUD_EGRESS[region.provider] ?? 0.09,
  carbonGPerKwh: region.carbonGPerKwh,
  latitude: region.latitude,
  longitude: region.longitude,
  pools: region.models.map((gpuModel) => ({ gpuModel, nodes: region.nodesPerModel, gpusPerNode: 0 })),
}));

export const EDGE_SITES: TSiteSpec[] = [
  {
    slug: "edge-chicago-retail",
    name: "Chicago retail edge",
    kind: "EDGE",
    provider: "edge",
    region: "us-central",
    country: "US",
    jurisdiction: "US",
    certifications: ["SOC2"],
    wanGbps: 10,
    egressUsdPerGb: 0.05,
    carbonGPerKwh: 400,
    latitude: 41.88,
    longitude: -87.63,
    pools: [
      { gpuModel: "L4", nodes: 20, gpusPerNode: 2, usdPerGpuHour: 0.45 },
      { gpuModel: "T4", nodes: 12, gpusPerNode: 1, usdPerGpuHour: 0.22 },
    ],
  },
  {
    slug: "edge-munich-factory",
    name: "Munich factory edge",
    kind: "EDGE",
    provider: "edge",
    region: "eu-central",
    country: "DE",
    jurisdiction: "EU",
    certifications: ["ISO27001", "GDPR"],
    wanGbps: 5,
    egressUsdPerGb: 0.05,
    carbonGPerKwh: 380,
    latitude: 48.14,
    longitude: 11.58,
    pools: [
      { gpuModel: "Jetson-AGX-Orin", nodes: 24, gpusPerNode: 1, usdPerGpuHour: 0.08 },
      { gpuModel: "L4", nodes: 8, gpusPerNode: 1, usdPerGpuHour: 0.5 },
    ],
  },
  {
    slug: "edge-tokyo-stores",
    name: "Tokyo stores edge",
    kind: "EDGE",
    provider: "edge",
    region: "ap-northeast",
    country: "JP",
    jurisdiction: "JP",
    certifications: ["ISO27001"],
    wanGbps: 5,
    egressUsdPerGb: 0.06,
    carbonGPerKwh: 460,
    latitude: 35.68,
    longitude: 139.76,
    pools: [
      { gpuModel: "T4", nodes: 16, gpusPerNode: 1, usdPerGpuHour: 0.25 },
      { gpuModel: "Jetson-AGX-Orin", nodes: 16, gpusPerNode: 1, usdPerGpuHour: 0.09 },
    ],
  },
  {
    slug: "edge-sao-paulo",
    name: "São Paulo edge",
    kind: "EDGE",
    provider: "edge",
    region: "sa-east",
    country: "BR",
    jurisdiction: "BR",
    certifications: ["ISO27001"],
    wanGbps: 2,
    egressUsdPerGb: 0.08,
    carbonGPerKwh: 100,
    latitude: -23.55,
    longitude: -46.63,
    pools: [{ gpuModel: "L4", nodes: 10, gpusPerNode: 1, usdPerGpuHour: 0.55 }],
  },
];

/**
 * Where users sit, for latency SLOs and the services' coverage map (the UserRegion rows; the
 * migration that made the table inserts the same eight).
 */
export const USER_REGIONS: { name: string; label: string; latitude: number; longitude: number }[] = [
  { name: "us-east", label: "US East (New York)", latitude: 40.71, longitude: -74.0 },
  { name: "us-west", label: "US West (San Francisco)", latitude: 37.77, longitude: -122.42 },
  { name: "eu-west", label: "Europe West (London)", latitude: 51.51, longitude: -0.13 },
  { name: "eu-central", label: "Europe Central (Frankfurt)", latitude: 50.11, longitude: 8.68 },
  { name: "eu-north", label: "Europe North (Stockholm)", latitude: 59.33, longitude: 18.07 },
  { name: "ap-southeast", label: "Asia Pacific Southeast (Singapore)", latitude: 1.35, longitude: 103.82 },
  { name: "ap-northeast", label: "Asia Pacific Northeast (Tokyo)", latitude: 35.68, longitude: 139.76 },
  { name: "sa-east", label: "South America East (São Paulo)", latitude: -23.55, longitude: -46.63 },
];

/**
 * Round trip over fibre: light covers ~200 km per ms in glass and routes run ~1.5x the
 * great-circle distance, plus a few ms of last-mile and switching.
 */
export function estimateLatencyMs(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  const km = 2 * 6371 * Math.asin(Math.sqrt(h));
  return Math.round(2 + (2 * km * 1.5) / 200);
}
