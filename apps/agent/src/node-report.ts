import { hostname as osHostname } from "node:os";
import { QUERY_ARGS, runNvidiaSmi, XML_ARGS } from "./nvidia-smi.ts";
import { parseQueryCsv, type TGpuReading } from "./parse-query.ts";
import { parseSmiXml } from "./parse-xml.ts";

/** The node as the server's POST /agent/register takes it. */
export type TRegistration = {
  hostname: string;
  gpus: { index: number; uuid: string; name: string; memoryTotalMib: number; migMode?: string }[];
  driverVersion: string;
  cudaVersion?: string;
  agentVersion: string;
};

/** One GPU sample as POST /agent/telemetry takes it. */
export type TSample = {
  gpuIndex: number;
  at: string;
  utilizationPct: number;
  memoryUsedMib: number;
  powerW: number | null;
  temperatureC: number | null;
  eccErrors: number | null;
  /** nvidia-smi has no Xid counter (Xids are kernel log events): always null from this agent. */
  xidErrors: null;
};

declare const __AGENT_VERSION__: string | undefined;
export const AGENT_VERSION = typeof __AGENT_VERSION__ === "string" ? __AGENT_VERSION__ : "dev";

/** Hostnames the server accepts: lower case, letters, digits, dots and dashes. */
export function nodeHostname(name = osHostname()): string {
  return name.trim().toLowerCase();
}

/** The node's GPUs, driver, CUDA and MIG mode, from both nvidia-smi commands. */
export async function discoverNode(hostname: string): Promise<TRegistration> {
  const [csv, xml] = await Promise.all([runNvidiaSmi(QUERY_ARGS), runNvidiaSmi(XML_ARGS)]);
  return toRegistration(hostname, parseQueryCsv(csv), parseSmiXml(xml));
}

export function toRegistration(
  hostname: string,
  readings: TGpuReading[],
  log: ReturnType<typeof parseSmiXml>,
): TRegistration {
  const byUuid = new Map(log.gpus.map((gpu) => [gpu.uuid, gpu]));
  return {
    hostname,
    gpus: readings.map((r) => {
      const migMode = r.migMode ?? byUuid.get(r.uuid)?.migMode;
      return {
        index: r.index,
        uuid: r.uuid,
        name: r.name,
        memoryTotalMib: r.memoryTotalMib,
        ...(migMode ? { migMode } : {}),
      };
    }),
    driverVersion: log.driverVersion,
    ...(log.cudaVersion ? { cudaVersion: log.cudaVersion } : {}),
    agentVersion: AGENT_VERSION,
  };
}

/** One sample of every GPU, stamped `at`. */
export async function sampleGpus(at: Date): Promise<TSample[]> {
  return toSamples(parseQueryCsv(await runNvidiaSmi(QUERY_ARGS)), at);
}

export function toSamples(readings: TGpuReading[], at: Date): TSample[] {
  return readings.map((r) => ({
    gpuIndex: r.index,
    at: at.toISOString(),
    utilizationPct: r.utilizationPct,
    memoryUsedMib: r.memoryUsedMib,
    powerW: r.powerW,
    temperatureC: r.temperatureC,
    eccErrors: r.eccErrors,
    xidErrors: null,
  }));
}
