export {
  createAdmin,
  MIN_PASSWORD_LENGTH,
  SET_PASSWORD_TTL_MS,
  setPasswordLink,
  setPasswordWithToken,
} from "./admin.ts";
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
export { SIGN_IN_LIMITS, signInWithPassword, type TSignedIn } from "./sign-in.ts";
export {
  findUserByIdentity,
  resolveSsoSignIn,
  roleFromGroups,
  SSO_FAILURES,
  ssoConfigFromEnv,
  type TSsoClaims,
  type TSsoConfig,
  type TSsoFailure,
} from "./sso.ts";
export { endSessions, resolveSessionUser, setUserDisabled, setUserRole } from "./users.ts";
