import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const meRouter = createTRPCRouter({
  get: protectedProcedure.query(async ({ ctx }) => {
    const memberships = await ctx.prisma.membership.findMany({
      where: { userId: ctx.user.id },
      select: { role: true, team: { select: { id: true, slug: true, name: true } } },
      orderBy: { team: { name: "asc" } },
    });
    return { ...ctx.user, teams: memberships.map((m) => ({ ...m.team, role: m.role })) };
  }),
});
