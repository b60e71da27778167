import { execFile } from "node:child_process";

/** What the agent asks nvidia-smi for, in this order (the fixtures' README lists the same command). */
export const QUERY_FIELDS = [
  "index",
  "uuid",
  "name",
  "serial",
  "pci.bus_id",
  "driver_version",
  "memory.total",
  "memory.used",
  "memory.free",
  "utilization.gpu",
  "utilization.memory",
  "temperature.gpu",
  "power.draw",
  "power.limit",
  "clocks.sm",
  "clocks.max.sm",
  "mig.mode.current",
  "ecc.errors.uncorrected.volatile.total",
] as const;

export const QUERY_ARGS = [`--query-gpu=${QUERY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];
export const XML_ARGS = ["-q", "-x"];

/** nvidia-smi could not be run, failed, or printed what the agent cannot read. */
export class NvidiaSmiError extends Error {
  override name = "NvidiaSmiError";
}

/** Runs nvidia-smi with `args` and resolves with what it printed; every failure is a NvidiaSmiError in words. */
export function runNvidiaSmi(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "nvidia-smi",
      args,
      { timeout: options.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // `--query-gpu=<18 fields>` would drown the message: name the command by its option.
        const command = `nvidia-smi ${args.map((a) => a.replace(/=.*/, "=…")).join(" ")}`;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          return reject(
            new NvidiaSmiError(
              "nvidia-smi was not found on PATH: install the NVIDIA driver (it ships nvidia-smi) or add its folder to PATH.",
            ),
          );
        }
        if (error.killed) {
          return reject(
            new NvidiaSmiError(`${command} did not answer within ${(options.timeoutMs ?? 15_000) / 1000} s.`),
          );
        }
        const said = `${stderr}\n${stdout}`.trim().split("\n")[0]?.trim();
        reject(
          new NvidiaSmiError(
            `${command} exited with ${typeof code === "number" ? code : String(code ?? error.message)}${said ? `: ${said}` : ""}`,
          ),
        );
      },
    );
  });
}
