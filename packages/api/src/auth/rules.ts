import type { TRole } from "./session.ts";

/**
 * Who may do what, as pure functions: no database, no framework, safe in the browser. The
 * server's checks (auth/access.ts, the procedures in trpc.ts) decide with these functions,
 * and the console hides or disables its controls with the same ones, so the two cannot
 * disagree. Each `…Refusal` function returns null when the action is allowed, or the
 * sentence that tells a person why not.
 */

/** Roles that see every team's work; the others see their own teams' work only. */
export const SEES_EVERY_TEAM_ROLES: readonly TRole[] = [
  "ADMIN",
  "PLATFORM_ENGINEER",
  "DATA_STEWARD",
  "VIEWER",
];
/** Roles that change any team's workloads; ML engineers change their own teams' only. */
export const OPERATES_EVERY_TEAM_ROLES: readonly TRole[] = ["ADMIN", "PLATFORM_ENGINEER"];
/** Roles that change the estate: sites, nodes, prices, quotas, executors, transfers. */
export const ESTATE_EDITOR_ROLES: readonly TRole[] = ["ADMIN", "PLATFORM_ENGINEER"];
/** Roles that may register and change datasets (a steward only the ones they steward). */
export const DATASET_EDITOR_ROLES: readonly TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD"];
/** Roles that may submit workloads (ML engineers for their own teams only). */
export const SUBMITTER_ROLES: readonly TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "ML_ENGINEER"];
/** Roles that may decide an approval step; the step says which of them (governance/approval-rules.ts). */
export const APPROVER_ROLES: readonly TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "ML_ENGINEER"];
/** Roles that read the audit log. */
export const AUDIT_READER_ROLES: readonly TRole[] = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD"];
/** The only role that edits policies, users, webhooks and other people's tokens. */
export const ADMIN_ROLES: readonly TRole[] = ["ADMIN"];

/**
 * What the rules need to know about the acting user: the role, the teams they belong to and,
 * when the request came with an API token restricted to one team, that team.
 */
export type TActor = {
  role: TRole;
  teamIds: readonly string[];
  tokenTeamId?: string | null;
};

/** A refusal: NOT_FOUND when the user may not even see the object, FORBIDDEN when they see it. */
export type TRefusal = { code: "NOT_FOUND" | "FORBIDDEN"; message: string };

const ROLE_NAMES: Record<TRole, string> = {
  ADMIN: "an admin",
  PLATFORM_ENGINEER: "a platform engineer",
  DATA_STEWARD: "a data steward",
  ML_ENGINEER: "an ML engineer",
  VIEWER: "a viewer",
};

export const hasRole = (role: TRole | undefined, roles: readonly TRole[]): boolean =>
  role !== undefined && roles.includes(role);

export const isEstateEditor = (role: TRole | undefined) => hasRole(role, ESTATE_EDITOR_ROLES);
export const isDatasetEditor = (role: TRole | undefined) => hasRole(role, DATASET_EDITOR_ROLES);
export const isAdmin = (role: TRole | undefined) => hasRole(role, ADMIN_ROLES);

function listRoles(roles: readonly TRole[]): string {
  const names = roles.map((r) => ROLE_NAMES[r]);
  return names.length <= 1 ? (names[0] ?? "nobody") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** Why a role may not do something only some roles may do, or null: "You are a viewer; only …". */
export function roleRefusal(role: TRole | undefined, roles: readonly TRole[], action: string): string | null {
  if (hasRole(role, roles)) return null;
  const who = role ? `You are ${ROLE_NAMES[role]}` : "You are not signed in";
  return `${who}; only ${listRoles(roles)} can ${action}.`;
}

/**
 * The teams whose work the actor sees and submits for; null means every team. A token
 * restricted to one team narrows whatever the role and memberships allow.
 */
export function teamScopeOf(actor: TActor): string[] | null {
  const tokenTeam = actor.tokenTeamId ?? null;
  if (SEES_EVERY_TEAM_ROLES.includes(actor.role)) return tokenTeam ? [tokenTeam] : null;
  return actor.teamIds.filter((id) => !tokenTeam || id === tokenTeam);
}

/** Whether a team's work is visible in a scope from teamScopeOf (null: every team). */
export function seesTeam(scope: readonly string[] | null, teamId: string): boolean {
  return scope === null || scope.includes(teamId);
}

/** Why the actor may not submit workloads at all (role), or null. */
export function submitRefusal(actor: Pick<TActor, "role">): string | null {
  if (SUBMITTER_ROLES.includes(actor.role)) return null;
  return `You are ${ROLE_NAMES[actor.role]}: your role can look at workloads but cannot submit them.`;
}

/** Why the actor may not submit for this team, or null: the role first, then the team. */
export function submitForTeamRefusal(actor: TActor, teamId: string): string | null {
  const byRole = submitRefusal(actor);
  if (byRole) return byRole;
  return seesTeam(teamScopeOf(actor), teamId) ? null : "You can only submit workloads for your own teams.";
}

/** Why the actor can submit for no team at all (role, or an ML engineer in no team), or null. */
export function submitAnyRefusal(actor: TActor): string | null {
  const byRole = submitRefusal(actor);
  if (byRole) return byRole;
  const scope = teamScopeOf(actor);
  return scope !== null && scope.length === 0
    ? "You belong to no team yet, and ML engineers submit for their own teams. Ask an admin to add you to one."
    : null;
}

/**
 * Changing one workload of a team (place, schedule, start, finish, cancel): its team's ML
 * engineers, or the estate's operators. A workload the actor cannot see is NOT_FOUND, exactly
 * as one that does not exist; one they see but may not change is FORBIDDEN.
 */
export function operateWorkloadRefusal(actor: TActor, workloadTeamId: string): TRefusal | null {
  const scope = teamScopeOf(actor);
  if (!seesTeam(scope, workloadTeamId))
    return { code: "NOT_FOUND", message: "This workload does not exist." };
  const tokenTeam = actor.tokenTeamId ?? null;
  if (OPERATES_EVERY_TEAM_ROLES.includes(actor.role) && (!tokenTeam || tokenTeam === workloadTeamId))
    return null;
  if (actor.role === "ML_ENGINEER" && scope?.includes(workloadTeamId)) return null;
  return {
    code: "FORBIDDEN",
    message:
      actor.role === "ML_ENGINEER"
        ? "Only the workload's team or a platform engineer can change it; you are not in its team."
        : `Only the workload's team or a platform engineer can change it; you are ${ROLE_NAMES[actor.role]}.`,
  };
}

/** Whether the user may change a dataset: estate editors any, data stewards those they steward. */
export function mayEditDataset(user: { id: string; role: TRole }, stewardIds: readonly string[]): boolean {
  return isEstateEditor(user.role) || (user.role === "DATA_STEWARD" && stewardIds.includes(user.id));
}
