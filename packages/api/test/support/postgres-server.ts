/**
 * A private PostgreSQL server for fault tests: its own data directory in tmp, a free port on
 * 127.0.0.1, trust authentication, run as the `postgres` user (initdb refuses root). Tests
 * stop it politely (pg_ctl fast or immediate) or brutally (SIGKILL of the postmaster) and
 * start it again on the same data; it is stopped by pid and its directory removed at the end.
 *
 * Needs Debian's PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin) and, when run
 * as root, a `postgres` (or `nobody`) user to run them as.
 *
 * By hand: `npx tsx packages/api/test/support/postgres-server.ts` starts one and prints its URL
 * until Ctrl-C.
 */
import { execFile, spawnSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort, killPid, ownsPid, pidAlive, readPid, sleep, waitFor, waitForExit } from "./processes.ts";

const run = promisify(execFile);
const DIR_PREFIX = "switchyard-pg-";

export type TStopMode = "fast" | "immediate" | "kill";

export type TPostgresServer = {
  dir: string;
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url: (database?: string) => string;
  /** The postmaster's pid while it runs. */
  pid: () => number | null;
  /**
   * Stops the server: `fast` and `immediate` are pg_ctl's shutdown modes; `kill` SIGKILLs the
   * postmaster (a crash), then waits for its backends to notice and exit.
   */
  stop: (mode: TStopMode) => Promise<void>;
  /** Starts it again on the same data; resolves once it accepts connections (after crash recovery). */
  start: () => Promise<void>;
  /** Stops it for good and removes its directory. */
  close: () => Promise<void>;
};

/** The directory of the newest installed PostgreSQL server's binaries, or null. */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

/** Why this machine cannot run a private server, or null when it can. */
export function postgresServerUnavailableReason(): string | null {
  if (!postgresBinDir())
    return "PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql";
  if (process.getuid?.() === 0 && !runAsUser())
    return "running as root, but there is neither a `postgres` nor a `nobody` user to run initdb as";
  return null;
}

type TUser = { name: string; uid: number; gid: number };

/** As root, the unprivileged user to run the server as; null when not root (run as ourselves). */
function runAsUser(): TUser | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ["postgres", "nobody"]) {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (uid.status === 0 && gid.status === 0)
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  return null;
}

async function runBinary(bin: string, args: string[], user: TUser | null): Promise<string> {
  const [file, argv] = user ? ["runuser", ["-u", user.name, "--", bin, ...args]] : [bin, args];
  try {
    const { stdout, stderr } = await run(file, argv, { timeout: 60_000 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(" ")} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** Backends, checkpointer, walwriter...: every process whose parent is the postmaster. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

async function acceptsConnections(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startPostgresServer(): Promise<TPostgresServer> {
  const reason = postgresServerUnavailableReason();
  if (reason) throw new Error(`Cannot start a private PostgreSQL server: ${reason}`);
  const bin = postgresBinDir() as string;
  const user = runAsUser();
  await stopLeftovers(bin, user);

  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const port = await freePort();
  await runBinary(
    join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
    user,
  );
  writeFileSync(
    join(data, "postgresql.auto.conf"),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      "max_connections = 60",
      "shared_buffers = 32MB",
      // A test server: no fsync (the machine does not crash here, only the server does).
      // Commits stay synchronous: the WAL reaches the kernel before a commit is acknowledged,
      // so a committed transaction survives a SIGKILL or an immediate stop of the server. With
      // synchronous_commit off, a submission answered 200 within the WAL writer's delay before
      // such a stop was lost on recovery, and "loses no accepted submission" failed by chance.
      "fsync = off",
      "full_page_writes = off",
      "logging_collector = off",
      "",
    ].join("\n"),
  );
  if (user) chownSync(join(data, "postgresql.auto.conf"), user.uid, user.gid);

  const url = (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const pidFile = join(data, "postmaster.pid");
  const pid = () => {
    const value = readPid(pidFile);
    return value && pidAlive(value) && ownsPid(value, data) ? value : null;
  };

  const start = async () => {
    // -W: pg_ctl returns at once; readiness is polled here, more often than pg_ctl would.
    await runBinary(join(bin, "pg_ctl"), ["-D", data, "-l", log, "-W", "start"], user);
    await waitFor(
      `the PostgreSQL server in ${dir} to accept connections`,
      async () => ((await acceptsConnections(url())) ? true : null),
      60_000,
      50,
    ).catch((error: Error) => {
      const tail = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-20).join("\n") : "";
      throw new Error(`${error.message}\n--- ${log}\n${tail}`);
    });
  };

  const stop = async (mode: TStopMode) => {
    const postmaster = pid();
    if (!postmaster) return;
    if (mode === "kill") {
      const children = childrenOf(postmaster);
      process.kill(postmaster, "SIGKILL");
      await waitForExit(postmaster, 5_000);
      // Backends leave when they notice the postmaster is gone; a new postmaster refuses to
      // start while they still hold the old shared memory.
      for (const child of children) {
        if (!(await waitForExit(child, 5_000)) && pidAlive(child)) process.kill(child, "SIGKILL");
      }
      return;
    }
    await runBinary(join(bin, "pg_ctl"), ["-D", data, "-m", mode, "-w", "-t", "30", "stop"], user);
  };

  await start();
  return {
    dir,
    port,
    url,
    pid,
    stop,
    start,
    close: async () => {
      const postmaster = pid();
      if (postmaster) {
        await stop("immediate").catch(() => {});
        await killPid(pid(), data);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Servers a crashed run left behind (their directories in tmp) are stopped and removed. */
async function stopLeftovers(bin: string, user: TUser | null): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const data = join(dir, "data");
    const postmaster = readPid(join(data, "postmaster.pid"));
    if (postmaster && pidAlive(postmaster) && ownsPid(postmaster, data)) {
      await runBinary(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], user).catch(() =>
        killPid(postmaster, data),
      );
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("postgres-server.ts")) {
  const server = await startPostgresServer();
  console.log(`PostgreSQL ${server.url()} (data in ${server.dir}); Ctrl-C stops it`);
  process.on("SIGINT", () => {
    void server.close().then(() => process.exit(0));
  });
  for (;;) await sleep(60_000);
}
