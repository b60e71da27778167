import "server-only";
import { AppError } from "@switchyard/api";
import {
  endSessions,
  findUserByIdentity,
  resolveSessionUser,
  resolveSsoSignIn,
  signInWithPassword,
  ssoConfigFromEnv,
  type TSessionUser,
  type TSignedIn,
  type TSsoClaims,
  type TSsoFailure,
  ZSessionClaims,
  ZSessionUser,
} from "@switchyard/api/auth";
import { getPrisma } from "@switchyard/db";
import { headers } from "next/headers";
import { type AuthOptions, getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { cache } from "react";
import { z } from "zod";
import { getAuthSecret } from "./auth-secret";
import { clientAddress } from "./client-address";
import { safeRedirectUrl } from "./security/callback-url";

const ZCredentials = z.object({
  email: z.email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
});

/** `?error=` codes of the sign-in page for each way an SSO sign-in is refused. */
export const SSO_ERROR_CODES: Record<TSsoFailure, string> = {
  missing_email: "SsoMissingEmail",
  unverified_email: "SsoUnverifiedEmail",
  no_user: "SsoNoUser",
  domain_not_allowed: "SsoDomainNotAllowed",
  account_disabled: "SsoAccountDisabled",
  identity_conflict: "SsoIdentityConflict",
};

type TDiscovery = { id_token_signing_alg_values_supported?: unknown };
const discoveries = new Map<string, { at: number; value: Promise<TDiscovery | null> }>();

/** The provider's discovery document, fetched once every 10 minutes per process; null when unreachable. */
function discover(wellKnown: string): Promise<TDiscovery | null> {
  const cached = discoveries.get(wellKnown);
  if (cached && Date.now() - cached.at < 10 * 60_000) return cached.value;
  const value = fetch(wellKnown, { signal: AbortSignal.timeout(5_000) })
    .then((response) => (response.ok ? (response.json() as Promise<TDiscovery>) : null))
    .catch(() => null);
  discoveries.set(wellKnown, { at: Date.now(), value });
  void value.then((found) => {
    if (!found) discoveries.delete(wellKnown); // try again on the next sign-in
  });
  return value;
}

/**
 * The algorithm the provider signs our id_tokens with: OIDC_ID_TOKEN_SIGNING_ALG when set;
 * otherwise the provider's only one when discovery lists a single algorithm (e.g. ES256),
 * else RS256, which OpenID Connect makes the default for clients that registered none.
 */
export function idTokenAlgorithm(
  discovery: TDiscovery | null,
  configured = process.env.OIDC_ID_TOKEN_SIGNING_ALG,
) {
  if (configured?.trim()) return configured.trim();
  const supported = Array.isArray(discovery?.id_token_signing_alg_values_supported)
    ? discovery.id_token_signing_alg_values_supported.filter((alg): alg is string => typeof alg === "string")
    : [];
  if (supported.length === 1 && supported[0] !== "none") return supported[0] as string;
  return supported.length === 0 || supported.includes("RS256")
    ? "RS256"
    : (supported.find((a) => a !== "none") ?? "RS256");
}

type TOidcClaims = TSsoClaims & { name?: string; email?: string };

/** SSO through any OpenID Connect provider, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. */
async function oidcProvider(): Promise<OAuthConfig<TOidcClaims> | null> {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME } = process.env;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return null;
  const wellKnown = `${OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const algorithm = idTokenAlgorithm(await discover(wellKnown));
  return {
    id: "oidc",
    name: OIDC_NAME ?? "Single sign-on",
    type: "oauth",
    wellKnown,
    authorization: { params: { scope: process.env.OIDC_SCOPES ?? "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    client: { id_token_signed_response_alg: algorithm },
    userinfo: {
      // The id_token is verified by then; providers that keep email out of it (oidc-provider's
      // default, some enterprise set-ups) answer it from userinfo, whose `sub` must match.
      async request({ tokens, client }) {
        // next-auth hands over openid-client's TokenSet (typed as its plain parameters).
        const tokenSet = tokens as unknown as Parameters<typeof client.userinfo>[0] & { claims(): unknown };
        const claims = tokenSet.claims() as TOidcClaims;
        if (typeof claims.email === "string" && claims.email_verified !== undefined) return claims;
        const info = await client.userinfo(tokenSet);
        return { ...claims, ...info, iss: claims.iss, sub: claims.sub } as TOidcClaims;
      },
    },
    profile: (claims) => ({
      id: claims.sub,
      email: typeof claims.email === "string" ? claims.email : "",
      name:
        (typeof claims.name === "string" && claims.name) ||
        (typeof claims.preferred_username === "string" && claims.preferred_username) ||
        "",
    }),
  };
}

export const isSsoEnabled = () =>
  Boolean(process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID && process.env.OIDC_CLIENT_SECRET);

export async function getAuthOptions(): Promise<AuthOptions> {
  const oidc = await oidcProvider();
  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/signin", signOut: "/signout", error: "/signin" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(raw) {
          const parsed = ZCredentials.safeParse(raw);
          if (!parsed.success)
            throw new Error(parsed.error.issues[0]?.message ?? "Enter your email and password");
          try {
            const address = clientAddress(await headers());
            // next-auth's User type has no session version; the jwt callback reads it back.
            return (await signInWithPassword(await getPrisma(), parsed.data, { address })) as never;
          } catch (error) {
            // next-auth passes the message of an error thrown here to the sign-in page.
            if (error instanceof AppError) throw new Error(error.userMessage);
            throw error;
          }
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      // Only paths on this console after sign-in or sign-out (issue 11: open redirect).
      redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc") return true;
        const claims = profile as TOidcClaims | undefined;
        if (!claims?.iss || !claims.sub) return "/signin?error=OAuthCallback";
        const result = await resolveSsoSignIn(await getPrisma(), ssoConfigFromEnv(), claims);
        return result.ok ? true : `/signin?error=${SSO_ERROR_CODES[result.reason]}`;
      },
      async jwt({ token, user, account, profile }) {
        if (user && account) {
          // The token carries who and under which session version; never the role.
          const claims = profile as TOidcClaims | undefined;
          const signedIn: TSignedIn | null =
            account.provider === "oidc"
              ? claims?.iss && claims.sub
                ? await findUserByIdentity(await getPrisma(), claims.iss, claims.sub)
                : null
              : (user as unknown as TSignedIn);
          if (signedIn) {
            token.uid = signedIn.id;
            token.sv = signedIn.sessionVersion;
          }
        }
        return token;
      },
      async session({ session, token }) {
        const claims = ZSessionClaims.safeParse({ uid: token.uid, sv: token.sv });
        const user = claims.success ? await loadSessionUser(claims.data.uid, claims.data.sv) : null;
        return { ...session, user: user ?? undefined };
      },
    },
    events: {
      // Signing out ends the session for good: the token stops working even if replayed.
      async signOut({ token }) {
        const claims = ZSessionClaims.safeParse({ uid: token?.uid, sv: token?.sv });
        if (claims.success) await endSessions(await getPrisma(), claims.data);
      },
    },
  };
}

/**
 * The user row behind a session token, checked on every request (gone, disabled, session
 * version) with the role read fresh; one primary-key query, once per server render (React's
 * cache dedupes the calls of one request).
 */
const loadSessionUser = cache(
  async (uid: string, sv: number): Promise<TSessionUser | null> =>
    resolveSessionUser(await getPrisma(), { uid, sv }),
);

/** The signed-in user of this request, or null. */
export const getSessionUser = cache(async (): Promise<TSessionUser | null> => {
  const session = await getServerSession(await getAuthOptions());
  const parsed = ZSessionUser.safeParse(session?.user);
  return parsed.success ? parsed.data : null;
});
