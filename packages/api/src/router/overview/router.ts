import { getDashboard } from "../../services/dashboard.ts";
import { getOverview } from "../../services/overview.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZDashboardInput } from "./overview.schema.ts";

export const overviewRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => getOverview(ctx.prisma)),
  dashboard: protectedProcedure
    .input(ZDashboardInput)
    .query(({ ctx, input }) => getDashboard(ctx.prisma, input, new Date())),
});
