import { appendAuditEvent, type PrismaClient } from "@switchyard/db";
import { AppError } from "../errors.ts";
import { ROLES, type TRole, ZRole } from "./session.ts";
import type { TSignedIn } from "./sign-in.ts";

/**
 * Single sign-on through an OpenID Connect provider: who a provider's identity is in
 * Switchyard.
 *
 * - An identity (issuer + `sub`) bound to a user signs in as that user, whatever email the
 *   provider sends later.
 * - An unbound identity is matched by email only when the provider asserts
 *   `email_verified: true` (or the email's domain is in `trustedDomains`: a provider that
 *   owns the domain, e.g. a company's Entra tenant that sends no `email_verified`). The
 *   identity is then bound to the user; a second identity of the same issuer claiming that
 *   user's email is refused.
 * - With just-in-time provisioning on, a verified email without a user becomes one (allowed
 *   domains, a default role, or a role from a group claim).
 */
export type TSsoConfig = {
  trustedDomains: string[];
  jit: {
    enabled: boolean;
    defaultRole: TRole;
    /** Empty: any domain. */
    allowedDomains: string[];
    groupsClaim: string;
    /** Group name -> role; a user in several mapped groups gets the most powerful role. */
    groupRoles: Record<string, TRole>;
  };
};

export const SSO_FAILURES = [
  "missing_email",
  "unverified_email",
  "no_user",
  "domain_not_allowed",
  "account_disabled",
  "identity_conflict",
] as const;
export type TSsoFailure = (typeof SSO_FAILURES)[number];

export type TSsoResult = { ok: true; user: TSignedIn; created: boolean } | { ok: false; reason: TSsoFailure };

/** The claims Switchyard reads, from the id_token merged with userinfo. */
export type TSsoClaims = {
  iss: string;
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  preferred_username?: unknown;
  [claim: string]: unknown;
};

const list = (raw: string | undefined) =>
  (raw ?? "")
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);

function parseRole(raw: string, variable: string): TRole {
  const parsed = ZRole.safeParse(raw.trim().toUpperCase());
  if (!parsed.success)
    throw new Error(`${variable} names an unknown role "${raw}" (one of ${ROLES.join(", ")})`);
  return parsed.data;
}

/** Reads the SSO settings from the environment (see the README's single sign-on section). */
export function ssoConfigFromEnv(env: Record<string, string | undefined> = process.env): TSsoConfig {
  const groupRoles: Record<string, TRole> = {};
  for (const pair of (env.OIDC_GROUP_ROLES ?? "").split(",").filter((p) => p.trim())) {
    const at = pair.lastIndexOf("=");
    if (at <= 0) throw new Error(`OIDC_GROUP_ROLES: "${pair}" is not group=ROLE`);
    groupRoles[pair.slice(0, at).trim()] = parseRole(pair.slice(at + 1), "OIDC_GROUP_ROLES");
  }
  return {
    trustedDomains: list(env.OIDC_TRUSTED_DOMAINS),
    jit: {
      enabled: env.OIDC_JIT === "1" || env.OIDC_JIT === "true",
      defaultRole: env.OIDC_JIT_DEFAULT_ROLE
        ? parseRole(env.OIDC_JIT_DEFAULT_ROLE, "OIDC_JIT_DEFAULT_ROLE")
        : "VIEWER",
      allowedDomains: list(env.OIDC_JIT_ALLOWED_DOMAINS),
      groupsClaim: env.OIDC_GROUPS_CLAIM?.trim() || "groups",
      groupRoles,
    },
  };
}

/** The role a provisioned user gets: the most powerful role among their mapped groups, or the default. */
export function roleFromGroups(config: TSsoConfig["jit"], groups: unknown): TRole {
  const names = Array.isArray(groups)
    ? groups.map(String)
    : typeof groups === "string"
      ? groups.split(/[\s,]+/)
      : [];
  const mapped = names.map((name) => config.groupRoles[name]).filter((role): role is TRole => Boolean(role));
  // ROLES runs from the most to the least powerful.
  return ROLES.find((role) => mapped.includes(role)) ?? config.defaultRole;
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

const asSignedIn = (user: {
  id: string;
  email: string;
  name: string;
  role: TRole;
  sessionVersion: number;
}): TSignedIn => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  sessionVersion: user.sessionVersion,
});

