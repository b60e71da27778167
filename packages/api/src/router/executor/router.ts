import { z } from "zod";
import { getJobScript, getSiteExecutor, setSiteExecutor, testSiteExecutor } from "../../executors/service.ts";
import { zId } from "../../lib/input.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZExecutorSiteId, ZSetExecutorInput } from "./executor.schema.ts";

export const executorRouter = createTRPCRouter({
  bySite: protectedProcedure
    .input(ZExecutorSiteId)
    .query(({ ctx, input }) => getSiteExecutor(ctx.prisma, input.siteId)),
  set: estateEditorProcedure
    .input(ZSetExecutorInput)
    .mutation(({ ctx, input }) => setSiteExecutor(ctx, input)),
  testConnection: estateEditorProcedure
    .input(ZExecutorSiteId)
    .mutation(({ ctx, input }) => testSiteExecutor(ctx, input.siteId)),
  jobScript: protectedProcedure
    .input(z.object({ workloadId: zId("Workload id") }))
    .query(({ ctx, input }) => getJobScript(ctx.prisma, ctx.user, input.workloadId)),
});
