import { expect, test } from "./fixtures";
import { signIn, signInAs } from "./helpers";

test("an anonymous visitor is sent to the sign-in page", async ({ page }) => {
  await page.goto("/sites");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await signIn(page, "viewer@switchyard.demo", "not-the-password");
  await expect(page.getByTestId("signin-error")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin/);
});

test("sign in, see the GPU chart, open Sites, sign out", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");

  await expect(page.getByTestId("user-role")).toHaveText("Platform engineer");
  const chart = page.getByTestId("gpu-chart");
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  // The figures come from the seeded database: every environment has GPUs.
  for (const kind of ["ON_PREM", "CLOUD", "EDGE"]) {
    const total = await page.getByTestId(`env-row-${kind}`).locator("td").nth(3).textContent();
    expect(Number((total ?? "").replaceAll(",", ""))).toBeGreaterThan(0);
  }

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sites" }).click();
  await expect(page.getByRole("heading", { name: "Sites" })).toBeVisible();
  await expect(page.getByTestId("site-row").first()).toBeVisible();
  await expect(page.getByTestId("site-row").filter({ hasText: "Frankfurt DC (on-prem)" })).toBeVisible();

  // Filtering by environment keeps its state in the URL.
  await page.getByLabel("Environment").selectOption("EDGE");
  await expect(page).toHaveURL(/kind=EDGE/);
  await expect(page.getByTestId("site-row")).toHaveCount(4);

  await page.getByRole("button", { name: /Pat Platform/ }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
});

test("the console switches between light and dark", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  const html = page.locator("html");
  const wasDark = ((await html.getAttribute("class")) ?? "").includes("dark");
  await page.getByRole("button", { name: wasDark ? "Switch to light mode" : "Switch to dark mode" }).click();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  await page.reload();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
});

test("settings opens on its first tab and keeps webhooks to admins", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings\/policies$/);
  await page.goto("/settings/webhooks");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  const tabs = page.getByRole("navigation", { name: "Settings" });
  await expect(tabs.getByRole("link", { name: "Webhooks" })).toHaveAttribute("aria-current", "page");
  await expect(tabs.getByRole("link", { name: "Policies" })).toBeVisible();
  await expect(page.getByText("Webhooks are managed by admins")).toBeVisible();
  await expect(page.getByTestId("webhooks-table")).toHaveCount(0);
});

test("the overview's legend matches its bars, and its state and status counts are links", async ({
  page,
}) => {
  await signInAs(page, "viewer@switchyard.demo");
  const chart = page.getByTestId("gpu-chart");
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();

  // Each environment's "allocated" swatch has the colour its bar is drawn in (recharts' own
  // legend painted "Allocated" black while the bars were blue and orange).
  const barFills = await chart
    .locator(".recharts-bar-rectangle path")
    .evaluateAll((paths) => paths.map((p) => getComputedStyle(p).fill));
  for (const kind of ["ON_PREM", "CLOUD", "EDGE"]) {
    // recharts draws no bar for an environment with nothing allocated.
    const allocated = await page.getByTestId(`env-row-${kind}`).locator("td").nth(4).textContent();
    if (Number((allocated ?? "").replaceAll(",", "")) === 0) continue;
    const swatch = await page
      .getByTestId(`legend-swatch-allocated-${kind}`)
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(swatch).not.toBe("rgb(0, 0, 0)");
    expect(barFills).toContain(swatch);
  }

  await page.getByTestId("node-status-DOWN").click();
  await expect(page).toHaveURL(/\/nodes\?status=DOWN/);
  const rows = page.getByTestId("node-row");
  await expect(rows.first()).toBeVisible();
  for (const status of await rows.getByTestId("node-status").allInnerTexts()) expect(status).toBe("down");

  await page.goto("/");
  await page.getByTestId("workload-state-RUNNING").click();
  await expect(page).toHaveURL(/\/workloads\?state=RUNNING/);
});

test("on a 390 px phone the navigation is a menu and the overview does not scroll sideways", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAs(page, "viewer@switchyard.demo");
  await expect(page.getByTestId("gpu-chart")).toBeVisible();
  // The sidebar is folded away; nothing is wider than the screen.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  const overflow = await page.evaluate(() => {
    const root = document.scrollingElement as Element;
    return root.scrollWidth - root.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByRole("button", { name: "Open menu" }).click();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  await nav.getByRole("link", { name: "Sites" }).click();
  await expect(page.getByRole("heading", { name: "Sites" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();

  await page.getByRole("button", { name: "Open menu" }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
});
