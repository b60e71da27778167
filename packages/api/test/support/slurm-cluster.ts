/**
 * A real Slurm 22.05 cluster on this machine for the integration tests: a private munged,
 * slurmctld, two slurmd (virtual nodes gpu1 and gpu2, 8 H200 GPUs each as GRES) and
 * slurmrestd (JWT, openapi/v0.0.38) as `nobody`, all on free ports, with every file in one
 * temporary directory. Started and stopped by the test set-up; stopped by pid, never by name.
 *
 * Needs Debian's `slurm-wlm slurmrestd munge` and root (slurmd and device files). Without
 * them a test that needs the cluster fails with a message saying so, unless
 * SWITCHYARD_SKIP_SLURM=1 says to skip it (see slurmOptOut).
 *
 * CLI for trying things by hand: `npx tsx packages/api/test/support/slurm-cluster.ts start`
 * prints the URL, user and token and keeps the cluster up until `... stop <dir>`.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePorts, killPid, readPid, waitFor } from "./processes.ts";

const run = promisify(execFile);
const DIR_PREFIX = "switchyard-slurm-";
const NODES = ["gpu1", "gpu2"] as const;
const NOBODY = { uid: 65534, gid: 65534 };

export type TSlurmCluster = {
  dir: string;
  restUrl: string;
  userName: string;
  token: string;
  nodes: readonly string[];
  /** Runs a Slurm command (scontrol, sinfo, squeue...) against this cluster. */
  command: (program: string, args: string[]) => Promise<string>;
  /** Stops slurmctld and starts it again on its saved state; jobs keep running meanwhile. */
  restartController: () => Promise<void>;
  stop: () => Promise<void>;
};

const BINARIES = ["munged", "slurmctld", "slurmd", "slurmrestd", "scontrol", "sinfo"];

/** Why this machine cannot run the cluster, or null when it can. */
export function slurmUnavailableReason(): string | null {
  const missing = BINARIES.filter((b) => spawnSync("sh", ["-c", `command -v ${b}`]).status !== 0);
  if (missing.length > 0)
    return `Slurm is not installed (missing ${missing.join(", ")}): apt-get install -y slurm-wlm slurmrestd munge`;
  if (process.getuid?.() !== 0) return "the Slurm test cluster needs root (slurmd, munged and device files)";
  return null;
}

/** SWITCHYARD_SKIP_SLURM=1 skips the Slurm tests on a machine without Slurm, explicitly. */
export function slurmOptOut(): boolean {
  return process.env.SWITCHYARD_SKIP_SLURM === "1";
}

async function fourFreePorts(): Promise<[number, number, number, number]> {
  const [a = 0, b = 0, c = 0, d = 0] = await freePorts(4);
  return [a, b, c, d];
}

const PID_FILES = ["slurmrestd.pid", "slurmctld.pid", ...NODES.map((n) => `slurmd-${n}.pid`), "munged.pid"];

/** Stops every daemon of a cluster directory by its pid file, then removes the directory. */
export async function stopSlurmDir(dir: string): Promise<void> {
  for (const file of PID_FILES) await killPid(readPid(join(dir, file)), dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Clusters a crashed run left behind (their directories in tmp) are stopped first. */
async function stopLeftovers(): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith(DIR_PREFIX)) await stopSlurmDir(join(tmpdir(), name));
  }
}

