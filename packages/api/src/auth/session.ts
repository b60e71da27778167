import { z } from "zod";

export const ROLES = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "ML_ENGINEER", "VIEWER"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const TOKEN_SCOPES = ["read", "write", "approve", "admin"] as const;
export const ZTokenScope = z.enum(TOKEN_SCOPES);
export type TTokenScope = z.infer<typeof ZTokenScope>;

/**
 * What an API token adds to its owner when a request carries one: the scopes it holds, the
 * one team it is restricted to (null: the owner's teams) and, for agent tokens, its site.
 */
export type TTokenGrant = {
  id: string;
  kind: "PERSONAL" | "SERVICE" | "AGENT";
  scopes: TTokenScope[];
  teamId: string | null;
  siteId: string | null;
};

/** What a signed-in request knows about its user; the session token carries exactly this. */
export const ZSessionUser = z.object({
  id: z.string().min(1),
  email: z.email(),
  name: z.string(),
  role: ZRole,
});
/** The user of a request; `token` is set when the request came with an API token instead of a session. */
export type TSessionUser = z.infer<typeof ZSessionUser> & { token?: TTokenGrant };

export const ROLE_LABELS: Record<TRole, string> = {
  ADMIN: "Admin",
  PLATFORM_ENGINEER: "Platform engineer",
  DATA_STEWARD: "Data steward",
  ML_ENGINEER: "ML engineer",
  VIEWER: "Viewer",
};

/**
 * What the session token (JWT) carries: the user's id and the `sessionVersion` it was issued
 * under. Everything else (role, name, disabled) is read from the user row on every request,
 * so a change there takes effect at once and a bumped version ends the session.
 */
export const ZSessionClaims = z.object({ uid: z.string().min(1), sv: z.number().int().nonnegative() });
export type TSessionClaims = z.infer<typeof ZSessionClaims>;
