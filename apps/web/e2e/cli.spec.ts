import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/**
 * The `switchyard` CLI end to end, as a pipeline uses it: the package is built and packed
 * (`npm pack`) and installed on its own into a temporary directory, and that binary runs as
 * a child process against this spec's console, with API tokens an ML engineer and a data
 * steward create over REST from their sessions.
 */
const CLI_PACKAGE = resolve(import.meta.dirname, "../../../packages/cli");
const work = mkdtempSync(join(tmpdir(), "switchyard-cli-e2e-"));
let bin = "";

type TResult = { code: number | null; stdout: string; stderr: string };

function cli(args: string[], env: Record<string, string>, stdin?: string): Promise<TResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      // Only what the CLI needs: no token or server leaks in from the runner's environment.
      env: { PATH: process.env.PATH ?? "", HOME: work, NODE_ENV: "production", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

const json = <T = Record<string, unknown>>(result: TResult): T => {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
};

async function createToken(
  browser: Browser,
  baseURL: string,
  email: string,
  scopes: string[],
): Promise<string> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInAs(page, email);
  const response = await page.request.post("/api/v1/tokens", {
    data: { name: "cli e2e", scopes, expiresInDays: 1 },
  });
  expect(response.status(), await response.text()).toBe(200);
  const { secret } = (await response.json()) as { secret: string };
  await context.close();
  return secret;
}

test.beforeAll(() => {
  // Build and pack as a user would get it, then install the tarball alone (no registry, no workspace).
  const pack = spawnSync("npm", ["pack", "--pack-destination", work], {
    cwd: CLI_PACKAGE,
    encoding: "utf8",
  });
  expect(pack.status, pack.stderr).toBe(0);
  const filename = readdirSync(work).find((f) => f.endsWith(".tgz"));
  expect(filename, pack.stdout).toBeDefined();
  const install = spawnSync(
    "npm",
    [
      "install",
      "--offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--prefix",
      work,
      join(work, filename ?? ""),
    ],
    { encoding: "utf8" },
  );
  expect(install.status, install.stderr).toBe(0);
  bin = join(work, "node_modules/@switchyard/cli/bin/switchyard.mjs");
});

test.afterAll(() => rmSync(work, { recursive: true, force: true }));

