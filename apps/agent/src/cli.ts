import { parseArgs } from "node:util";
import { runAgent } from "./agent.ts";
import { AGENT_VERSION, discoverNode, nodeHostname, sampleGpus } from "./node-report.ts";
import { NvidiaSmiError } from "./nvidia-smi.ts";
import { connect, ServerError } from "./server.ts";

const USAGE = `switchyard-agent ${AGENT_VERSION}: reports this node's GPUs (nvidia-smi) to Switchyard.

Usage:
  switchyard-agent --server URL [--token TOKEN] [--interval SECONDS]
  switchyard-agent --once [--json] [--server URL --token TOKEN]

Options:
  --server URL        the console, e.g. https://switchyard.example.com (or SWITCHYARD_SERVER)
  --token TOKEN       an agent token of this node's site (or SWITCHYARD_AGENT_TOKEN)
  --interval SECONDS  seconds between samples and heartbeats (default 15)
  --hostname NAME     the node's name (default: this host's name)
  --buffer SAMPLES    samples kept while the server is away; the oldest go first (default 100000)
  --once              read the GPUs once, report (and send, with --server) and exit
  --json              with --once: print the report as JSON
  -h, --help          this text
  --version           the agent's version

Exit codes: 0 done (or stopped by SIGTERM/SIGINT), 1 an error (nvidia-smi, the server), 2 usage.`;

/** Runs the command line; resolves with the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    console.error(`switchyard-agent: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) return print(USAGE, 0);
  if (values.version) return print(AGENT_VERSION, 0);
  const server = values.server ?? env.SWITCHYARD_SERVER;
  const token = values.token ?? env.SWITCHYARD_AGENT_TOKEN;
  const interval = Number(values.interval ?? "15");
  const capacity = Number(values.buffer ?? "100000");
  if (!Number.isInteger(interval) || interval < 1 || interval > 3_600)
    return usage("--interval takes whole seconds from 1 to 3600");
  if (!Number.isInteger(capacity) || capacity < 1_000) return usage("--buffer takes at least 1000 samples");
  if (values.json && !values.once) return usage("--json goes with --once");
  if (!values.once && !server) return usage("--server (or SWITCHYARD_SERVER) is required");
  if (server && !token) return usage("--token (or SWITCHYARD_AGENT_TOKEN) is required with a server");
  if (server && !/^https?:\/\//.test(server)) return usage("--server takes an http:// or https:// URL");
  const hostname = nodeHostname(values.hostname);
  const log = (line: string) => console.error(`${new Date().toISOString()} switchyard-agent: ${line}`);

  try {
    if (values.once) {
      const node = await discoverNode(hostname);
      const samples = await sampleGpus(new Date());
      let sent: unknown = null;
      if (server && token) {
        const api = connect({ server, token });
        const registered = await api.post("/agent/register", node);
        await api.post("/agent/heartbeat", { hostname });
        sent = { registered, telemetry: await api.post("/agent/telemetry", { hostname, samples }) };
      }
      const report = { node, samples, ...(sent ? { sent } : {}) };
      return print(values.json ? JSON.stringify(report, null, 2) : describe(report), 0);
    }
    const controller = new AbortController();
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => controller.abort());
    log(`reporting ${hostname} to ${server} every ${interval} s`);
    await runAgent({
      server: connect({ server: server as string, token: token as string }),
      discover: () => discoverNode(hostname),
      sample: sampleGpus,
      intervalMs: interval * 1_000,
      bufferCapacity: capacity,
      log,
      signal: controller.signal,
    });
    log("stopped");
    return 0;
  } catch (error) {
    if (error instanceof NvidiaSmiError || error instanceof ServerError) {
      console.error(`switchyard-agent: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      interval: { type: "string" },
      hostname: { type: "string" },
      buffer: { type: "string" },
      once: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
}

function print(text: string, code: number) {
  console.log(text);
  return code;
}

function usage(problem: string) {
  console.error(`switchyard-agent: ${problem}\n\n${USAGE}`);
  return 2;
}

function describe(report: {
  node: Awaited<ReturnType<typeof discoverNode>>;
  samples: {
    gpuIndex: number;
    utilizationPct: number;
    memoryUsedMib: number;
    powerW: number | null;
    temperatureC: number | null;
  }[];
}) {
  const { node } = report;
  return [
    `${node.hostname}: ${node.gpus.length} GPU(s), driver ${node.driverVersion}, CUDA ${node.cudaVersion ?? "unknown"}`,
    ...node.gpus.map((gpu) => {
      const s = report.samples.find((x) => x.gpuIndex === gpu.index);
      return `  GPU ${gpu.index} ${gpu.name} (${gpu.memoryTotalMib} MiB, MIG ${gpu.migMode ?? "N/A"}): ${s?.utilizationPct ?? "?"} % busy, ${s?.memoryUsedMib ?? "?"} MiB used, ${s?.powerW ?? "N/A"} W, ${s?.temperatureC ?? "N/A"} °C`;
    }),
  ].join("\n");
}
