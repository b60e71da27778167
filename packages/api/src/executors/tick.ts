import type { ExecutorKind, PrismaClient, SiteExecutor } from "@switchyard/db";
import { systemActor } from "../lib/audited.ts";
import { acquireLease, releaseLease } from "../loops/lease.ts";
import { timeLoopPass } from "../observability/loop-tick.ts";
import type { TLoopName } from "../observability/metrics.ts";
import { KubeError } from "./k8s-client.ts";
import { runKubernetesSite } from "./k8s-loop.ts";
import { noteWaiting, type TExecutorCtx, type TExecutorTickReport } from "./lifecycle.ts";
import { SlurmError } from "./slurm-client.ts";
import { runSlurmSite } from "./slurm-loop.ts";

export type { TExecutorTickReport } from "./lifecycle.ts";

/**
 * One executor kind's pass over one site: follow the jobs handed over, sync what it can,
 * hand new work over. Returns the site error to show (null: none). A scheduler failure is
 * thrown as the kind's own error (SlurmError, KubeError) and handled by the tick.
 */
type TSiteRunner = {
  scheduler: string;
  /** The loop its passes are timed under (switchyard_loop_tick_duration_seconds). */
  loop: TLoopName;
  run: (ctx: TExecutorCtx, executor: SiteExecutor, report: TExecutorTickReport) => Promise<string | null>;
};

const RUNNERS: Partial<Record<ExecutorKind, TSiteRunner>> = {
  SLURM: { scheduler: "Slurm", loop: "slurm", run: runSlurmSite },
  KUBERNETES: { scheduler: "Kubernetes", loop: "k8s", run: runKubernetesSite },
};

/**
 * One pass over every site with a scheduler, under a row lease (one process at a time). A
 * site whose scheduler fails keeps its workloads SCHEDULED with the reason and shows the
 * error; the next tick tries again.
 */
export async function runExecutorTick(
  prisma: PrismaClient,
  options: { holder: string },
): Promise<TExecutorTickReport> {
  const report: TExecutorTickReport = {
    sites: [],
    submitted: [],
    transitions: [],
    cancelled: [],
    errors: [],
  };
  if (!(await acquireLease(prisma, "executors", options.holder, 120))) return report;
  const ctx: TExecutorCtx = {
    prisma,
    user: systemActor("executor"),
    requestId: `executor-${options.holder}`,
  };
  try {
    const executors = await prisma.siteExecutor.findMany({
      where: { kind: { in: ["SLURM", "KUBERNETES"] }, site: { status: { not: "DECOMMISSIONED" } } },
      orderBy: { siteId: "asc" },
    });
    for (const executor of executors) {
      const runner = RUNNERS[executor.kind];
      if (!runner) continue;
      report.sites.push(executor.siteId);
      await runSite(ctx, executor, runner, report);
    }
  } finally {
    await releaseLease(prisma, "executors", options.holder);
  }
  return report;
}

async function runSite(
  ctx: TExecutorCtx,
  executor: SiteExecutor,
  runner: TSiteRunner,
  report: TExecutorTickReport,
) {
  const { prisma } = ctx;
  let siteError: string | null = null;
  try {
    siteError = await timeLoopPass(runner.loop, () => runner.run(ctx, executor, report));
  } catch (error) {
    if (error instanceof SlurmError || error instanceof KubeError) siteError = error.message;
    else if (error instanceof Error && error.name === "SecretKeyError")
      siteError = `the stored token cannot be decrypted: ${error.message}`;
    else throw error;
    await noteWaiting(prisma, executor.siteId, `waiting to be handed to ${runner.scheduler}: ${siteError}`);
  }
  const now = new Date();
  await prisma.siteExecutor.update({
    where: { siteId: executor.siteId },
    data: siteError
      ? { lastError: siteError, lastErrorAt: now }
      : { lastSyncAt: now, lastError: null, lastErrorAt: null },
  });
  if (siteError) report.errors.push({ siteId: executor.siteId, message: siteError });
}
