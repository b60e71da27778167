import { XMLParser, XMLValidator } from "fast-xml-parser";
import { NvidiaSmiError } from "./nvidia-smi.ts";

/** What `nvidia-smi -q -x` adds to the query: the CUDA version, and each GPU's MIG mode and memory. */
export type TSmiLog = {
  driverVersion: string;
  cudaVersion: string | null;
  gpus: { uuid: string; name: string; memoryTotalMib: number; migMode: string | null }[];
};

type TNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === "gpu",
});

/** Reads `nvidia-smi -q -x`; malformed or truncated XML, or a log without GPUs, is an error in words. */
export function parseSmiXml(xml: string): TSmiLog {
  if (xml.trim() === "") throw new NvidiaSmiError("nvidia-smi -q -x printed nothing.");
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new NvidiaSmiError(
      `nvidia-smi -q -x printed XML that cannot be read (line ${valid.err.line}: ${valid.err.msg}); the output may be truncated.`,
    );
  }
  const log = (parser.parse(xml) as TNode).nvidia_smi_log as TNode | undefined;
  if (!log) throw new NvidiaSmiError("nvidia-smi -q -x printed XML without <nvidia_smi_log>.");
  const driverVersion = textOf(log.driver_version);
  if (!driverVersion) throw new NvidiaSmiError("nvidia-smi -q -x has no <driver_version>.");
  const gpus = (log.gpu as TNode[] | undefined) ?? [];
  if (gpus.length === 0) throw new NvidiaSmiError("nvidia-smi -q -x lists no <gpu>.");
  return {
    driverVersion,
    cudaVersion: textOf(log.cuda_version),
    gpus: gpus.map((gpu, i) => {
      const uuid = textOf(gpu.uuid);
      const name = textOf(gpu.product_name);
      const memory = Number.parseInt(textOf((gpu.fb_memory_usage as TNode | undefined)?.total) ?? "", 10);
      if (!uuid || !name || !Number.isFinite(memory)) {
        throw new NvidiaSmiError(
          `nvidia-smi -q -x: <gpu> number ${i + 1} lacks its uuid, product_name or fb_memory_usage/total.`,
        );
      }
      return {
        uuid,
        name,
        memoryTotalMib: memory,
        migMode: textOf((gpu.mig_mode as TNode | undefined)?.current_mig),
      };
    }),
  };
}

/** An element's text, or null when absent or "N/A". */
function textOf(value: unknown): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const text = String(value).trim();
  return text === "" || text === "N/A" ? null : text;
}
