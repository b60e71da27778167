#!/usr/bin/env node
// A real OpenID Connect provider for the SSO browser tests (oidc-provider, the certified
// Node implementation), on http://localhost:$OIDC_TEST_PORT. It signs id_tokens with ES256
// only, so every SSO test also proves that the algorithm is taken from discovery. Its login
// form (oidc-provider's development interactions) accepts an account name from ACCOUNTS and
// any password.
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_TEST_PORT ?? 4303);
const consolePort = Number(process.env.E2E_PORT ?? 3199);
const issuer = `http://localhost:${port}`;

/** The test's people at the provider; `userinfoOnly` keeps email out of the id_token. */
const ACCOUNTS = {
  engineer: {
    sub: "idp-engineer",
    email: "engineer@switchyard.demo",
    email_verified: true,
    name: "Eli at the IdP",
  },
  mallory: { sub: "idp-mallory", email: "admin@switchyard.demo", email_verified: false, name: "Mallory" },
  steward: {
    sub: "idp-steward",
    email: "steward@switchyard.demo",
    email_verified: true,
    name: "Sam at the IdP",
    userinfoOnly: true,
  },
  stranger: {
    sub: "idp-stranger",
    email: "stranger@elsewhere.example",
    email_verified: true,
    name: "Stranger",
  },
};

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = { ...privateKey.export({ format: "jwk" }), alg: "ES256", use: "sig", kid: "e2e-es256" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "switchyard-e2e",
      client_secret: "switchyard-e2e-secret",
      redirect_uris: [`http://localhost:${consolePort}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      id_token_signed_response_alg: "ES256",
    },
  ],
  jwks: { keys: [jwk] },
  enabledJWA: { idTokenSigningAlgValues: ["ES256"] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Scope claims go into the id_token as well (unless an account is userinfo-only).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["switchyard-e2e-cookie-key"] },
  // The login form's name is the account id, which oidc-provider requires to equal `sub`.
  async findAccount(_ctx, id) {
    const account = Object.values(ACCOUNTS).find((a) => a.sub === id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims(use) {
        const { userinfoOnly, ...claims } = account;
        if (use === "id_token" && userinfoOnly) return { sub: claims.sub };
        return claims;
      },
    };
  },
});
provider.listen(port, () => console.log(`oidc-provider listening on ${issuer}`));
