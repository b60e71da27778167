import { getWorkloadEvidence } from "../../governance/evidence.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZWorkloadId } from "../workload/workload.schema.ts";

export const evidenceRouter = createTRPCRouter({
  workload: protectedProcedure
    .input(ZWorkloadId)
    .query(({ ctx, input }) => getWorkloadEvidence(ctx.prisma, ctx.user, input.id)),
});
