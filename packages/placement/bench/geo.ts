/** Approximate location of each cloud region in the price data: country and coordinates. */
const REGIONS: Record<string, readonly [string, number, number]> = {
  "af-south-1": ["ZA", -33.9, 18.4],
  "ap-east-1": ["HK", 22.3, 114.2],
  "ap-northeast-1": ["JP", 35.7, 139.7],
  "ap-northeast-2": ["KR", 37.6, 127.0],
  "ap-northeast-3": ["JP", 34.7, 135.5],
  "ap-south-1": ["IN", 19.1, 72.9],
  "ap-southeast-1": ["SG", 1.3, 103.8],
  "ap-southeast-2": ["AU", -33.9, 151.2],
  "ap-southeast-3": ["ID", -6.2, 106.8],
  "asia-east1": ["TW", 24.1, 120.7],
  "asia-east2": ["HK", 22.3, 114.2],
  "asia-northeast-1": ["JP", 35.7, 139.7],
  "asia-northeast-2": ["KR", 37.6, 127.0],
  "asia-northeast1": ["JP", 35.7, 139.7],
  "asia-northeast3": ["KR", 37.6, 127.0],
  "asia-south-1": ["IN", 19.1, 72.9],
  "asia-south1": ["IN", 19.1, 72.9],
  "asia-south2": ["IN", 28.6, 77.2],
  "asia-southeast1": ["SG", 1.3, 103.8],
  "asia-southeast2": ["ID", -6.2, 106.8],
  "australia-east-1": ["AU", -33.9, 151.2],
  "australia-southeast1": ["AU", -33.9, 151.2],
  "ca-central-1": ["CA", 45.5, -73.6],
  "eu-central-1": ["DE", 50.1, 8.7],
  "eu-north-1": ["SE", 59.3, 18.1],
  "eu-south-1": ["IT", 45.5, 9.2],
  "eu-south-2": ["ES", 41.6, -0.9],
  "eu-west-1": ["IE", 53.3, -6.3],
  "eu-west-2": ["GB", 51.5, -0.1],
  "eu-west-3": ["FR", 48.9, 2.4],
  "europe-central-1": ["DE", 50.1, 8.7],
  "europe-central2": ["PL", 52.2, 21.0],
  "europe-north1": ["FI", 60.6, 27.0],
  "europe-south-1": ["IT", 45.5, 9.2],
  "europe-west1": ["BE", 50.4, 3.8],
  "europe-west2": ["GB", 51.5, -0.1],
  "europe-west3": ["DE", 50.1, 8.7],
  "europe-west4": ["NL", 53.4, 6.8],
  "europe-west6": ["CH", 47.4, 8.5],
  "europe-west9": ["FR", 48.9, 2.4],
  "me-central-1": ["AE", 25.2, 55.3],
  "me-central2": ["SA", 26.4, 50.1],
  "me-south-1": ["BH", 26.1, 50.6],
  "me-west-1": ["IL", 32.1, 34.8],
  "me-west1": ["IL", 32.1, 34.8],
  "northamerica-northeast1": ["CA", 45.5, -73.6],
  "northamerica-northeast2": ["CA", 43.7, -79.4],
  "southamerica-east1": ["BR", -23.5, -46.6],
  "us-central1": ["US", 41.3, -95.9],
  "us-east-1": ["US", 38.9, -77.4],
  "us-east-2": ["US", 40.0, -83.0],
  "us-east-3": ["US", 33.7, -84.4],
  "us-east1": ["US", 33.2, -80.0],
  "us-east4": ["US", 38.9, -77.4],
  "us-east5": ["US", 40.0, -83.0],
  "us-midwest-1": ["US", 41.9, -87.6],
  "us-south-1": ["US", 32.8, -96.8],
  "us-south-2": ["US", 29.8, -95.4],
  "us-south-3": ["US", 30.3, -97.7],
  "us-south1": ["US", 32.8, -96.8],
  "us-west-1": ["US", 37.4, -122.0],
  "us-west-2": ["US", 45.6, -121.2],
  "us-west-3": ["US", 33.4, -112.1],
  "us-west1": ["US", 45.6, -121.2],
  "us-west2": ["US", 34.1, -118.2],
  "us-west3": ["US", 40.8, -111.9],
  "us-west4": ["US", 36.2, -115.1],
};

const EU = new Set(["DE", "SE", "IT", "ES", "IE", "FR", "PL", "FI", "BE", "NL"]);

/** Where users are: the latency targets of online inference. */
export const USER_REGIONS: Record<string, readonly [number, number]> = {
  "us-east": [39.0, -77.0],
  "us-west": [37.4, -122.0],
  "eu-west": [51.5, -0.1],
  "eu-central": [50.1, 8.7],
  "ap-southeast": [1.3, 103.8],
  "ap-northeast": [35.7, 139.7],
  "sa-east": [-23.5, -46.6],
  "me-central": [25.2, 55.3],
};

/** Grid carbon intensity, gCO2e/kWh, rounded national figures (synthetic but plausible). */
const CARBON: Record<string, number> = {
  SE: 40,
  FR: 60,
  CH: 50,
  FI: 90,
  BR: 100,
  CA: 120,
  BE: 150,
  GB: 230,
  ES: 170,
  IT: 330,
  IE: 300,
  NL: 330,
  DE: 380,
  US: 390,
  JP: 460,
  KR: 430,
  SG: 480,
  TW: 560,
  HK: 600,
  AU: 550,
  IL: 520,
  AE: 450,
  SA: 600,
  BH: 650,
  ID: 680,
  IN: 700,
  PL: 700,
  ZA: 850,
};

export type TPlace = { country: string; jurisdiction: string; lat: number; lon: number; carbon: number };

export function locate(region: string): TPlace {
  const [country, lat, lon] = REGIONS[region] ?? ["US", 39, -95];
  return { country, jurisdiction: jurisdictionOf(country), lat, lon, carbon: CARBON[country] ?? 400 };
}

export function jurisdictionOf(country: string): string {
  if (EU.has(country)) return "EU";
  if (country === "GB") return "UK";
  return country;
}

export const CLOUD_REGION_NAMES = Object.keys(REGIONS);

/** Round-trip ms: about 1 ms per 100 km of great-circle distance, plus a few ms. */
export function latencyMs(lat: number, lon: number, region: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (region[0] - lat) * rad;
  const dLon = (region[1] - lon) * rad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat * rad) * Math.cos(region[0] * rad) * Math.sin(dLon / 2) ** 2;
  const km = 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
  return Math.round(3 + km / 100);
}
