import "server-only";
import { AppError } from "@switchyard/api";
import {
  endSessions,
  findUserForSso,
  resolveSessionUser,
  signInWithPassword,
  type TSessionClaims,
  type TSessionUser,
  ZSessionClaims,
  ZSessionUser,
} from "@switchyard/api/auth";
import { getPrisma } from "@switchyard/db";
import { type AuthOptions, getServerSession } from "next-auth";
import { headers } from "next/headers";
import { cache } from "react";
import CredentialsProvider from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { z } from "zod";
import { getAuthSecret } from "./auth-secret";
import { clientAddress } from "./client-address";

const ZCredentials = z.object({
  email: z.email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
});

type TOidcProfile = { sub: string; email?: string; name?: string; preferred_username?: string };

/** SSO through any OpenID Connect provider, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. */
function oidcProvider(): OAuthConfig<TOidcProfile> | null {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME } = process.env;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return null;
  return {
    id: "oidc",
    name: OIDC_NAME ?? "Single sign-on",
    type: "oauth",
    wellKnown: `${OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    profile: (profile) => ({
      id: profile.sub,
      email: profile.email ?? "",
      name: profile.name ?? profile.preferred_username ?? "",
    }),
  };
}

export const isSsoEnabled = () => oidcProvider() !== null;

export function getAuthOptions(): AuthOptions {
  const oidc = oidcProvider();
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
            return await signInWithPassword(await getPrisma(), parsed.data, { address });
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
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        // SSO signs in existing Switchyard users only; an admin creates the account first.
        return user.email ? (await findUserForSso(await getPrisma(), user.email)) !== null : false;
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          // The token carries who and under which session version; never the role.
          const signedIn =
            account.provider === "oidc" && user.email
              ? await findUserForSso(await getPrisma(), user.email)
              : (user as unknown as { id: string; sessionVersion: number });
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
 * The user row behind a session token, checked on every request (disabled, role, session
 * version), read once per request: React's cache dedupes the calls of one server render.
 */
const loadSessionUser = cache(async (uid: string, sv: number): Promise<TSessionUser | null> => {
  const claims: TSessionClaims = { uid, sv };
  return resolveSessionUser(await getPrisma(), claims);
});

/** The signed-in user of this request, or null. */
export const getSessionUser = cache(async (): Promise<TSessionUser | null> => {
  const session = await getServerSession(getAuthOptions());
  const parsed = ZSessionUser.safeParse(session?.user);
  return parsed.success ? parsed.data : null;
});