test("an engineer submits a regulated job from YAML, a steward approves it, both with the CLI", async ({
  browser,
  server,
}) => {
  test.setTimeout(180_000);
  const engineerToken = await createToken(browser, server.url, "engineer@switchyard.demo", ["read", "write"]);
  const stewardToken = await createToken(browser, server.url, "steward@switchyard.demo", [
    "read",
    "write",
    "approve",
  ]);
  const engineer = { XDG_CONFIG_HOME: join(work, "engineer") };
  const steward = { XDG_CONFIG_HOME: join(work, "steward") };

  // Login: the engineer's token from SWITCHYARD_TOKEN, the steward's on stdin; checked with /me.
  const login = await cli(["login", "--server", server.url], {
    ...engineer,
    SWITCHYARD_TOKEN: engineerToken,
  });
  expect(login.code, login.stderr).toBe(0);
  expect(login.stdout).toContain("as Eli Engineer <engineer@switchyard.demo> (ML_ENGINEER)");
  const config = join(engineer.XDG_CONFIG_HOME, "switchyard", "config.json");
  expect(statSync(config).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({ server: server.url, token: engineerToken });
  expect((await cli(["login", "--server", server.url], steward, `${stewardToken}\n`)).code).toBe(0);
  const me = json<{ email: string; role: string }>(await cli(["whoami", "-o", "json"], steward));
  expect(me).toMatchObject({ email: "steward@switchyard.demo", role: "DATA_STEWARD" });
  const badLogin = await cli(["login", "--server", server.url], {
    XDG_CONFIG_HOME: join(work, "nobody"),
    SWITCHYARD_TOKEN: "sy_notavalidtoken",
  });
  expect(badLogin.code).toBe(1);
  expect(badLogin.stderr).toMatch(/^error: .+/);
  expect(badLogin.stderr).not.toMatch(/\n\s+at /);

  // The documented example job reads a REGULATED dataset: its steward must approve it.
  const job = join(work, "job.yaml");
  writeFileSync(
    job,
    readFileSync(join(CLI_PACKAGE, "examples/job.yaml"), "utf8").replace(
      "name: claims-triage-eval",
      "name: cli-claims-triage",
    ),
  );
  const recommend = await cli(["recommend", "-f", job, "-o", "json"], engineer);
  expect(recommend.code, recommend.stderr).toBe(0);
  const preview = json<{ feasible: boolean; candidates: { siteId: string }[] }>(recommend);
  expect(preview.feasible).toBe(true);
  expect(preview.candidates.length).toBeGreaterThan(0);
  // A compact answer counts the sites that do not fit by reason; "all" names each one.
  const human = await cli(["recommend", "-f", job], engineer);
  expect(human.stdout).toContain("Candidates:");
  expect(human.stdout).toContain("Not placed at (sites by first reason):");
  expect(human.stdout).toMatch(/\n\d+\s+missing certification HIPAA(\n|$)/);
  const every = await cli(["recommend", "-f", job, "--candidates", "all"], engineer);
  expect(every.code, every.stderr).toBe(0);
  expect(every.stdout).toContain("Not placed at:");

  const submit = await cli(["workloads", "submit", "-f", job, "-o", "json"], engineer);
  expect(submit.code, submit.stderr).toBe(5); // needs approval
  const submitted = json<{ id: string; name: string; state: string }>(submit);
  expect(submitted).toMatchObject({ name: "cli-claims-triage", state: "AWAITING_APPROVAL" });
  const id = submitted.id;

  const awaiting = await cli(
    ["workloads", "watch", id, "--until", "AWAITING_APPROVAL", "-o", "json"],
    engineer,
  );
  expect(awaiting.code, awaiting.stderr).toBe(0);
  expect(json(awaiting).state).toBe("AWAITING_APPROVAL");

  // Follow it to SCHEDULED while the steward decides.
  const watching = cli(
    ["workloads", "watch", id, "--until", "SCHEDULED", "--interval", "0.5", "--timeout", "90", "-o", "json"],
    engineer,
  );

  const inbox = json<{ rows: { id: string; workload: { id: string } }[] }>(
    await cli(["approvals", "list", "--view", "inbox", "--all", "-o", "json"], steward),
  );
  const request = inbox.rows.find((row) => row.workload.id === id);
  expect(request, "the steward's inbox lists the request").toBeDefined();
  const approve = await cli(
    [
      "approvals",
      "approve",
      request?.id ?? "",
      "--comment",
      "Claims stay in the US on a HIPAA site.",
      "-o",
      "json",
    ],
    steward,
  );
  expect(approve.code, approve.stderr).toBe(0);
  expect(json(approve)).toMatchObject({ status: "APPROVED", workloadState: "SCHEDULED" });

  const scheduled = await watching;
  expect(scheduled.code, scheduled.stderr).toBe(0);
  expect(json<{ state: string; site: { id: string } }>(scheduled)).toMatchObject({
    state: "SCHEDULED",
    site: { id: preview.candidates[0]?.siteId },
  });

  // Reading it back: get, explain, the list with --all; deciding again is a conflict.
  expect(json(await cli(["workloads", "get", id, "-o", "json"], engineer)).state).toBe("SCHEDULED");
  const explain = await cli(["explain", id], engineer);
  expect(explain.code).toBe(0);
  expect(explain.stdout).toContain("Candidates:");
  const all = json<{ rows: { id: string }[] }>(
    await cli(["workloads", "list", "--all", "-o", "json"], engineer),
  );
  expect(all.rows.map((r) => r.id)).toContain(id);
  const again = await cli(["approvals", "approve", "--workload", id], steward);
  expect(again.code).toBe(4);
  expect(again.stderr).toContain("has no pending approval request (it is SCHEDULED)");

  // A sweep in one call: three jobs from one file, placed together and scheduled; the same
  // batch again (same key prefix) answers with the first workloads.
  const sweep = join(work, "sweep.yaml");
  writeFileSync(
    sweep,
    [1, 2, 3]
      .map(
        (i) =>
          `name: cli-sweep-${i}\nkind: FINE_TUNING\nteamId: team-health-ai\ngpu: { count: 1 }\ngpuModels: [H100, A100-80GB]\nestimatedHours: 2\n`,
      )
      .join("---\n"),
  );
  const batch = await cli(
    ["workloads", "submit-batch", "-f", sweep, "--client-key-prefix", "cli-sweep-2026", "-o", "json"],
    engineer,
  );
  expect(batch.code, batch.stderr).toBe(0);
  const answer = json<{
    workloads: { id: string; created: boolean; schedule: { state: string } }[];
    bound: string;
  }>(batch);
  expect(answer.workloads.map((w) => [w.created, w.schedule.state])).toEqual([
    [true, "SCHEDULED"],
    [true, "SCHEDULED"],
    [true, "SCHEDULED"],
  ]);
  expect(answer.bound).toMatch(/of optimal/);
  const replayed = await cli(
    ["workloads", "submit-batch", "-f", sweep, "--client-key-prefix", "cli-sweep-2026"],
    engineer,
  );
  expect(replayed.code, replayed.stderr).toBe(0);
  for (const w of answer.workloads)
    expect(replayed.stdout).toMatch(new RegExp(`${w.id}\\s+cli-sweep-\\d\\s+false\\s+SCHEDULED`));
  writeFileSync(sweep, `${readFileSync(sweep, "utf8")}---\nname: cli-sweep-4\nkind: TRAINING\n`);
  const badBatch = await cli(["workloads", "submit-batch", "-f", sweep], engineer);
  expect(badBatch.code).toBe(2);
  expect(badBatch.stderr).toContain("(job 4) is not a valid job");

  // Errors: not found (3) and an invalid job file naming the field (2), never a stack trace.
  const missing = await cli(["workloads", "get", "no-such-workload"], engineer);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toContain("error: This workload does not exist.");
  writeFileSync(
    job,
    "name: x\nkind: TRAINING\nteamId: team-health-ai\ngpu: { count: 0 }\ngpuModels: [H100]\nestimatedHours: 1\n",
  );
  const invalid = await cli(["workloads", "submit", "-f", job], engineer);
  expect(invalid.code).toBe(2);
  expect(invalid.stderr).toContain("gpu.count: At least 1 GPU");

  // The steward (a data steward may read the audit log) checks the chain.
  const verify = await cli(["audit", "verify", "-o", "json"], steward);
  expect(verify.code, verify.stderr).toBe(0);
  expect(json(verify).ok).toBe(true);

  expect((await cli(["logout"], engineer)).code).toBe(0);
  const loggedOut = await cli(["whoami"], engineer);
  expect(loggedOut.code).toBe(1);
  expect(loggedOut.stderr).toContain("Not logged in");
});

test("a platform engineer reads the fair queue and sets GPU classes with the CLI; a bad class is refused naming it", async ({
  browser,
  server,
}) => {
  const token = await createToken(browser, server.url, "platform@switchyard.demo", ["read", "write"]);
  const platform = {
    SWITCHYARD_SERVER: server.url,
    SWITCHYARD_TOKEN: token,
    XDG_CONFIG_HOME: join(work, "platform"),
  };

  const queue = json<{ total: number; rows: { position: number; waitingFor: string }[]; teams: unknown[] }>(
    await cli(["queue", "-o", "json"], platform),
  );
  expect(queue.rows.length).toBeGreaterThan(0);
  expect(queue.rows.map((r) => r.position)).toEqual(queue.rows.map((_, i) => i + 1));
  const human = await cli(["queue", "--team", "team-applied-ml"], platform);
  expect(human.code, human.stderr).toBe(0);
  expect(human.stdout).toContain("WAITS FOR");
  expect(human.stdout).toContain("team-applied-ml");

  const off = await cli(["fair-share", "classes"], platform);
  expect(off.stdout).toContain("No GPU classes: shares are counted per GPU model");
  const usage = await cli(["fair-share", "classes", "set", "H100"], platform);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("write MODEL=UNITS");
  // The server refuses a unit below 0.01, naming the field.
  const refused = await cli(["fair-share", "classes", "set", "H100=1", "L4=0.001"], platform);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("classes.1.units: At least 0.01 units per GPU");
  const unknown = await cli(["fair-share", "classes", "set", "H300=2"], platform);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain("classes.0.gpuModel");

  const set = json<{ inEffect: boolean; classes: { gpuModel: string; units: number }[] }>(
    await cli(["fair-share", "classes", "set", "H100=1", "L4=0.25", "-o", "json"], platform),
  );
  expect(set).toMatchObject({ inEffect: true });
  expect(set.classes.map((c) => [c.gpuModel, c.units])).toEqual([
    ["H100", 1],
    ["L4", 0.25],
  ]);
  expect((await cli(["queue"], platform)).code).toBe(0);
  const cleared = await cli(["fair-share", "classes", "set", "--off"], platform);
  expect(cleared.code, cleared.stderr).toBe(0);
  expect(cleared.stdout).toContain("No GPU classes");
});
