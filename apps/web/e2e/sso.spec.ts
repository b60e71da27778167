import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Single sign-on against a real OpenID Connect provider (e2e/oidc-provider.mjs, started by
// playwright.config.ts) that signs id_tokens with ES256 only.
const OIDC_PORT = Number(process.env.OIDC_TEST_PORT ?? Number(process.env.E2E_PORT ?? 3199) + 1100);

async function signInAtProvider(page: Page, account: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await page.waitForURL(new RegExp(`localhost:${OIDC_PORT}/interaction/`));
  await page.locator('input[name="login"]').fill(account);
  await page.locator('input[name="password"]').fill("any");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // oidc-provider asks for consent on the first sign-in of each account.
  const consent = page.getByRole("button", { name: "Continue" });
  await Promise.race([
    consent.waitFor({ timeout: 15_000 }).then(() => consent.click()),
    page.waitForURL(/localhost:\d+\/(signin|$)/, { timeout: 15_000 }),
  ]).catch(() => {});
}

test("the provider signs with ES256 only, so discovery must choose the algorithm", async ({ request }) => {
  const discovery = await (
    await request.get(`http://localhost:${OIDC_PORT}/.well-known/openid-configuration`)
  ).json();
  expect(discovery.id_token_signing_alg_values_supported).toEqual(["ES256"]);
});

test("a verified email signs in as the existing user, with the role from Switchyard", async ({ page }) => {
  await signInAtProvider(page, "idp-engineer");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("user-role")).toHaveText("ML engineer");
});

test("an unverified email is refused, even one that names the admin", async ({ page }) => {
  await signInAtProvider(page, "idp-mallory");
  await expect(page).toHaveURL(/\/signin\?error=SsoUnverifiedEmail/);
  await expect(page.getByTestId("signin-error")).toContainText("has not verified your email address");
});

test("a provider that puts email only in userinfo still signs the user in", async ({ page }) => {
  await signInAtProvider(page, "idp-steward");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("user-role")).toHaveText("Data steward");
});

test("a verified email without a Switchyard user is told so", async ({ page }) => {
  await signInAtProvider(page, "idp-stranger");
  await expect(page).toHaveURL(/\/signin\?error=SsoNoUser/);
  await expect(page.getByTestId("signin-error")).toContainText(
    "no Switchyard account for your single sign-on email",
  );
});

test("an unknown error code shows a generic message, never the code's text", async ({ page }) => {
  await page.goto("/signin?error=%3Cb%3Ephishing%20text%3C%2Fb%3E");
  await expect(page.getByTestId("signin-error")).toHaveText("Sign-in failed. Try again.");
});
