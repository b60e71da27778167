import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { test as base } from "@playwright/test";

/**
 * Each spec file runs against its own server on its own copy of the demo database: the
 * config makes one project per spec file, and projects never share a worker, so this
 * worker-scoped server lives exactly as long as one file. Nothing a spec changes (a rejected
 * request, a drained node, a policy version) is seen by another. The port is free at run
 * time (E2E_PORT overrides); the server's output goes to test-results/servers/<spec>.log,
 * whose tail is printed when a test fails.
 */
type TServer = { url: string; logFile: string };

const SCRIPT = resolve(import.meta.dirname, "../../../scripts/e2e-server.mjs");

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export function tail(file: string, lines = 60): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return `(no server output at ${file})`;
  }
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the e2e server exited with ${child.exitCode} before answering:\n${tail(logFile)}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the e2e server did not answer ${url} within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

/**
 * A first page load on a cold server costs seconds (route modules loaded, the database's first
 * queries); a server of its own per spec file would pay that inside its first test. One
 * signed-in load of the overview (as the viewer, who changes nothing) pays it here instead.
 */
async function warmUp(url: string) {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signedIn = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({
      csrfToken,
      email: "viewer@switchyard.demo",
      password: "switchyard",
      json: "true",
    }),
  });
  const session = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]);
  await (await fetch(`${url}/signin`)).text();
  const overview = await fetch(`${url}/`, { headers: { cookie: [...cookies, ...session].join("; ") } });
  if (!overview.ok) throw new Error(`warming up the e2e server: GET / answered ${overview.status}`);
  await overview.text();
}

export const test = base.extend<{ serverOutputOnFailure: undefined }, { server: TServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use, workerInfo) => {
      const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePort();
      const dir = join(workerInfo.project.outputDir, "servers");
      mkdirSync(dir, { recursive: true });
      const logFile = join(dir, `${workerInfo.project.name}-${workerInfo.workerIndex}.log`);
      const log = createWriteStream(logFile);
      const child = spawn(process.execPath, [SCRIPT], {
        env: { ...process.env, PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      const url = `http://localhost:${port}`;
      try {
        await waitForHealth(`${url}/api/health`, child, logFile);
        await warmUp(url);
        await use({ url, logFile });
      } finally {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await exited;
        }
        log.end();
      }
    },
    { scope: "worker", timeout: 240_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
  serverOutputOnFailure: [
    async ({ server }, use, testInfo) => {
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach("server output", { path: server.logFile, contentType: "text/plain" });
        console.log(`\n── server output (${server.logFile}), last lines ──\n${tail(server.logFile)}\n`);
      }
    },
    { auto: true },
  ],
});

export { expect } from "@playwright/test";
