export {
  ROLE_LABELS,
  ROLES,
  type TRole,
  type TSessionClaims,
  type TSessionUser,
  ZRole,
  ZSessionClaims,
  ZSessionUser,
} from "./session.ts";
export { findUserForSso } from "./sso.ts";
export { SIGN_IN_LIMITS, signInWithPassword, type TSignedIn } from "./sign-in.ts";
export { endSessions, resolveSessionUser, setUserDisabled, setUserRole } from "./users.ts";