/** The user bound to a provider identity, for the session token after a successful SSO sign-in. */
export async function findUserByIdentity(prisma: PrismaClient, issuer: string, subject: string) {
  const identity = await prisma.userIdentity.findUnique({
    where: { issuer_subject: { issuer, subject } },
    select: { user: true },
  });
  return identity && !identity.user.disabled ? asSignedIn(identity.user) : null;
}

/** Decides who an SSO sign-in is, binding or provisioning as described above. */
export async function resolveSsoSignIn(
  prisma: PrismaClient,
  config: TSsoConfig,
  claims: TSsoClaims,
  now = new Date(),
): Promise<TSsoResult> {
  const { iss: issuer, sub: subject } = claims;
  const bound = await prisma.userIdentity.findUnique({
    where: { issuer_subject: { issuer, subject } },
    select: { id: true, user: true },
  });
  if (bound) {
    if (bound.user.disabled) return { ok: false, reason: "account_disabled" };
    await prisma.userIdentity.update({ where: { id: bound.id }, data: { lastSignInAt: now } });
    await prisma.user.update({ where: { id: bound.user.id }, data: { lastSignInAt: now } });
    return { ok: true, user: asSignedIn(bound.user), created: false };
  }

  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email.includes("@")) return { ok: false, reason: "missing_email" };
  const domain = email.slice(email.lastIndexOf("@") + 1);
  const verified = claims.email_verified === true || claims.email_verified === "true";
  if (!verified && !config.trustedDomains.includes(domain)) return { ok: false, reason: "unverified_email" };

  for (let attempt = 0; attempt < 2; attempt++) {
    const user = await prisma.user.findUnique({ where: { email } });
    if (user) {
      // Service accounts act only through their API tokens, never through a sign-in.
      if (user.disabled || user.kind === "SERVICE") return { ok: false, reason: "account_disabled" };
      try {
        await prisma.$transaction(async (tx) => {
          // One identity per issuer and user: another account at the provider that now
          // claims this email does not get in (the unique index refuses concurrent binds too).
          const other = await tx.userIdentity.findUnique({
            where: { userId_issuer: { userId: user.id, issuer } },
          });
          if (other) throw new AppError("CONFLICT", "identity conflict");
          await tx.userIdentity.create({
            data: { userId: user.id, issuer, subject, email, lastSignInAt: now },
          });
          await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
          await appendAuditEvent(tx, {
            actorId: user.id,
            actorLabel: user.email,
            action: "user.sso_bound",
            objectType: "User",
            objectId: user.id,
            after: { issuer, subject },
          });
        });
      } catch (error) {
        if (error instanceof AppError || isUniqueViolation(error))
          return { ok: false, reason: "identity_conflict" };
        throw error;
      }
      return { ok: true, user: asSignedIn(user), created: false };
    }

    if (!config.jit.enabled) return { ok: false, reason: "no_user" };
    if (config.jit.allowedDomains.length > 0 && !config.jit.allowedDomains.includes(domain))
      return { ok: false, reason: "domain_not_allowed" };
    const role = roleFromGroups(config.jit, claims[config.jit.groupsClaim]);
    const name =
      (typeof claims.name === "string" && claims.name.trim()) ||
      (typeof claims.preferred_username === "string" && claims.preferred_username.trim()) ||
      email;
    try {
      const created = await prisma.$transaction(async (tx) => {
        const row = await tx.user.create({
          data: { email, name: name.slice(0, 200), role, lastSignInAt: now },
        });
        await tx.userIdentity.create({ data: { userId: row.id, issuer, subject, email, lastSignInAt: now } });
        await appendAuditEvent(tx, {
          actorId: row.id,
          actorLabel: `sso:${issuer}`,
          action: "user.provisioned",
          objectType: "User",
          objectId: row.id,
          after: { email, role, issuer, subject },
        });
        return row;
      });
      return { ok: true, user: asSignedIn(created), created: true };
    } catch (error) {
      // Someone else created this email (or bound this identity) meanwhile: decide again.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return { ok: false, reason: "identity_conflict" };
}
