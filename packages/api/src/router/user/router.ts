import { z } from "zod";
import { ZRole } from "../../auth/session.ts";
import { setUserDisabled, setUserRole } from "../../auth/users.ts";
import { createTRPCRouter, roleProcedure } from "../../trpc.ts";

// People and their roles: admins only. A role change or disabling ends the user's sessions.
const userAdminProcedure = roleProcedure("ADMIN");
const ZUserId = z.string().trim().min(1, "Choose a user").max(200, "A user id has at most 200 characters");

export const userRouter = createTRPCRouter({
  list: userAdminProcedure.query(({ ctx }) =>
    ctx.prisma.user.findMany({
      select: { id: true, email: true, name: true, role: true, disabled: true, lastSignInAt: true },
      orderBy: { email: "asc" },
    }),
  ),
  setRole: userAdminProcedure
    .input(z.object({ userId: ZUserId, role: ZRole }))
    .mutation(({ ctx, input }) => setUserRole(ctx.prisma, ctx.user, input.userId, input.role)),
  setDisabled: userAdminProcedure
    .input(z.object({ userId: ZUserId, disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(ctx.prisma, ctx.user, input.userId, input.disabled)),
});
