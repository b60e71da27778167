export {
  parseCloudPriceCsv,
  pricePerGpuHour,
  REQUIRED_CATALOG_COLUMNS,
  type TCatalogError,
  type TCloudPriceLine,
  type TGpuHourPrice,
} from "./cloud-prices.ts";
export {
  canonicalGpuModel,
  GPU_MODEL_NAMES,
  GPU_MODELS,
  gpuModelFromProductName,
  type TGpuModel,
} from "./gpu-models.ts";
export {
  CLOUD_EGRESS_USD_PER_GB,
  CLOUD_REGIONS,
  carbonIntensityOf,
  jurisdictionOf,
  PROVIDER_LABELS,
} from "./regions.ts";
