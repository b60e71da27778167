import { z } from "zod";
import { zDate, zText } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";

/** Samples one telemetry request may carry: 15 s of a 1,000-node estate's worth, or a buffer's. */
export const MAX_SAMPLES_PER_REQUEST = 10_000;
/** The REST body limit of a telemetry batch: 10,000 samples of ~180 bytes, with room. */
export const MAX_TELEMETRY_BODY_BYTES = 4 * 1024 * 1024;
/** An 8-GPU node, and then some: nvidia-smi lists at most this many GPUs per host. */
export const MAX_GPUS_PER_NODE = 64;

const zHostname = () =>
  z
    .string({ error: typeMessage("The hostname must be text") })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, "Letters, digits, dots and dashes; up to 63 characters");

const zCount = (what: string, max: number) =>
  z
    .number({ error: typeMessage(`${what} must be a number`) })
    .int(`${what} must be a whole number`)
    .min(0, `${what} cannot be negative`)
    .max(max, `${what} is at most ${max.toLocaleString("en-US")}`);

const zMeasure = (what: string, max: number) =>
  z
    .number({ error: typeMessage(`${what} must be a number`) })
    .min(0, `${what} cannot be negative`)
    .max(max, `${what} is at most ${max.toLocaleString("en-US")}`);

export const ZAgentGpu = z.object({
  index: zCount("The GPU index", MAX_GPUS_PER_NODE - 1),
  uuid: zText({ max: 80, what: "The GPU UUID" }),
  /** As nvidia-smi names it ("NVIDIA H200"); the server maps it to a catalog model. */
  name: zText({ max: 80, min: 1, what: "The GPU name" }),
  memoryTotalMib: zCount("Memory total", 4 * 1024 * 1024),
  migMode: zText({ max: 20, what: "MIG mode" }).optional(),
});

export const ZAgentRegisterInput = z.object({
  hostname: zHostname(),
  gpus: z
    .array(ZAgentGpu)
    .min(1, "Report at least one GPU")
    .max(MAX_GPUS_PER_NODE, `At most ${MAX_GPUS_PER_NODE} GPUs per node`),
  driverVersion: zText({ max: 40, min: 1, what: "The driver version" }),
  cudaVersion: zText({ max: 40, what: "The CUDA version" }).optional(),
  agentVersion: zText({ max: 40, what: "The agent version" }).optional(),
  /** The NVLink/InfiniBand island the node gangs with; a new node defaults to its own hostname. */
  fabric: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, "A fabric name like dc-ashburn-h100-fabric-a")
    .optional(),
});
export type TAgentRegisterInput = z.infer<typeof ZAgentRegisterInput>;

export const ZAgentHeartbeatInput = z.object({ hostname: zHostname() });

export const ZGpuSample = z.object({
  gpuIndex: zCount("The GPU index", MAX_GPUS_PER_NODE - 1),
  at: zDate("The sample time"),
  utilizationPct: zMeasure("Utilisation", 100),
  memoryUsedMib: zCount("Memory used", 4 * 1024 * 1024),
  powerW: zMeasure("Power", 10_000).nullable().optional(),
  temperatureC: zMeasure("Temperature", 200).nullable().optional(),
  eccErrors: zCount("ECC errors", 2_000_000_000).nullable().optional(),
  xidErrors: zCount("Xid errors", 2_000_000_000).nullable().optional(),
});
export type TGpuSample = z.infer<typeof ZGpuSample>;

export const ZAgentTelemetryInput = z.object({
  hostname: zHostname(),
  samples: z
    .array(ZGpuSample)
    .min(1, "Send at least one sample")
    .max(
      MAX_SAMPLES_PER_REQUEST,
      `At most ${MAX_SAMPLES_PER_REQUEST.toLocaleString("en-US")} samples per request`,
    ),
});
export type TAgentTelemetryInput = z.infer<typeof ZAgentTelemetryInput>;
