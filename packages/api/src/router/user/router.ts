import { z } from "zod";
import { ZRole } from "../../auth/session.ts";
import { setUserDisabled, setUserRole } from "../../auth/users.ts";
import { invitePerson, issuePasswordLink, listPeople, setPersonTeams } from "../../services/people.ts";
import { createTRPCRouter, roleProcedure } from "../../trpc.ts";
import { ZInvitePersonInput, ZSetTeamsInput, ZUserId } from "./user.schema.ts";

// People and their roles: admins only. A role change or disabling ends the user's sessions.
const userAdminProcedure = roleProcedure("ADMIN");

export const userRouter = createTRPCRouter({
  /** People (not service accounts) with their role, teams, state and last sign-in. */
  list: userAdminProcedure.query(({ ctx }) => listPeople(ctx.prisma)),
  /** Adds a person; answers a one-time set-password token, shown once. */
  invite: userAdminProcedure.input(ZInvitePersonInput).mutation(({ ctx, input }) => invitePerson(ctx, input)),
  setTeams: userAdminProcedure.input(ZSetTeamsInput).mutation(({ ctx, input }) => setPersonTeams(ctx, input)),
  /** A new one-time set-password token for a person; earlier unused ones stop working. */
  passwordLink: userAdminProcedure
    .input(z.strictObject({ userId: ZUserId }))
    .mutation(({ ctx, input }) => issuePasswordLink(ctx, input)),
  setRole: userAdminProcedure
    .input(z.object({ userId: ZUserId, role: ZRole }))
    .mutation(({ ctx, input }) => setUserRole(ctx.prisma, ctx.user, input.userId, input.role)),
  setDisabled: userAdminProcedure
    .input(z.object({ userId: ZUserId, disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(ctx.prisma, ctx.user, input.userId, input.disabled)),
});
