import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "switchyard";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signInAs(page: Page, email: string) {
  await signIn(page, email);
  // Signing in hashes the password with scrypt (slow on purpose, and CPU-bound) and then renders
  // the overview: on a loaded machine that takes longer than one ordinary expectation.
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 30_000 });
}
