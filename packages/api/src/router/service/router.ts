import { outputOf } from "../../rest/outputs.ts";
import { planService } from "../../services/service-plans.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZServicePlan, ZServicePlanInput } from "./service.schema.ts";

export const serviceRouter = createTRPCRouter({
  plan: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/services/plan",
        tags: ["Services"],
        summary: "Plan an inference service's replicas (dry run)",
        description:
          "The replicas (sites and nodes) that serve each user region's demand within its latency SLO at the least cost, each region's coverage or why it falls short, and why every other site is not used. Nothing is saved.",
      },
    })
    .input(ZServicePlanInput)
    .output(outputOf<typeof planService>(ZServicePlan))
    .mutation(({ ctx, input }) => planService(ctx.prisma, input)),
});
