import AxeBuilder from "@axe-core/playwright";
import type { BrowserContext, Page, TestInfo } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/**
 * Issue 15: every page passes axe-core's WCAG 2.1 A/AA rules with no serious or critical
 * violation, and a screenshot at 1440 and at 390 px goes with the run's artifacts for a person
 * to look at. Detail pages are reached through their list, so the ids are the demo's own.
 */
const PAGES: { path: string; open?: (page: Page) => Promise<void> }[] = [
  { path: "/" },
  { path: "/sites" },
  { path: "/sites/new" },
  { path: "/sites/import" },
  { path: "/sites/site-dc-frankfurt" },
  { path: "/sites/site-dc-frankfurt/edit" },
  { path: "/nodes" },
  { path: "/nodes/new" },
  { path: "/nodes (a node)", open: (page) => openFirst(page, "/nodes", "node-row") },
  { path: "/datasets" },
  { path: "/datasets/new" },
  { path: "/datasets/dataset-claims-2025" },
  { path: "/datasets/dataset-claims-2025/edit" },
  { path: "/models" },
  { path: "/models/dataset-defect-detector-v1" },
  { path: "/teams" },
  { path: "/teams/team-applied-ml" },
  { path: "/workloads" },
  { path: "/workloads/new" },
  { path: "/workloads/workload-code-model-sft" },
  { path: "/approvals" },
  { path: "/approvals (a request)", open: (page) => openFirst(page, "/approvals", "approval-row") },
  { path: "/audit" },
  { path: "/settings/tokens" },
  { path: "/settings/webhooks" },
  { path: "/settings/people" },
  { path: "/settings/policies" },
  { path: "/settings/fair-share" },
];

async function openFirst(page: Page, list: string, rowTestId: string) {
  await page.goto(list);
  await page.getByTestId(rowTestId).first().getByRole("link").first().click();
  await page.waitForURL((url) => url.pathname !== list);
}

/**
 * A full-page screenshot kept in the test's output folder (test-results/…, not in git) for a
 * person to look at after the run, and attached to the report.
 */
async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
}

test("the sign-in page has no serious accessibility violation", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test.describe("console pages", () => {
  // One sign-in for every page: the session is saved once and each page's test reuses it.
  test.describe.configure({ timeout: 120_000 });
  let session: Awaited<ReturnType<BrowserContext["storageState"]>>;
  test.beforeAll(async ({ browser }) => {
    const context = await browser.newContext();
    await signInAs(await context.newPage(), "admin@switchyard.demo");
    session = await context.storageState();
    await context.close();
  });

  for (const { path, open } of PAGES) {
    test(`${path} has no serious accessibility violation at 1440 and 390 px`, async ({
      browser,
    }, testInfo) => {
      const context = await browser.newContext({ storageState: session });
      const page = await context.newPage();
      const found: Record<string, unknown> = {};
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: 900 });
        if (open) await open(page);
        else await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible({ timeout: 30_000 });
        await page.waitForLoadState("networkidle");
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[`${width}px`] = violations;
        await attachScreenshot(page, testInfo, `${width}px.png`);
      }
      await context.close();
      expect(found).toEqual({});
    });
  }
});

/**
 * Dark mode (the system's, as a person who prefers it gets): the accent buttons and links, the
 * status colours and every text keep AA contrast. axe's color-contrast rule is among the rules.
 */
const DARK_PAGES = [
  "/",
  "/sites",
  "/sites/new",
  "/nodes",
  "/nodes/new",
  "/datasets",
  "/datasets/dataset-claims-2025",
  "/teams",
  "/workloads",
  "/workloads/new",
  "/approvals",
  "/audit",
  "/settings/tokens",
  "/settings/webhooks",
  "/settings/people",
  "/settings/policies",
  "/settings/fair-share",
];

test("the sign-in page has no serious accessibility violation in dark mode", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto("/signin");
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});

test.describe("console pages in dark mode", () => {
  test.describe.configure({ timeout: 180_000 });
  test("the main pages have no serious accessibility violation (contrast included) in dark mode", async ({
    browser,
  }, testInfo) => {
    const context = await browser.newContext({ colorScheme: "dark", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, "admin@switchyard.demo");
    const found: Record<string, unknown> = {};
    for (const path of DARK_PAGES) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveClass(/dark/);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible({ timeout: 30_000 });
      await page.waitForLoadState("networkidle");
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[path] = violations;
      await attachScreenshot(page, testInfo, `dark${path.replaceAll("/", "_")}.png`);
    }
    await context.close();
    expect(found).toEqual({});
  });
});
