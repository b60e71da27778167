import { z } from "zod";
import { getJobScript, getSiteExecutor, setSiteExecutor, testSiteExecutor } from "../../executors/service.ts";
import { zId } from "../../lib/input.ts";
import { outputOf, ZConnectionTest, ZExecutorView, ZJobScript } from "../../rest/outputs.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZExecutorSiteId, ZPutExecutorInput, ZSetExecutorInput } from "./executor.schema.ts";

const tags = ["Executors"];

export const executorRouter = createTRPCRouter({
  bySite: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites/{siteId}/executor",
        tags,
        summary: "Get a site's executor",
        description:
          "How work reaches the site (MANUAL, SLURM, KUBERNETES), its last sync and error; never the token.",
      },
    })
    .input(ZExecutorSiteId)
    .output(outputOf<typeof getSiteExecutor>(ZExecutorView))
    .query(({ ctx, input }) => getSiteExecutor(ctx.prisma, input.siteId)),
  set: estateEditorProcedure
    .input(ZSetExecutorInput)
    .mutation(({ ctx, input }) => setSiteExecutor(ctx, input)),
  put: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/sites/{siteId}/executor",
        tags,
        summary: "Set a site's executor",
        description:
          "settings: MANUAL; SLURM (slurmrestd URL, user, JWT, partition per GPU model); or KUBERNETES (API server URL, CA bundle, bearer token, namespace and Kueue LocalQueue per team, node pool label). Tokens are stored encrypted and never returned; leave the token out to keep the stored one.",
      },
    })
    .input(ZPutExecutorInput)
    .output(outputOf<typeof setSiteExecutor>(ZExecutorView))
    .mutation(({ ctx, input }) => setSiteExecutor(ctx, { ...input.settings, siteId: input.siteId })),
  testConnection: estateEditorProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/sites/{siteId}/executor/test",
        tags,
        summary: "Test a site's executor",
        description:
          "Calls the scheduler with the stored settings (Kubernetes: GET /version, each team's namespace and LocalQueue) and says what failed.",
      },
    })
    .input(ZExecutorSiteId)
    .output(outputOf<typeof testSiteExecutor>(ZConnectionTest))
    .mutation(({ ctx, input }) => testSiteExecutor(ctx, input.siteId)),
  jobScript: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/workloads/{workloadId}/job-script",
        tags,
        summary: "Get a workload's sbatch script or Job manifest",
        description:
          "What its latest hand-over gave the scheduler: the sbatch script (Slurm) or the batch/v1 Job manifest in YAML (Kubernetes).",
      },
    })
    .input(z.object({ workloadId: zId("Workload id") }))
    .output(outputOf<typeof getJobScript>(ZJobScript))
    .query(({ ctx, input }) => getJobScript(ctx.prisma, ctx.user, input.workloadId)),
});
