import type { PrismaClient } from "@switchyard/db";
import { teamScope } from "../auth/access.ts";
import { operateWorkloadRefusal, submitForTeamRefusal } from "../auth/rules.ts";
import type { TSessionUser } from "../auth/session.ts";
import { AppError } from "../errors.ts";

/**
 * Who may do what with inference services: the same rules as workloads (auth/rules.ts), since
 * a service's replicas are its team's workloads. Its team's ML engineers and the estate's
 * operators manage it; a service of a team the user cannot see is missing (404).
 */
async function actorOf(prisma: PrismaClient, user: TSessionUser) {
  const scope = await teamScope(prisma, user);
  return { role: user.role, teamIds: scope ?? [], tokenTeamId: user.token?.teamId ?? null };
}

export const serviceNotFound = (id: string) =>
  new AppError("NOT_FOUND", `service ${id} not found`, { userMessage: "This service does not exist." });

/** Creating a service for a team: as submitting a workload for it. */
export async function assertMayCreateFor(prisma: PrismaClient, user: TSessionUser, teamId: string) {
  const refusal = submitForTeamRefusal(await actorOf(prisma, user), teamId);
  if (refusal)
    throw new AppError("FORBIDDEN", `${user.email} may not create services for ${teamId}`, {
      userMessage: refusal.replace("submit workloads", "create services"),
      field: "teamId",
    });
}

/** Changing, planning or applying one service: its team, or the estate's operators. */
export async function assertMayManageService(prisma: PrismaClient, user: TSessionUser, serviceId: string) {
  const [service, actor] = await Promise.all([
    prisma.service.findUnique({ where: { id: serviceId }, select: { teamId: true } }),
    actorOf(prisma, user),
  ]);
  if (!service) throw serviceNotFound(serviceId);
  const refusal = operateWorkloadRefusal(actor, service.teamId);
  if (refusal?.code === "NOT_FOUND") throw serviceNotFound(serviceId);
  if (refusal)
    throw new AppError("FORBIDDEN", `${user.email} may not manage service ${serviceId}`, {
      userMessage: "Only the service's team or a platform engineer can change it; you are not in its team.",
    });
}
