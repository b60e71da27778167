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
