/**
 * Where cloud regions are: country (ISO 3166-1), a city and approximate coordinates, for
 * the regions of data/cloud-gpu-prices.csv. A catalog import creates sites from this; a
 * region missing here is reported as a bad row rather than guessed.
 */
export type TCloudRegionInfo = { country: string; city: string; latitude: number; longitude: number };

const r = (country: string, city: string, latitude: number, longitude: number): TCloudRegionInfo => ({
  country,
  city,
  latitude,
  longitude,
});

export const CLOUD_REGIONS: Record<string, Record<string, TCloudRegionInfo>> = {
  aws: {
    "af-south-1": r("ZA", "Cape Town", -33.92, 18.42),
    "ap-east-1": r("HK", "Hong Kong", 22.32, 114.17),
    "ap-northeast-1": r("JP", "Tokyo", 35.68, 139.69),
    "ap-northeast-2": r("KR", "Seoul", 37.57, 126.98),
    "ap-northeast-3": r("JP", "Osaka", 34.69, 135.5),
    "ap-south-1": r("IN", "Mumbai", 19.08, 72.88),
    "ap-southeast-1": r("SG", "Singapore", 1.35, 103.82),
    "ap-southeast-2": r("AU", "Sydney", -33.87, 151.21),
    "ap-southeast-3": r("ID", "Jakarta", -6.21, 106.85),
    "ca-central-1": r("CA", "Montréal", 45.5, -73.57),
    "eu-central-1": r("DE", "Frankfurt", 50.11, 8.68),
    "eu-north-1": r("SE", "Stockholm", 59.33, 18.07),
    "eu-south-1": r("IT", "Milan", 45.46, 9.19),
    "eu-south-2": r("ES", "Aragón", 41.65, -0.88),
    "eu-west-1": r("IE", "Dublin", 53.35, -6.26),
    "eu-west-2": r("GB", "London", 51.51, -0.13),
    "eu-west-3": r("FR", "Paris", 48.86, 2.35),
    "me-central-1": r("AE", "UAE", 24.45, 54.38),
    "me-south-1": r("BH", "Bahrain", 26.07, 50.56),
    "us-east-1": r("US", "N. Virginia", 38.9, -77.4),
    "us-east-2": r("US", "Ohio", 40.0, -83.0),
    "us-west-1": r("US", "N. California", 37.35, -121.96),
    "us-west-2": r("US", "Oregon", 45.8, -119.7),
  },
  gcp: {
    "asia-east1": r("TW", "Changhua", 24.05, 120.52),
    "asia-east2": r("HK", "Hong Kong", 22.32, 114.17),
    "asia-northeast1": r("JP", "Tokyo", 35.68, 139.69),
    "asia-northeast3": r("KR", "Seoul", 37.57, 126.98),
    "asia-south1": r("IN", "Mumbai", 19.08, 72.88),
    "asia-south2": r("IN", "Delhi", 28.61, 77.21),
    "asia-southeast1": r("SG", "Jurong West", 1.34, 103.71),
    "asia-southeast2": r("ID", "Jakarta", -6.21, 106.85),
    "australia-southeast1": r("AU", "Sydney", -33.87, 151.21),
    "europe-central2": r("PL", "Warsaw", 52.23, 21.01),
    "europe-north1": r("FI", "Hamina", 60.57, 27.2),
    "europe-west1": r("BE", "St. Ghislain", 50.45, 3.82),
    "europe-west2": r("GB", "London", 51.51, -0.13),
    "europe-west3": r("DE", "Frankfurt", 50.11, 8.68),
    "europe-west4": r("NL", "Eemshaven", 53.44, 6.83),
    "europe-west6": r("CH", "Zürich", 47.38, 8.54),
    "europe-west9": r("FR", "Paris", 48.86, 2.35),
    "me-central2": r("SA", "Dammam", 26.43, 50.1),
    "me-west1": r("IL", "Tel Aviv", 32.09, 34.78),
    "northamerica-northeast1": r("CA", "Montréal", 45.5, -73.57),
    "northamerica-northeast2": r("CA", "Toronto", 43.65, -79.38),
    "southamerica-east1": r("BR", "São Paulo", -23.55, -46.63),
    "us-central1": r("US", "Iowa", 41.26, -95.86),
    "us-east1": r("US", "South Carolina", 33.2, -80.01),
    "us-east4": r("US", "N. Virginia", 39.04, -77.49),
    "us-east5": r("US", "Columbus", 39.96, -83.0),
    "us-south1": r("US", "Dallas", 32.78, -96.8),
    "us-west1": r("US", "Oregon", 45.6, -121.18),
    "us-west2": r("US", "Los Angeles", 34.05, -118.24),
    "us-west3": r("US", "Salt Lake City", 40.76, -111.89),
    "us-west4": r("US", "Las Vegas", 36.17, -115.14),
  },
  lambda: {
    "asia-northeast-1": r("JP", "Tokyo", 35.68, 139.69),
    "asia-northeast-2": r("KR", "Seoul", 37.57, 126.98),
    "asia-south-1": r("IN", "Hyderabad", 17.39, 78.49),
    "australia-east-1": r("AU", "Sydney", -33.87, 151.21),
    "europe-central-1": r("DE", "Frankfurt", 50.11, 8.68),
    "europe-south-1": r("IT", "Milan", 45.46, 9.19),
    "me-west-1": r("IL", "Tel Aviv", 32.09, 34.78),
    "us-east-1": r("US", "Virginia", 38.9, -77.4),
    "us-east-2": r("US", "Washington DC", 38.91, -77.04),
    "us-east-3": r("US", "Pennsylvania", 40.27, -76.88),
    "us-midwest-1": r("US", "Illinois", 41.88, -87.63),
    "us-south-1": r("US", "Texas", 30.27, -97.74),
    "us-south-2": r("US", "Texas (Dallas)", 32.78, -96.8),
    "us-south-3": r("US", "Texas (Houston)", 29.76, -95.37),
    "us-west-1": r("US", "California", 37.39, -122.08),
    "us-west-2": r("US", "Arizona", 33.45, -112.07),
    "us-west-3": r("US", "Utah", 40.76, -111.89),
  },
};

