import { getOverview } from "../../services/overview.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";

export const overviewRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => getOverview(ctx.prisma)),
});
