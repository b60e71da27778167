import { listUserRegions } from "../../inference/user-regions.ts";
import { ZPagingInput } from "../../lib/pagination.ts";
import { outputOf, ZPageOf, ZUserRegionRow } from "../../rest/outputs.ts";
import { createTRPCRouter, protectedProcedure } from "../../trpc.ts";

/** Where users sit: the regions services' demand and sites' latencies name, with coordinates. */
export const userRegionRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/user-regions",
        tags: ["Services"],
        summary: "List user regions",
        description:
          "The user regions a service's demand may name (e.g. eu-west), by name: a label, where the region is (latitude, longitude) and how many sites have a measured latency to it. A service may only ask for a region listed here.",
      },
    })
    .input(ZPagingInput.optional())
    .output(outputOf<typeof listUserRegions>(ZPageOf(ZUserRegionRow)))
    .query(({ ctx, input }) => listUserRegions(ctx.prisma, input)),
});
