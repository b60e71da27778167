import {
  createSite,
  decommissionSite,
  getSiteOrThrow,
  listSiteLocations,
  listSites,
  updateSite,
} from "../../services/sites.ts";
import { createTRPCRouter, estateEditorProcedure, protectedProcedure } from "../../trpc.ts";
import { ZListSitesInput } from "./list-sites.schema.ts";
import { ZSiteId, ZSiteInput, ZUpdateSiteInput } from "./site.schema.ts";

export const siteRouter = createTRPCRouter({
  list: protectedProcedure.input(ZListSitesInput).query(({ ctx, input }) => listSites(ctx.prisma, input)),
  locations: protectedProcedure.query(({ ctx }) => listSiteLocations(ctx.prisma)),
  byId: protectedProcedure
    .input(ZSiteId)
    .query(({ ctx, input }) => getSiteOrThrow(ctx.prisma, ctx.user, input.id)),
  create: estateEditorProcedure.input(ZSiteInput).mutation(({ ctx, input }) => createSite(ctx, input)),
  update: estateEditorProcedure
    .input(ZUpdateSiteInput)
    .mutation(({ ctx, input }) => updateSite(ctx, input.id, input.data, input.status)),
  decommission: estateEditorProcedure
    .input(ZSiteId)
    .mutation(({ ctx, input }) => decommissionSite(ctx, input.id)),
});
