/**
 * Small helpers for tests that run real server processes (the Slurm cluster, a private
 * PostgreSQL server): free ports, pid files, waiting for a probe, and stopping a process by
 * its pid, never by name.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in a pid file (its first line, as PostgreSQL's postmaster.pid and Slurm's write it). */
export function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0]?.trim() ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function readEnviron(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch {
    return "";
  }
}

/** The process really is one of ours: its command line or environment names our directory. */
export function ownsPid(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir) || readEnviron(pid).includes(dir);
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `intervalMs` until it returns a value (not null); throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(intervalMs);
  }
}

/** Waits up to `timeoutMs` for a process to exit; true when it did. */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (pidAlive(pid) && Date.now() < until) await sleep(50);
  return !pidAlive(pid);
}

/** Stops a process of ours (see ownsPid) with SIGTERM, then SIGKILL after 10 s. */
export async function killPid(pid: number | null, dir: string): Promise<void> {
  if (!pid || !pidAlive(pid) || !ownsPid(pid, dir)) return;
  process.kill(pid, "SIGTERM");
  if (!(await waitForExit(pid))) process.kill(pid, "SIGKILL");
}
