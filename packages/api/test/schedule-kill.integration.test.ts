/**
 * Fault test: a console process killed during `schedule` (issue 11). A child process runs the
 * real submit/place/schedule/finish path in several concurrent loops against PostgreSQL; it
 * is SIGKILLed at random moments, and after each kill the estate must be consistent:
 * allocated GPU counts equal live allocations, no live allocation of a finished workload, no
 * scheduled workload without its GPUs, no half-written workload, and the audit chain verifies.
 * Then a new process carries on where the killed one stopped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeOnPostgres } from "@switchyard/db/testing/suites";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkEstateConsistency } from "./support/estate-consistency.ts";
import { pidAlive, sleep, waitFor, waitForExit } from "./support/processes.ts";

const KILLS = 6;
/** Worker processes alive at once: while one is killed, the next is already starting. */
const CONCURRENT = 2;
const LOOPS = 3;
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..", "..");
// Inside the repository's node_modules, so the bundle finds the packages it leaves out.
const BUNDLE_DIR = join(REPO, "node_modules", ".cache", "switchyard-tests");
const BUNDLE = join(BUNDLE_DIR, `schedule-worker-${process.pid}.mjs`);

/**
 * The worker as one JavaScript file: starting it with node takes a few seconds less than
 * compiling the API's TypeScript with tsx on every start, which adds up over several kills
 * on a loaded machine. Database drivers and Prisma's runtime stay external, as in the console.
 */
async function bundleWorker() {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  await build({
    entryPoints: [join(HERE, "support", "schedule-worker.ts")],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["@prisma/*", "pg", "pg-*", "@electric-sql/*", "pglite-prisma-adapter"],
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
    logLevel: "error",
  });
}

type TWorker = { child: ChildProcess; out: () => string; err: () => string; scheduled: () => number };

describeOnPostgres("fault: a console process killed during schedule", () => {
  let t: TTestDb;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    [t] = await Promise.all([
      createTestDb("postgres").then(async (db) => {
        await seedDemo(db.db);
        return db;
      }),
      bundleWorker(),
    ]);
  });

  afterAll(async () => {
    for (const child of children) if (child.pid && pidAlive(child.pid)) child.kill("SIGKILL");
    rmSync(BUNDLE, { force: true });
    await t?.cleanup();
  });

  function startWorker(): TWorker {
    const child = spawn(process.execPath, [BUNDLE, String(LOOPS)], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: t.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    return {
      child,
      out: () => out,
      err: () => err,
      scheduled: () => out.split("\n").filter((line) => line.startsWith("scheduled ")).length,
    };
  }

  it("leaves a consistent estate after every SIGKILL, and the next process carries on", async () => {
    let scheduledTotal = 0;
    const killedAfter: number[] = [];
    const found: string[] = [];
    const workers = Array.from({ length: CONCURRENT }, startWorker);
    for (let kill = 0; kill < KILLS; kill++) {
      const worker = workers.shift() as TWorker;
      const { child } = worker;
      await waitFor(
        "a schedule worker to schedule its first workload",
        async () => {
          if (child.exitCode !== null)
            throw new Error(`worker exited ${child.exitCode}: ${worker.err().slice(-1_000)}`);
          return worker.scheduled() > 0 ? true : null;
        },
        90_000,
        20,
      );
      // A random moment once it is scheduling: some transactions are always in flight then.
      const ms = 200 + Math.floor(Math.random() * 1_300);
      await sleep(ms);
      expect(child.exitCode, `the worker died by itself: ${worker.err().slice(-1_000)}`).toBeNull();
      child.kill("SIGKILL");
      expect(await waitForExit(child.pid as number, 10_000)).toBe(true);
      killedAfter.push(ms);
      scheduledTotal += worker.scheduled();
      if (kill + workers.length < KILLS) workers.push(startWorker());

      // Checked while the other worker keeps scheduling: each check is one statement, so it
      // sees one committed state of the estate.
      const report = await checkEstateConsistency(t.db.prisma);
      found.push(...report.problems.map((p) => `after kill ${kill + 1}: ${p}`));
    }

    const final = await checkEstateConsistency(t.db.prisma);
    found.push(...final.problems.map((p) => `at the end: ${p}`));
    console.log(
      `schedule kill figures: ${JSON.stringify({
        kills: KILLS,
        killedAfterMs: killedAfter,
        scheduled: scheduledTotal,
        workloads: final.workloads,
        activeAllocations: final.activeAllocations,
        auditEvents: final.auditEvents,
        inconsistencies: found.length,
      })}`,
    );
    expect(scheduledTotal).toBeGreaterThan(KILLS);
    expect(found).toEqual([]);
  }, 150_000);
});
