/**
 * Switchyard against a real Slurm 22.05 cluster (slurmctld, two slurmd nodes with 8 H200
 * GRES each, slurmrestd with JWT) started by this file, on PostgreSQL.
 *
 * Slurm must be installed (`apt-get install -y slurm-wlm slurmrestd munge`, as .ci/run does)
 * and the tests run as root; otherwise they FAIL saying so. SWITCHYARD_SKIP_SLURM=1 skips
 * them explicitly, with a banner, on a machine that cannot run Slurm.
 */
import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, isPostgresAvailable, type TTestDb } from "@switchyard/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { SlurmClient } from "../src/executors/slurm-client.ts";
import { runExecutorTick } from "../src/executors/tick.ts";
import { runReconcileTick } from "../src/loops/reconcile.ts";
import { appRouter } from "../src/root.ts";
import type { TWorkloadSpec } from "../src/router/workload/workload.schema.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { approveAll } from "./helpers.ts";
import {
  slurmOptOut,
  slurmUnavailableReason,
  startSlurmCluster,
  type TSlurmCluster,
} from "./support/slurm-cluster.ts";

const createCaller = createCallerFactory(appRouter);
const PLATFORM: TSessionUser = {
  id: "user-platform",
  email: "platform@switchyard.demo",
  name: "Pat",
  role: "PLATFORM_ENGINEER",
};
const SITE = "site-slurm-test";
const CERT = "SLURM-TEST";
const BASE: Omit<TWorkloadSpec, "deadline"> = {
  name: "slurm-job",
  kind: "TRAINING",
  teamId: "team-applied-ml",
  gpu: { count: 2 },
  gpuModels: ["H200"],
  estimatedHours: 0.1,
  datasetIds: [],
  requiredCertifications: [CERT],
  allowedKinds: [],
  priority: 50,
  preemptible: false,
  dependsOn: [],
};

const unavailable =
  slurmUnavailableReason() ?? ((await isPostgresAvailable()) ? null : "PostgreSQL is not running");
if (unavailable && slurmOptOut()) {
  const bar = "!".repeat(78);
  console.warn(
    `\n${bar}\n!! Slurm integration tests SKIPPED (SWITCHYARD_SKIP_SLURM=1): ${unavailable}\n${bar}\n`,
  );
}

