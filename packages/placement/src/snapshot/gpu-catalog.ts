/**
 * Canonical GPU model names. A request may also name any model that appears on a node
 * of the snapshot; anything else is an input error.
 */
export const KNOWN_GPU_MODELS: readonly string[] = [
  "H100",
  "H200",
  "A100-80GB",
  "A100",
  "L40S",
  "L4",
  "T4",
  "A10G",
  "V100",
  "B200",
  "GH200",
  "MI300X",
  "Jetson-AGX-Orin",
];

/**
 * Board power per GPU in watts, used only to estimate energy for the carbon score.
 * From packages/db/data/gpu-models.csv (TDP column); L40S, GH200 and Jetson are blank
 * there, so their figures are the vendors' published maximums.
 */
const GPU_POWER_WATTS: Readonly<Record<string, number>> = {
  H200: 700,
  H100: 700,
  "A100-80GB": 400,
  A100: 400,
  L40S: 350,
  L4: 72,
  T4: 70,
  A10G: 150,
  V100: 300,
  B200: 1000,
  GH200: 700,
  MI300X: 750,
  "Jetson-AGX-Orin": 60,
};

const DEFAULT_GPU_POWER_WATTS = 400;

export function getGpuPowerWatts(model: string): number {
  return GPU_POWER_WATTS[model] ?? DEFAULT_GPU_POWER_WATTS;
}
