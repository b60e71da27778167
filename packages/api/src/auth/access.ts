import type { PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import type { TRole, TSessionUser } from "./session.ts";

/**
 * Team scoping, the one place that decides which teams' work a user sees and changes. Roles
 * are checked by the tRPC procedures (roleProcedure); these rules add the "which objects"
 * part, and the procedures in trpc.ts (workloadOperatorProcedure) run them as middleware.
 */
const SEES_EVERY_TEAM: ReadonlySet<TRole> = new Set(["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "VIEWER"]);
const OPERATES_EVERY_TEAM: ReadonlySet<TRole> = new Set(["ADMIN", "PLATFORM_ENGINEER"]);

/** Team ids the user may see and submit for; null means every team. */
export async function teamScope(
  prisma: Pick<PrismaClient, "membership">,
  user: TSessionUser,
): Promise<string[] | null> {
  // A token restricted to one team narrows whatever the owner's role and teams allow.
  const tokenTeam = user.token?.teamId ?? null;
  if (SEES_EVERY_TEAM.has(user.role)) return tokenTeam ? [tokenTeam] : null;
  const memberships = await prisma.membership.findMany({
    where: { userId: user.id, ...(tokenTeam ? { teamId: tokenTeam } : {}) },
    select: { teamId: true },
  });
  return memberships.map((m) => m.teamId);
}

/** Whether a team's work is visible in a scope from teamScope (null: every team). */
export function seesTeam(scope: string[] | null, teamId: string): boolean {
  return scope === null || scope.includes(teamId);
}

/** Submitting for a team: ADMIN and PLATFORM_ENGINEER for any team, ML engineers for their own. */
export async function assertMayUseTeam(prisma: PrismaClient, user: TSessionUser, teamId: string) {
  if (user.role === "VIEWER" || user.role === "DATA_STEWARD") {
    throw new AppError("FORBIDDEN", `${user.role} cannot submit`, {
      userMessage: "Your role cannot submit workloads.",
    });
  }
  const scope = await teamScope(prisma, user);
  if (scope && !scope.includes(teamId)) {
    throw new AppError("FORBIDDEN", `${user.email} not in team ${teamId}`, {
      userMessage: "You can only submit workloads for your own teams.",
      field: "spec.teamId",
    });
  }
}

/**
 * Changing one workload (place, schedule, start, finish, cancel): its team, or the estate's
 * operators. A workload the user cannot see is missing (404, exactly as one that does not
 * exist); one they see but may not change is forbidden (403).
 */
export async function assertCanOperateWorkload(prisma: PrismaClient, user: TSessionUser, workloadId: string) {
  const [workload, scope] = await Promise.all([
    prisma.workload.findUnique({ where: { id: workloadId }, select: { teamId: true } }),
    teamScope(prisma, user),
  ]);
  if (!workload || !seesTeam(scope, workload.teamId))
    throw new AppError("NOT_FOUND", `workload ${workloadId} not found for ${user.email}`, {
      userMessage: "This workload does not exist.",
    });
  const tokenTeam = user.token?.teamId;
  if (OPERATES_EVERY_TEAM.has(user.role) && (!tokenTeam || tokenTeam === workload.teamId)) return;
  if (user.role !== "ML_ENGINEER" || !scope?.includes(workload.teamId)) {
    throw new AppError("FORBIDDEN", `${user.email} may not operate ${workloadId}`, {
      userMessage: "Only the workload's team or a platform engineer can change it.",
    });
  }
}