describe.skipIf(Boolean(unavailable) && slurmOptOut())(
  "Slurm executor against a real cluster [postgres]",
  () => {
    let t: TTestDb;
    let cluster: TSlurmCluster;
    let slurm: SlurmClient;
    const api = () => createCaller(createInnerContext({ prisma: t.db.prisma, user: PLATFORM }));
    const tick = () => runExecutorTick(t.db.prisma, { holder: "test" });
    const workload = (id: string) => t.db.prisma.workload.findUniqueOrThrow({ where: { id } });
    const events = (id: string) =>
      t.db.prisma.workloadEvent.findMany({ where: { workloadId: id }, orderBy: { createdAt: "asc" } });
    const externalJob = (id: string) =>
      t.db.prisma.externalJob.findFirstOrThrow({ where: { workloadId: id } });
    const jobsOf = async (id: string) =>
      (await slurm.jobs()).filter((j) => j.comment?.startsWith(`switchyard:${id}:`));

    /** Ticks until the workload is in one of the states (or the time is up). */
    async function until(id: string, states: string[], ms = 30_000, doTick: () => Promise<unknown> = tick) {
      const end = Date.now() + ms;
      for (;;) {
        await doTick();
        const w = await workload(id);
        if (states.includes(w.state)) return w;
        if (Date.now() > end)
          throw new Error(`workload ${id} is ${w.state} (${w.stateReason}), not ${states.join("/")}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }

    async function submitAndSchedule(spec: Partial<TWorkloadSpec> & { command: string; name: string }) {
      const { id } = await api().workload.submit({ spec: { ...BASE, ...spec } });
      const w = await api().workload.byId({ id });
      if (!w.decision?.feasible) return { id, scheduled: false, reason: w.stateReason };
      const result = await api().workload.schedule({ id, decisionId: w.decision.id });
      if (result.state === "AWAITING_APPROVAL") await approveAll(t.db, id);
      const after = await workload(id);
      return { id, scheduled: after.state === "SCHEDULED", reason: after.stateReason };
    }

    beforeAll(async () => {
      if (unavailable)
        throw new Error(
          `The Slurm integration tests cannot run: ${unavailable}. Set SWITCHYARD_SKIP_SLURM=1 to skip them explicitly.`,
        );
      cluster = await startSlurmCluster();
      slurm = new SlurmClient({
        endpoint: cluster.restUrl,
        userName: cluster.userName,
        token: cluster.token,
      });
      t = await createTestDb("postgres");
      await seedDemo(t.db);
      const p = t.db.prisma;
      await p.site.create({
        data: {
          id: SITE,
          slug: "slurm-test",
          name: "Slurm test cluster",
          kind: "ON_PREM",
          provider: "onprem",
          region: "local",
          country: "DE",
          jurisdiction: "EU",
          certifications: [CERT],
          wanGbps: 10,
          egressUsdPerGb: 0,
          carbonGPerKwh: 100,
          latitude: 50,
          longitude: 8,
          prices: { create: { gpuModel: "H200", usdPerGpuHour: 1, source: "test" } },
        },
      });
    }, 180_000);
    afterAll(async () => {
      await t?.cleanup();
      await cluster?.stop();
    });

    it("stores a Slurm executor with its token encrypted and never returned, and tests the connection", async () => {
      const missingToken = api().executor.set({
        siteId: SITE,
        kind: "SLURM",
        endpoint: cluster.restUrl,
        userName: "root",
        partitions: { H200: "gpu" },
      });
      await expect(missingToken).rejects.toMatchObject({ code: "BAD_REQUEST" });
      const bad = await api()
        .executor.set({ siteId: SITE, kind: "SLURM", endpoint: "ftp://x", userName: "Root!", partitions: {} })
        .catch((e: { code: string }) => e);
      expect(bad).toMatchObject({ code: "BAD_REQUEST" });

      const view = await api().executor.set({
        siteId: SITE,
        kind: "SLURM",
        endpoint: cluster.restUrl,
        userName: "root",
        token: cluster.token,
        partitions: { H200: "gpu" },
      });
      expect(view).toMatchObject({ kind: "SLURM", hasCredential: true, partitions: { H200: "gpu" } });
      expect(JSON.stringify(view)).not.toContain(cluster.token);
      const stored = await t.db.prisma.siteExecutor.findUniqueOrThrow({ where: { siteId: SITE } });
      expect(stored.credential).toMatch(/^enc:v1:/);
      expect(stored.credential).not.toContain(cluster.token);
      const audit = await t.db.prisma.auditEvent.findFirstOrThrow({
        where: { objectId: SITE, action: "site.executor.set" },
      });
      expect(JSON.stringify([audit.before, audit.after])).not.toContain(cluster.token);

      expect(await api().executor.testConnection({ siteId: SITE })).toEqual({
        ok: true,
        message: "Slurm answers: 2 node(s)",
        nodes: 2,
      });
    });

    it("syncs Slurm's nodes into the site: model and count from GRES, state", async () => {
      const report = await tick();
      expect(report.errors).toEqual([]);
      const nodes = await t.db.prisma.gpuNode.findMany({
        where: { siteId: SITE },
        orderBy: { hostname: "asc" },
      });
      expect(nodes.map((n) => [n.hostname, n.gpuModel, n.gpuCount, n.gpuAllocated, n.status])).toEqual([
        ["gpu1", "H200", 8, 0, "READY"],
        ["gpu2", "H200", 8, 0, "READY"],
      ]);
      expect((await api().executor.bySite({ siteId: SITE })).lastSyncAt).toBeInstanceOf(Date);
    });

    it("dispatches a 2-GPU workload, sees it RUNNING, then SUCCEEDED, with Slurm's times and GPUs released", async () => {
      const { id, scheduled } = await submitAndSchedule({ name: "two-gpus", command: "sleep 3" });
      expect(scheduled).toBe(true);
      await tick();
      const job = await externalJob(id);
      expect(job).toMatchObject({ status: "SUBMITTED", kind: "SLURM" });
      const [slurmJob] = await jobsOf(id);
      expect(slurmJob).toMatchObject({
        partition: "gpu",
        name: `switchyard-${id}`,
        job_id: Number(job.externalId),
      });
      expect(job.request).toMatchObject({ gres: "gpu:h200:2", nodes: 1, partition: "gpu" });
      expect(job.script).toContain("sleep 3");
      const download = await api().executor.jobScript({ workloadId: id });
      expect(download.fileName).toBe(`switchyard-${id}-slurm-${job.externalId}.sbatch`);
      expect(download.script.split("\n")).toEqual([
        "#!/bin/bash",
        `#SBATCH --job-name=switchyard-${id}`,
        `#SBATCH --comment=switchyard:${id}:${job.id}`,
        "#SBATCH --partition=gpu",
        "#SBATCH --nodes=1",
        expect.stringMatching(/^#SBATCH --nodelist=gpu[12]$/),
        "#SBATCH --gres=gpu:h200:2",
        "#SBATCH --time=18",
        "#SBATCH --chdir=/tmp",
        `# Switchyard workload ${id} (two-gpus)`,
        "sleep 3",
        "",
      ]);

      await until(id, ["RUNNING", "SUCCEEDED"]);
      const done = await until(id, ["SUCCEEDED"]);
      expect(done.stateReason).toBe(`Slurm job ${job.externalId} completed (exit code 0)`);
      const timeline = await events(id);
      expect(timeline.map((e) => e.toState)).toEqual(["PENDING", "SCHEDULED", "RUNNING", "SUCCEEDED"]);
      const ended = await slurm.job(job.externalId as string);
      // Slurm's own times, except that a start Slurm rounds down to just before the hand-over
      // is shown at the hand-over, so the timeline never runs backwards.
      const runningAt = Math.max((ended?.start_time ?? 0) * 1_000, job.createdAt.getTime());
      expect(timeline[2]?.createdAt.getTime()).toBe(runningAt);
      expect(timeline[3]?.createdAt.getTime()).toBe(Math.max((ended?.end_time ?? 0) * 1_000, runningAt));
      expect(await t.db.prisma.allocation.count({ where: { workloadId: id, status: "ACTIVE" } })).toBe(0);
      await tick();
      const allocated = await t.db.prisma.gpuNode.aggregate({
        where: { siteId: SITE },
        _sum: { gpuAllocated: true },
      });
      expect(allocated._sum.gpuAllocated).toBe(0);
    });

    it("a job that exits 3 ends FAILED with exit code 3 on the timeline", async () => {
      const { id } = await submitAndSchedule({ name: "exits-three", command: "sleep 1\nexit 3" });
      const failed = await until(id, ["FAILED"]);
      const job = await externalJob(id);
      expect(job.exitCode).toBe(3);
      expect(failed.stateReason).toBe(`Slurm job ${job.externalId} FAILED (NonZeroExitCode), exit code 3`);
      expect((await events(id)).at(-1)).toMatchObject({ toState: "FAILED", reason: failed.stateReason });
    });

    it("cancel in Switchyard cancels the job in Slurm", async () => {
      const { id } = await submitAndSchedule({ name: "to-cancel", command: "sleep 120" });
      await until(id, ["RUNNING"]);
      await api().workload.transition({ id, to: "CANCELLED", reason: "not needed" });
      await tick();
      const job = await externalJob(id);
      expect(job.status).toBe("ENDED");
      const end = Date.now() + 20_000;
      let state = "";
      while (Date.now() < end) {
        state = (await slurm.job(job.externalId as string))?.job_state ?? "gone";
        if (state === "CANCELLED") break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(state).toBe("CANCELLED");
      expect((await workload(id)).state).toBe("CANCELLED");
    });

    it("a 2 x 8 gang takes both nodes; a third job waits and runs after it", async () => {
      const reconcile = () =>
        runReconcileTick(t.db.prisma, { holder: "test", silenceSeconds: 3_600, retryAfterSeconds: 0 });
      await tick(); // Slurm's view of what the last test left (a cancelled job frees its GPUs late)
      const gang = await submitAndSchedule({
        name: "gang",
        gpu: { nodes: 2, gpusPerNode: 8 },
        command: "sleep 5",
      });
      expect(gang).toMatchObject({ scheduled: true });
      await until(gang.id, ["RUNNING"]);
      const [gangJob] = await jobsOf(gang.id);
      expect(gangJob).toMatchObject({ nodes: "gpu[1-2]", job_state: "RUNNING" });
      const third = await submitAndSchedule({ name: "third", gpu: { count: 4 }, command: "sleep 1" });
      expect(third.scheduled).toBe(false); // no free GPUs: it waits in Switchyard, Slurm is not asked
      expect(await jobsOf(third.id)).toEqual([]);
      await until(gang.id, ["SUCCEEDED"], 30_000, reconcile);
      await until(third.id, ["SUCCEEDED"], 30_000, reconcile);
      const thirdStart = (await events(third.id)).find((e) => e.toState === "RUNNING")?.createdAt;
      const gangEnd = (await events(gang.id)).find((e) => e.toState === "SUCCEEDED")?.createdAt;
      expect(thirdStart && gangEnd && thirdStart >= gangEnd).toBe(true);
    });

    it("slurmctld restarted while a job runs: tracking recovers, nothing is submitted twice", async () => {
      const { id } = await submitAndSchedule({ name: "survives-restart", command: "sleep 6" });
      await until(id, ["RUNNING"]);
      await cluster.restartController();
      const done = await until(id, ["SUCCEEDED"], 40_000);
      expect(done.state).toBe("SUCCEEDED");
      expect(await jobsOf(id)).toHaveLength(1);
      expect(await t.db.prisma.externalJob.count({ where: { workloadId: id } })).toBe(1);
    });

    it("after a crash between the intent and Slurm's answer, the job is found by its comment, not submitted again", async () => {
      const { id } = await submitAndSchedule({ name: "crash-recovery", command: "sleep 1" });
      const allocation = await t.db.prisma.allocation.findFirstOrThrow({
        where: { workloadId: id, status: "ACTIVE" },
      });
      // What a process that crashed right after submitting leaves: the intent, and the job in Slurm.
      const intent = await t.db.prisma.externalJob.create({
        data: {
          workloadId: id,
          decisionId: allocation.decisionId as string,
          siteId: SITE,
          kind: "SLURM",
          script: "",
          request: {},
        },
      });
      const jobId = await slurm.submit("#!/bin/bash\nsleep 1\n", {
        name: `switchyard-${id}`,
        comment: `switchyard:${id}:${intent.id}`,
        partition: "gpu",
        gres: "gpu:h200:2",
        nodes: 1,
        nodelist: "gpu1",
        time_limit: 5,
        current_working_directory: "/tmp",
        environment: { PATH: "/usr/bin:/bin" },
      });
      await tick();
      expect(await externalJob(id)).toMatchObject({ status: "SUBMITTED", externalId: jobId });
      expect(await jobsOf(id)).toHaveLength(1);
      await until(id, ["SUCCEEDED"]);
    });

    it("a node drained with scontrol shows DRAINING and gets no new work", async () => {
      await cluster.command("scontrol", ["update", "nodename=gpu2", "state=drain", "reason=maintenance"]);
      await tick();
      const gpu2 = await t.db.prisma.gpuNode.findFirstOrThrow({ where: { siteId: SITE, hostname: "gpu2" } });
      expect(gpu2.status).toBe("DRAINING");
      expect(gpu2.labels).toMatchObject({ slurmReason: "maintenance" });
      const first = await submitAndSchedule({ name: "on-gpu1", gpu: { count: 8 }, command: "sleep 2" });
      expect(first).toMatchObject({ scheduled: true });
      const nodes = await t.db.prisma.allocation.findMany({
        where: { workloadId: first.id },
        select: { node: { select: { hostname: true } } },
      });
      expect(nodes.map((n) => n.node.hostname)).toEqual(["gpu1"]);
      const second = await submitAndSchedule({ name: "nowhere", gpu: { count: 8 }, command: "sleep 2" });
      expect(second.scheduled).toBe(false);
      await until(first.id, ["SUCCEEDED"]);
      await cluster.command("scontrol", ["update", "nodename=gpu2", "state=resume"]);
      const end = Date.now() + 20_000;
      let status = "";
      while (Date.now() < end && status !== "READY") {
        await tick();
        status = (await t.db.prisma.gpuNode.findFirstOrThrow({ where: { siteId: SITE, hostname: "gpu2" } }))
          .status;
        if (status !== "READY") await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe("READY");
      await api().workload.transition({ id: second.id, to: "CANCELLED", reason: "done testing" });
    });

    it("unreachable scheduler, refused token, rejected submission: stays SCHEDULED with the reason, retried with back-off", async () => {
      const p = t.db.prisma;
      // Unreachable: nothing listens on port 9.
      await p.siteExecutor.update({ where: { siteId: SITE }, data: { endpoint: "http://127.0.0.1:9" } });
      const { id } = await submitAndSchedule({ name: "faults", command: "sleep 1" });
      await tick();
      expect((await workload(id)).state).toBe("SCHEDULED");
      expect((await workload(id)).stateReason).toMatch(
        /^waiting to be handed to Slurm: slurmrestd at http:\/\/127\.0\.0\.1:9 is unreachable/,
      );
      expect((await api().executor.bySite({ siteId: SITE })).lastError).toMatch(/unreachable/);

      // A refused token.
      await api().executor.set({
        siteId: SITE,
        kind: "SLURM",
        endpoint: cluster.restUrl,
        userName: "root",
        token: "eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJyb290In0.bad",
        partitions: { H200: "gpu" },
      });
      await tick();
      expect((await api().executor.bySite({ siteId: SITE })).lastError).toMatch(
        /^Slurm refused the request: .*token/,
      );
      expect((await api().executor.testConnection({ siteId: SITE })).ok).toBe(false);

      // A submission Slurm rejects: a partition that does not exist.
      await api().executor.set({
        siteId: SITE,
        kind: "SLURM",
        endpoint: cluster.restUrl,
        userName: "root",
        token: cluster.token,
        partitions: { H200: "no-such-partition" },
      });
      await tick();
      const rejected = await externalJob(id);
      expect(rejected).toMatchObject({ status: "INTENT", attempts: 1 });
      expect(rejected.lastError).toMatch(/Invalid partition name specified/);
      expect(rejected.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      expect((await workload(id)).stateReason).toMatch(
        /^Slurm did not take the job \(attempt 1\): .*Invalid partition/,
      );
      await tick(); // within the back-off: not tried again
      expect((await externalJob(id)).attempts).toBe(1);

      // Fixed: the retry goes through, once.
      await api().executor.set({
        siteId: SITE,
        kind: "SLURM",
        endpoint: cluster.restUrl,
        userName: "root",
        partitions: { H200: "gpu" },
      });
      await p.externalJob.update({ where: { id: rejected.id }, data: { nextAttemptAt: new Date() } });
      await until(id, ["SUCCEEDED"]);
      expect(await jobsOf(id)).toHaveLength(1);
      expect((await api().executor.bySite({ siteId: SITE })).lastError).toBeNull();
    });

    it("a workload cancelled before Slurm took it closes its hand-over; the site has no open jobs left", async () => {
      await api().executor.set({
        siteId: SITE,
        kind: "SLURM",
        endpoint: cluster.restUrl,
        userName: "root",
        partitions: { H200: "no-such-partition" },
      });
      const { id } = await submitAndSchedule({ name: "never-taken", command: "sleep 1" });
      await tick();
      expect(await externalJob(id)).toMatchObject({ status: "INTENT", attempts: 1 });
      await api().workload.transition({ id, to: "CANCELLED", reason: "gave up" });
      await tick();
      expect(await externalJob(id)).toMatchObject({
        status: "ENDED",
        externalId: null,
        externalReason: "not handed over: the workload is CANCELLED in Switchyard",
      });
      expect(await jobsOf(id)).toEqual([]);
      expect((await api().executor.bySite({ siteId: SITE })).openJobs).toBe(0);
      // With nothing open, the site can go back to MANUAL; its token is dropped.
      await api().executor.set({ siteId: SITE, kind: "MANUAL" });
      expect(await t.db.prisma.siteExecutor.findUniqueOrThrow({ where: { siteId: SITE } })).toMatchObject({
        kind: "MANUAL",
        credential: null,
      });
    });
  },
);
