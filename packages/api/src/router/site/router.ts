import { listSites } from "../../services/sites.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";
import { ZListSitesInput } from "./list-sites.schema.ts";

export const siteRouter = createTRPCRouter({
  list: protectedProcedure.input(ZListSitesInput).query(({ ctx, input }) => listSites(ctx.prisma, input)),
});
