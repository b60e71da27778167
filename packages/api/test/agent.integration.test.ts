import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { bearerTokenOf, resolveApiToken } from "../src/auth/tokens.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { USERS } from "./helpers.ts";
import { serveFetch, type TFetchServer } from "./support/fetch-server.ts";

/**
 * The node agent (apps/agent, the bundled file a node runs) against the real REST handler
 * over HTTP on a real database. Only the GPU is a double: a fake `nvidia-smi` on PATH prints
 * the real H200 captures (apps/agent/test/fixtures/h200).
 */
const ROOT = join(import.meta.dirname, "../../..");
const AGENT = join(ROOT, "apps/agent/dist/switchyard-agent.mjs");
const FAKE_SMI = join(ROOT, "apps/agent/test/fake-nvidia-smi");
const SITE = "site-dc-ashburn";

describeEachDb("the node agent against a console", (kind) => {
  let t: TTestDb;
  let token: string;
  const running: ChildProcess[] = [];
  const servers: TFetchServer[] = [];

  const serve = async (port?: number) => {
    const server = await serveFetch(
      {
        "/api/v1": (request) =>
          handleRestRequest(request, {
            prisma: t.db.prisma,
            resolveUser: async (r) => {
              const bearer = bearerTokenOf(r.headers.get("authorization"));
              return bearer ? resolveApiToken(t.db.prisma, bearer) : null;
            },
          }),
      },
      { port },
    );
    servers.push(server);
    return server;
  };

  /** Runs the bundled agent to its end: exit code, stdout, stderr. */
  const runOnce = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [AGENT, ...args], {
        env: { ...process.env, PATH: `${FAKE_SMI}:/usr/bin:/bin`, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, "apps/agent/build.mjs")]);
    t = await createTestDb(kind);
    await seedDemo(t.db);
    const platform = createCallerFactory(appRouter)(
      createInnerContext({ prisma: t.db.prisma, user: USERS.platform }),
    );
    token = (await platform.token.createAgent({ name: "e2e-agent", siteId: SITE })).secret;
  });
  afterEach(async () => {
    for (const child of running.splice(0)) child.kill("SIGKILL");
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(() => t.cleanup());

  it("waits out an absent server with back-off, then registers, heartbeats and reports samples", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [AGENT, "--server", `http://127.0.0.1:${port}`, "--interval", "1", "--hostname", "e2e-h200-01"],
      { env: { ...process.env, PATH: `${FAKE_SMI}:/usr/bin:/bin`, SWITCHYARD_AGENT_TOKEN: token } },
    );
    running.push(child);
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    await until(() => stderr.includes("retrying in"), "the agent to find the server away");
    expect(stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); retrying in [\d.]+ s \(attempt 1/,
    );

    await serve(port);
    await until(
      async () => (await t.db.prisma.gpuSample.count({ where: { node: { hostname: "e2e-h200-01" } } })) >= 2,
      "samples to arrive",
    );
    const node = await t.db.prisma.gpuNode.findFirstOrThrow({ where: { hostname: "e2e-h200-01" } });
    expect(node).toMatchObject({
      siteId: SITE,
      status: "READY",
      gpuModel: "H200",
      gpuCount: 1,
      gpuMemoryGib: 141,
      driverVersion: "580.159.04",
      cudaVersion: "13.0",
      migMode: "Disabled",
      agentVersion: "0.1.0",
    });
    expect(Date.now() - (node.lastHeartbeatAt?.getTime() ?? 0)).toBeLessThan(10_000);
    const sample = await t.db.prisma.gpuSample.findFirstOrThrow({ where: { nodeId: node.id } });
    expect(sample).toMatchObject({
      gpuIndex: 0,
      utilizationPct: 100,
      memoryUsedMib: 40823,
      powerW: 692.81,
      temperatureC: 57,
      eccErrors: 0,
      xidErrors: null,
    });
    expect(stderr).toContain("registered e2e-h200-01");

    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("--once --json prints one report and sends it", async () => {
    const server = await serve();
    const result = await runOnce(
      ["--once", "--json", "--server", server.url, "--token", token, "--hostname", "e2e-once"],
      {
        FAKE_NVIDIA_SMI_STATE: "idle",
      },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.node).toMatchObject({
      hostname: "e2e-once",
      driverVersion: "580.159.04",
      cudaVersion: "13.0",
    });
    expect(report.samples).toEqual([
      expect.objectContaining({
        gpuIndex: 0,
        utilizationPct: 0,
        memoryUsedMib: 0,
        powerW: 123.61,
        temperatureC: 35,
      }),
    ]);
    expect(report.sent.telemetry).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it("fails in words when nvidia-smi is missing or fails, or the node is another site's", async () => {
    const missing = await runOnce(["--once"], { PATH: "/usr/bin:/bin" });
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toContain("nvidia-smi was not found on PATH");

    const failing = await runOnce(["--once"], { FAKE_NVIDIA_SMI_FAIL: "1" });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(
      "exited with 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver",
    );

    const server = await serve();
    const foreign = await t.db.prisma.gpuNode.findFirstOrThrow({
      where: { siteId: { not: SITE } },
      include: { site: true },
    });
    const refused = await runOnce(["--server", server.url, "--token", token, "--hostname", foreign.hostname]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `POST /agent/register: 403 ${foreign.hostname} belongs to site ${foreign.site.slug}`,
    );

    expect((await runOnce(["--server", server.url])).code).toBe(2);
  });
});

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
