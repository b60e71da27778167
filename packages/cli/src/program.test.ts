import { mkdtempSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { TEnv } from "./config.ts";
import { EXIT, exitCodeForStatus } from "./exit-codes.ts";
import { buildProgram, exitCodeForState, run, type TIo } from "./program.ts";

function io(env: TEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: TIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "switchyard-cli-test-")), ...env },
    readToken: async () => "",
    sleep: async () => {},
  };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

/** A port nothing listens on: taken free from the kernel, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function leafCommands(command: Command, path: string[] = []): string[][] {
  const children = command.commands.filter((c) => c.name() !== "help");
  if (children.length === 0) return [path];
  return children.flatMap((c) => leafCommands(c, [...path, c.name()]));
}

describe("argument parsing", () => {
  it("every command has --help with an example, and exits 0", async () => {
    const leaves = leafCommands(buildProgram(io().io, () => {}));
    expect(leaves.map((l) => l.join(" "))).toEqual(
      expect.arrayContaining([
        "login",
        "logout",
        "whoami",
        "sites list",
        "sites get",
        "nodes list",
        "datasets get",
        "models list",
        "models show",
        "teams list",
        "workloads submit",
        "workloads list",
        "workloads get",
        "workloads cancel",
        "workloads watch",
        "recommend",
        "explain",
        "approvals list",
        "approvals approve",
        "approvals reject",
        "audit verify",
        "job-schema",
      ]),
    );
    for (const leaf of [[], ...leaves]) {
      const t = io();
      expect(await run([...leaf, "--help"], t.io), leaf.join(" ")).toBe(EXIT.OK);
      expect(t.out(), leaf.join(" ")).toMatch(/Examples?:\n {2}\$ switchyard/);
    }
  });

  it.each([
    [["workloads", "watch"], /missing required argument 'id'/],
    [["workloads", "submit"], /required option '-f, --file <job.yaml>' not specified/],
    [["approvals", "reject", "apr_1"], /required option '--comment <text>' not specified/],
    [["-o", "xml", "sites", "list"], /Allowed choices are table, json, yaml/],
    [["sites", "list", "--limit", "0"], /--limit is a whole number from 1 to 200/],
    [["workloads", "watch", "w1", "--until", "DONE"], /Allowed choices are DRAFT/],
    [["workloads", "watch", "w1", "--interval", "-1"], /--interval must be a number above 0/],
    [["login", "--server", "localhost"], /--server: "localhost" is not a URL/],
    [["sites", "lst"], /unknown command 'lst'/],
    [["whoami", "--bogus"], /unknown option '--bogus'/],
  ])("%j is a usage error (exit 2)", async (argv, message) => {
    const t = io();
    expect(await run(argv, t.io)).toBe(EXIT.USAGE);
    expect(t.err()).toMatch(message);
    expect(t.err()).not.toMatch(/\n\s+at /);
  });

  it("an approval decision needs an id or --workload, not both", async () => {
    const env = { SWITCHYARD_SERVER: "http://127.0.0.1:9", SWITCHYARD_TOKEN: "sy_x" };
    let t = io(env);
    expect(await run(["approvals", "approve"], t.io)).toBe(EXIT.USAGE);
    expect(t.err()).toContain("--workload");
    t = io(env);
    expect(await run(["approvals", "approve", "a1", "--workload", "w1"], t.io)).toBe(EXIT.USAGE);
  });

  it("-o is accepted before or after the command", async () => {
    const t = io();
    expect(await run(["job-schema", "-o", "json"], t.io)).toBe(EXIT.OK);
    expect(JSON.parse(t.out()).title).toBe("Switchyard job");
  });

  it("without a login, says how to log in (exit 1, no stack)", async () => {
    const t = io();
    expect(await run(["sites", "list"], t.io)).toBe(EXIT.ERROR);
    expect(t.err()).toBe(
      "error: Not logged in: run `switchyard login --server URL` (or set SWITCHYARD_SERVER and SWITCHYARD_TOKEN)\n",
    );
  });

  it("a server that does not answer is one line (exit 1)", async () => {
    const port = await closedPort();
    const t = io({ SWITCHYARD_SERVER: `http://127.0.0.1:${port}`, SWITCHYARD_TOKEN: "sy_x" });
    expect(await run(["whoami"], t.io)).toBe(EXIT.ERROR);
    expect(t.err()).toBe(`error: Cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it("an invalid job file is refused before anything is sent, naming the field (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-job-"));
    const file = join(dir, "job.yaml");
    writeFileSync(
      file,
      "name: x\nkind: TRAINING\nteamId: t\ngpu: {count: 100}\ngpuModels: [H100]\nestimatedHours: 1\n",
    );
    // The server is unreachable: a request would exit 1, so exit 2 proves nothing was sent.
    const t = io({ SWITCHYARD_SERVER: "http://127.0.0.1:9", SWITCHYARD_TOKEN: "sy_x" });
    expect(await run(["workloads", "submit", "-f", file], t.io)).toBe(EXIT.USAGE);
    expect(t.err()).toContain(`error: ${file} is not a valid job: check name, gpu.count`);
    expect(t.err()).toContain("  name: At least 2 characters");
    expect(t.err()).toContain("  gpu.count: At most 64 GPUs on one node");
  });
});

describe("exit codes", () => {
  it("map HTTP statuses", () => {
    expect([400, 401, 403, 404, 409, 412, 413, 422, 429, 500, 503].map(exitCodeForStatus)).toEqual([
      EXIT.USAGE,
      EXIT.ERROR,
      EXIT.ERROR,
      EXIT.NOT_FOUND,
      EXIT.CONFLICT,
      EXIT.CONFLICT,
      EXIT.ERROR,
      EXIT.ERROR,
      EXIT.ERROR,
      EXIT.ERROR,
      EXIT.ERROR,
    ]);
  });

  it("map a watched workload's final state", () => {
    expect(exitCodeForState("SCHEDULED", true)).toBe(EXIT.OK);
    expect(exitCodeForState("SUCCEEDED", false)).toBe(EXIT.OK);
    expect(exitCodeForState("FAILED", false)).toBe(EXIT.ERROR);
    expect(exitCodeForState("REJECTED", false)).toBe(EXIT.CONFLICT);
    expect(exitCodeForState("CANCELLED", false)).toBe(EXIT.CONFLICT);
    expect(exitCodeForState("AWAITING_APPROVAL", false)).toBe(EXIT.NEEDS_APPROVAL);
  });
});