function slurmConf(dir: string, ports: { ctld: number; nodes: number[] }): string {
  const host = hostname().split(".")[0];
  return [
    "ClusterName=switchyard",
    `SlurmctldHost=${host}`,
    `SlurmctldPort=${ports.ctld}`,
    "AuthType=auth/munge",
    `AuthInfo=socket=${dir}/munge/munge.sock`,
    "AuthAltTypes=auth/jwt",
    `AuthAltParameters=jwt_key=${dir}/private/jwt.key`,
    `StateSaveLocation=${dir}/state`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdPidFile=${dir}/slurmd-%n.pid`,
    `SlurmdLogFile=${dir}/slurmd-%n.log`,
    `SlurmdSpoolDir=${dir}/spool/%n`,
    "SlurmUser=root",
    "SlurmdParameters=config_overrides",
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "SchedulerParameters=bf_interval=1,sched_min_interval=0",
    "GresTypes=gpu",
    "ReturnToService=2",
    "MinJobAge=600",
    "KillWait=2",
    "JobCompType=jobcomp/filetxt",
    `JobCompLoc=${dir}/jobcomp.txt`,
    ...NODES.map(
      (n, i) =>
        `NodeName=${n} NodeHostname=${host} NodeAddr=127.0.0.1 Port=${ports.nodes[i]} CPUs=2 RealMemory=4000 Gres=gpu:h200:8`,
    ),
    `PartitionName=gpu Nodes=${NODES.join(",")} Default=YES MaxTime=INFINITE State=UP`,
    "",
  ].join("\n");
}

/** Starts a fresh cluster and waits until both nodes are idle and slurmrestd answers. */
export async function startSlurmCluster(): Promise<TSlurmCluster> {
  const reason = slurmUnavailableReason();
  if (reason) throw new Error(reason);
  await stopLeftovers();

  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  chmodSync(dir, 0o755); // slurmrestd runs as nobody and reads slurm.conf
  for (const sub of ["state", "munge", ...NODES.map((n) => `spool/${n}`)])
    mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(join(dir, "private"), { mode: 0o700 });
  chmodSync(join(dir, "munge"), 0o755);
  writeFileSync(join(dir, "private/munge.key"), randomBytes(1024), { mode: 0o400 });
  writeFileSync(join(dir, "private/jwt.key"), randomBytes(32), { mode: 0o600 });
  mkdirSync(join(dir, "dev"));
  for (let i = 0; i < 8; i++) await run("mknod", [join(dir, `dev/gpu${i}`), "c", "1", "3"]);

  const [ctld, node1, node2, rest] = await fourFreePorts();
  const conf = join(dir, "slurm.conf");
  writeFileSync(conf, slurmConf(dir, { ctld, nodes: [node1, node2] }), { mode: 0o644 });
  writeFileSync(
    join(dir, "gres.conf"),
    `AutoDetect=off\nNodeName=${NODES.join(",")} Name=gpu Type=h200 File=${dir}/dev/gpu[0-7]\n`,
    { mode: 0o644 },
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  delete env.SLURM_JWT;

  const stop = () => stopSlurmDir(dir);
  try {
    // munge: a private daemon with its own key and socket, whatever runs system-wide.
    await run("munged", [
      `--key-file=${dir}/private/munge.key`,
      `--socket=${dir}/munge/munge.sock`,
      `--pid-file=${dir}/munged.pid`,
      `--log-file=${dir}/munged.log`,
      `--seed-file=${dir}/private/munged.seed`,
    ]);
    const startController = () => run("slurmctld", ["-i", "-f", conf], { env });
    await startController();
    for (const node of NODES) await run("slurmd", ["-N", node, "-f", conf], { env });

    const command = async (program: string, args: string[]) =>
      (await run(program, args, { env, timeout: 20_000 })).stdout;
    await waitFor(
      "both nodes idle in sinfo",
      async () => {
        const out = await command("sinfo", ["-N", "-h", "-o", "%N %t"]);
        const idle = out.split("\n").filter((l) => /\sidle$/.test(l.trim()));
        return idle.length === NODES.length ? true : null;
      },
      60_000,
    );

    const tokenOut = await command("scontrol", ["token", "username=root", "lifespan=7200"]);
    const token = tokenOut.trim().replace(/^SLURM_JWT=/, "");

    const restLog = join(dir, "slurmrestd.log");
    writeFileSync(restLog, "");
    chmodSync(restLog, 0o666);
    const { openSync } = await import("node:fs");
    const out = openSync(restLog, "a");
    const child = spawn(
      "slurmrestd",
      ["-f", conf, "-s", "openapi/v0.0.38", "-a", "rest_auth/jwt", `127.0.0.1:${rest}`],
      {
        // Only these variables: slurmrestd runs as nobody and must not inherit the test's secrets.
        env: {
          NODE_ENV: "production",
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          SLURM_CONF: conf,
          SLURM_JWT: "daemon",
        },
        uid: NOBODY.uid,
        gid: NOBODY.gid,
        detached: true,
        stdio: ["ignore", out, out],
      },
    );
    child.unref();
    writeFileSync(join(dir, "slurmrestd.pid"), String(child.pid));
    const restUrl = `http://127.0.0.1:${rest}`;
    await waitFor("slurmrestd to answer", async () => {
      const res = await fetch(`${restUrl}/slurm/v0.0.38/ping`, {
        headers: { "X-SLURM-USER-NAME": "root", "X-SLURM-USER-TOKEN": token },
      });
      return res.ok ? true : null;
    });

    return {
      dir,
      restUrl,
      userName: "root",
      token,
      nodes: NODES,
      command,
      restartController: async () => {
        await killPid(readPid(join(dir, "slurmctld.pid")), dir);
        await startController();
        await waitFor("slurmctld after restart", async () => {
          await command("scontrol", ["ping"]);
          const out = await command("scontrol", ["ping"]);
          return /UP/.test(out) ? true : null;
        });
      },
      stop,
    };
  } catch (error) {
    const logs = ["slurmctld.log", "slurmd-gpu1.log", "slurmrestd.log", "munged.log"]
      .map((f) => join(dir, f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, "utf8").split("\n").slice(-15).join("\n")}`)
      .join("\n");
    await stop();
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
}

// CLI: start (prints the cluster and stays up) | stop <dir>
if (process.argv[1]?.endsWith("slurm-cluster.ts")) {
  const [verb, arg] = process.argv.slice(2);
  if (verb === "start") {
    const cluster = await startSlurmCluster();
    console.log(
      JSON.stringify(
        { dir: cluster.dir, restUrl: cluster.restUrl, userName: cluster.userName, token: cluster.token },
        null,
        2,
      ),
    );
    console.log(`stop with: npx tsx packages/api/test/support/slurm-cluster.ts stop ${cluster.dir}`);
  } else if (verb === "stop" && arg) {
    await stopSlurmDir(arg);
  } else {
    console.error("usage: slurm-cluster.ts start | stop <dir>");
    process.exit(2);
  }
}
