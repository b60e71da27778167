export { ROLE_LABELS, ROLES, type TRole, type TSessionUser, ZRole, ZSessionUser } from "./session.ts";
export { findUserForSso, SIGN_IN_LIMITS, signInWithPassword } from "./sign-in.ts";
