/**
 * The GPU models Switchyard places on, with memory per GPU (GiB as clouds report it, from
 * data/gpu-models.csv). Catalog names from cloud price lists map onto these.
 */
export const GPU_MODELS = {
  B200: { memoryGib: 180, vendor: "NVIDIA", label: "NVIDIA B200", interconnect: "NVLink 5" },
  H200: { memoryGib: 141, vendor: "NVIDIA", label: "NVIDIA H200 SXM", interconnect: "NVLink 4" },
  GH200: { memoryGib: 96, vendor: "NVIDIA", label: "NVIDIA GH200", interconnect: "NVLink-C2C" },
  H100: { memoryGib: 80, vendor: "NVIDIA", label: "NVIDIA H100 SXM", interconnect: "NVLink 4" },
  "A100-80GB": { memoryGib: 80, vendor: "NVIDIA", label: "NVIDIA A100 80GB", interconnect: "NVLink 3" },
  A100: { memoryGib: 40, vendor: "NVIDIA", label: "NVIDIA A100 40GB", interconnect: "NVLink 3" },
  MI300X: { memoryGib: 192, vendor: "AMD", label: "AMD Instinct MI300X", interconnect: "Infinity Fabric" },
  L40S: { memoryGib: 48, vendor: "NVIDIA", label: "NVIDIA L40S", interconnect: "PCIe 4" },
  A10G: { memoryGib: 24, vendor: "NVIDIA", label: "NVIDIA A10G", interconnect: "PCIe 4" },
  L4: { memoryGib: 24, vendor: "NVIDIA", label: "NVIDIA L4", interconnect: "PCIe 4" },
  V100: { memoryGib: 16, vendor: "NVIDIA", label: "NVIDIA V100", interconnect: "NVLink 2" },
  T4: { memoryGib: 16, vendor: "NVIDIA", label: "NVIDIA T4", interconnect: "PCIe 3" },
  "Jetson-AGX-Orin": {
    memoryGib: 64,
    vendor: "NVIDIA",
    label: "NVIDIA Jetson AGX Orin 64GB",
    interconnect: "SoC",
  },
} as const;

export type TGpuModel = keyof typeof GPU_MODELS;
export const GPU_MODEL_NAMES = Object.keys(GPU_MODELS) as TGpuModel[];

const CATALOG_ALIASES: Record<string, TGpuModel> = {
  B200: "B200",
  H200: "H200",
  GH200: "GH200",
  H100: "H100",
  "H100-MEGA": "H100",
  "A100-80GB": "A100-80GB",
  A100: "A100",
  L40S: "L40S",
  A10G: "A10G",
  L4: "L4",
  V100: "V100",
  "V100-32GB": "V100",
  T4: "T4",
  MI300X: "MI300X",
};

/** The canonical model for a catalog accelerator name, or null for ones we do not place on. */
export function canonicalGpuModel(acceleratorName: string): TGpuModel | null {
  return CATALOG_ALIASES[acceleratorName.trim()] ?? null;
}

/**
 * Product names as nvidia-smi prints them (`name`, `<product_name>`), most specific first:
 * "NVIDIA H200", "NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "Tesla V100-SXM2-16GB".
 */
const PRODUCT_PATTERNS: [RegExp, TGpuModel][] = [
  [/\bGH200\b/i, "GH200"],
  [/\bB200\b/i, "B200"],
  [/\bH200\b/i, "H200"],
  [/\bH100\b/i, "H100"],
  [/\bA100\b.*\b80\s?GB\b/i, "A100-80GB"],
  [/\bA100\b/i, "A100"],
  [/\bL40S\b/i, "L40S"],
  [/\bA10G\b/i, "A10G"],
  [/\bL4\b/i, "L4"],
  [/\bV100\b/i, "V100"],
  [/\bT4\b/i, "T4"],
  [/\bMI300X\b/i, "MI300X"],
  [/\bOrin\b/i, "Jetson-AGX-Orin"],
];

/** The catalog model of a GPU as its driver names it, or null for one Switchyard does not place on. */
export function gpuModelFromProductName(productName: string): TGpuModel | null {
  return PRODUCT_PATTERNS.find(([pattern]) => pattern.test(productName))?.[1] ?? null;
}