const EU = new Set([
  "AT",
  "BE",
  "BG",
  "HR",
  "CY",
  "CZ",
  "DK",
  "EE",
  "FI",
  "FR",
  "DE",
  "GR",
  "HU",
  "IE",
  "IT",
  "LV",
  "LT",
  "LU",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SK",
  "SI",
  "ES",
  "SE",
]);

/** The legal area a country's data falls under for residency rules: EU members share "EU". */
export function jurisdictionOf(country: string): string {
  return EU.has(country) ? "EU" : country;
}

/** Grid carbon intensity, gCO2/kWh, rounded national averages (Ember/IEA 2023-24). */
const CARBON: Record<string, number> = {
  US: 370,
  CA: 120,
  BR: 100,
  GB: 200,
  IE: 290,
  FR: 55,
  DE: 380,
  NL: 330,
  BE: 150,
  CH: 40,
  SE: 40,
  FI: 80,
  PL: 660,
  IT: 330,
  ES: 160,
  JP: 460,
  KR: 430,
  TW: 560,
  HK: 700,
  SG: 470,
  IN: 700,
  ID: 680,
  AU: 550,
  ZA: 850,
  AE: 400,
  BH: 600,
  SA: 560,
  IL: 500,
};

export function carbonIntensityOf(country: string): number {
  return CARBON[country] ?? 450;
}

export const CLOUD_EGRESS_USD_PER_GB: Record<string, number> = { aws: 0.09, gcp: 0.12, lambda: 0 };
export const PROVIDER_LABELS: Record<string, string> = { aws: "AWS", gcp: "GCP", lambda: "Lambda" };
