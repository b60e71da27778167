import { ZNoInput } from "../lib/input.ts";
import { ZMe } from "../rest/outputs.ts";
import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const meRouter = createTRPCRouter({
  get: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/me",
        tags: ["Me"],
        summary: "Who am I",
        description:
          "The user the request acts as (a token's owner), with role and teams; `token` describes the token used.",
      },
    })
    .input(ZNoInput)
    .output(ZMe)
    .query(async ({ ctx }) => {
      const memberships = await ctx.prisma.membership.findMany({
        where: { userId: ctx.user.id },
        select: { role: true, team: { select: { id: true, slug: true, name: true } } },
        orderBy: { team: { name: "asc" } },
      });
      return { ...ctx.user, teams: memberships.map((m) => ({ ...m.team, role: m.role })) };
    }),
});
