import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/** Calls a tRPC mutation from the signed-in page (same origin, the browser's own cookies). */
async function mutate(page: Page, path: string, input: unknown) {
  return page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(`/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: input }),
      });
      return { status: response.status, body: await response.text() };
    },
    { path, input },
  );
}

test("a demoted admin loses the admin pages at once, without waiting for the token to expire", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAs(admin, "admin@switchyard.demo");
  expect((await mutate(admin, "user.setRole", { userId: "user-platform", role: "ADMIN" })).status).toBe(200);
  try {
    const platformContext = await browser.newContext();
    const platform = await platformContext.newPage();
    await signInAs(platform, "platform@switchyard.demo");
    await platform.goto("/settings/webhooks");
    await expect(platform.getByRole("button", { name: "New webhook" })).toBeVisible();

    expect(
      (await mutate(admin, "user.setRole", { userId: "user-platform", role: "PLATFORM_ENGINEER" })).status,
    ).toBe(200);
    // The very next request: the session is over.
    await platform.goto("/settings/webhooks");
    await expect(platform).toHaveURL(/\/signin/);
    // Signed in again, the role is the new one and the admin page stays closed.
    await signInAs(platform, "platform@switchyard.demo");
    await expect(platform.getByTestId("user-role")).toHaveText("Platform engineer");
    await platform.goto("/settings/webhooks");
    await expect(platform.getByText("Webhooks are managed by admins")).toBeVisible();
    const trpc = await mutate(platform, "user.setRole", { userId: "user-viewer", role: "ADMIN" });
    expect(trpc.status).toBe(403);
    await platformContext.close();
  } finally {
    // Leave the demo as the other journeys expect it.
    await mutate(admin, "user.setRole", { userId: "user-platform", role: "PLATFORM_ENGINEER" });
    await adminContext.close();
  }
});

test("a session cookie saved before sign-out is refused when replayed", async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, "viewer@switchyard.demo");
  const saved = await context.cookies();
  expect(saved.some((c) => c.name.includes("next-auth.session-token"))).toBe(true);

  await page.goto("/signout");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  const replay = await browser.newContext();
  await replay.addCookies(saved);
  const thief = await replay.newPage();
  await thief.goto("/sites");
  await expect(thief).toHaveURL(/\/signin/);
  const api = await thief.request.get("/api/trpc/me.get");
  expect(api.status()).toBe(401);
  await replay.close();
  await context.close();
});

test("an admin adds a person on Settings → People; the one-time link sets their password once; disabling them ends their session", async ({
  page,
  browser,
}) => {
  const email = `grace-${Date.now().toString(36)}@example.com`;
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/people");
  await page.getByRole("button", { name: "Add person" }).click();
  const form = page.getByRole("form", { name: "Add a person" });

  // Bad input is refused on its fields; nothing is created.
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(form.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Email").fill("viewer@switchyard.demo");
  await form.getByLabel("Name").fill("Val Again");
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(form.getByText("viewer@switchyard.demo is already a Switchyard user")).toBeVisible();

  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").fill("Grace Hopper");
  await form.getByLabel("Role").selectOption({ label: "ML engineer" });
  await form.getByLabel("Applied ML").check();
  await form.getByRole("button", { name: "Add person" }).click();
  const link = await page.getByTestId("password-link-value").textContent();
  expect(link).toMatch(/\/set-password\?token=/);
  await page.getByRole("button", { name: "I have stored it" }).click();
  const row = page.getByTestId("person-row").filter({ hasText: email });
  await expect(row).toContainText("Applied ML");
  await expect(row).toContainText("invited, no password yet");

  const grace = await (await browser.newContext()).newPage();
  await grace.goto(link ?? "");
  await grace.getByLabel("New password").fill("correct horse battery");
  await grace.getByLabel("Repeat it").fill("correct horse battery");
  await grace.getByRole("button", { name: "Set password" }).click();
  await expect(grace.getByTestId("set-password-done")).toContainText(email);
  // The link works once.
  await grace.goto(link ?? "");
  await grace.getByLabel("New password").fill("another long password");
  await grace.getByLabel("Repeat it").fill("another long password");
  await grace.getByRole("button", { name: "Set password" }).click();
  await expect(grace.getByTestId("set-password-error")).toContainText("not valid any more");

  await grace.goto("/signin");
  await grace.getByLabel("Email").fill(email);
  await grace.getByLabel("Password").fill("correct horse battery");
  await grace.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(grace.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 30_000 });
  await expect(grace.getByTestId("user-role")).toHaveText("ML engineer");

  await page.reload();
  await expect(row).toContainText("password");
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByTestId("person-state")).toHaveText("disabled");
  await grace.goto("/workloads");
  await expect(grace).toHaveURL(/\/signin/);
});
