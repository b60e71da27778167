import { z } from "zod";

export const ROLES = ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "ML_ENGINEER", "VIEWER"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

/** What a signed-in request knows about its user; the session token carries exactly this. */
export const ZSessionUser = z.object({
  id: z.string().min(1),
  email: z.email(),
  name: z.string(),
  role: ZRole,
});
export type TSessionUser = z.infer<typeof ZSessionUser>;

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
