import { outputOf, ZPageOf, ZSiteRow, ZUpdatedSite } from "../../rest/outputs.ts";
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
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites",
        tags: ["Sites"],
        summary: "List sites",
        description: "Sites with their GPU totals; filter by kind, status, provider and country.",
      },
    })
    .output(outputOf<typeof listSites>(ZPageOf(ZSiteRow)))
    .input(ZListSitesInput)
    .query(({ ctx, input }) => listSites(ctx.prisma, input)),
  locations: protectedProcedure.query(({ ctx }) => listSiteLocations(ctx.prisma)),
  byId: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/sites/{id}",
        tags: ["Sites"],
        summary: "Get a site",
        description: "The site with prices, latencies, nodes by GPU model and datasets held.",
      },
    })
    .output(outputOf<typeof getSiteOrThrow>(ZSiteRow))
    .input(ZSiteId)
    .query(({ ctx, input }) => getSiteOrThrow(ctx.prisma, ctx.user, input.id)),
  create: estateEditorProcedure.input(ZSiteInput).mutation(({ ctx, input }) => createSite(ctx, input)),
  update: estateEditorProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/sites/{id}",
        tags: ["Sites"],
        summary: "Update a site",
        description:
          "Replaces the site's fields, prices and latencies. Send the ETag of your GET in If-Match: a site changed since then is refused with 412 and left as it is.",
      },
    })
    .output(outputOf<typeof updateSite>(ZUpdatedSite))
    .input(ZUpdateSiteInput)
    .mutation(({ ctx, input }) => updateSite(ctx, input.id, input.data, input.status)),
  decommission: estateEditorProcedure
    .input(ZSiteId)
    .mutation(({ ctx, input }) => decommissionSite(ctx, input.id)),
});
