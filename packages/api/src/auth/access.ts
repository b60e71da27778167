import type { PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import {
  operateWorkloadRefusal,
  SEES_EVERY_TEAM_ROLES,
  submitForTeamRefusal,
  submitRefusal,
  teamScopeOf,
} from "./rules.ts";
import type { TSessionUser } from "./session.ts";

/**
 * Team scoping, the one place that loads what the rules (auth/rules.ts) need about a user and
 * turns their refusals into errors. Roles are checked by the tRPC procedures (roleProcedure);
 * these add the "which objects" part, and the procedures in trpc.ts
 * (workloadOperatorProcedure) run them as middleware. The console asks the same rules.
 */

export { seesTeam } from "./rules.ts";

/** Team ids the user may see and submit for; null means every team. */
export async function teamScope(
  prisma: Pick<PrismaClient, "membership">,
  user: TSessionUser,
): Promise<string[] | null> {
  const tokenTeamId = user.token?.teamId ?? null;
  // Roles that see every team need no membership lookup.
  if (SEES_EVERY_TEAM_ROLES.includes(user.role))
    return teamScopeOf({ role: user.role, teamIds: [], tokenTeamId });
  const memberships = await prisma.membership.findMany({
    where: { userId: user.id, ...(tokenTeamId ? { teamId: tokenTeamId } : {}) },
    select: { teamId: true },
  });
  return teamScopeOf({ role: user.role, teamIds: memberships.map((m) => m.teamId), tokenTeamId });
}

/** The user as the rules see them: role, teams (scoped by a team token) and the token's team. */
async function actorOf(prisma: Pick<PrismaClient, "membership">, user: TSessionUser) {
  const scope = await teamScope(prisma, user);
  return { role: user.role, teamIds: scope ?? [], tokenTeamId: user.token?.teamId ?? null };
}

/**
 * Submitting for a team: ADMIN and PLATFORM_ENGINEER for any team, ML engineers for their own.
 * With `operate`, also changing the team's workloads (a submission that schedules at once).
 */
export async function assertMayUseTeam(
  prisma: PrismaClient,
  user: TSessionUser,
  teamId: string,
  options: { operate?: boolean } = {},
) {
  const byRole = submitRefusal(user);
  if (byRole) throw new AppError("FORBIDDEN", `${user.role} cannot submit`, { userMessage: byRole });
  const actor = await actorOf(prisma, user);
  const byTeam = submitForTeamRefusal(actor, teamId);
  if (byTeam) {
    throw new AppError("FORBIDDEN", `${user.email} not in team ${teamId}`, {
      userMessage: byTeam,
      field: "spec.teamId",
    });
  }
  const byOperation = options.operate ? operateWorkloadRefusal(actor, teamId) : null;
  if (byOperation) {
    throw new AppError("FORBIDDEN", `${user.email} may not operate team ${teamId}'s workloads`, {
      userMessage: byOperation.message,
      field: "schedule",
    });
  }
}

/**
 * Changing one workload (place, schedule, start, finish, cancel): its team, or the estate's
 * operators. A workload the user cannot see is missing (404, exactly as one that does not
 * exist); one they see but may not change is forbidden (403).
 */
export async function assertCanOperateWorkload(prisma: PrismaClient, user: TSessionUser, workloadId: string) {
  const [workload, actor] = await Promise.all([
    prisma.workload.findUnique({ where: { id: workloadId }, select: { teamId: true } }),
    actorOf(prisma, user),
  ]);
  const refusal = workload
    ? operateWorkloadRefusal(actor, workload.teamId)
    : ({ code: "NOT_FOUND", message: "This workload does not exist." } as const);
  if (refusal) {
    throw new AppError(
      refusal.code,
      `${user.email} may not operate workload ${workloadId}: ${refusal.code}`,
      {
        userMessage: refusal.message,
      },
    );
  }
}
