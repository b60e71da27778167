import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/**
 * The overview's and the team page's numbers, read off the page and checked against what the
 * REST API reads from the database. Spend grows every second while demo work runs, so a figure
 * on the page must lie between a read just before the page loaded and one just after.
 */

const number = async (locator: import("@playwright/test").Locator) =>
  Number(await locator.getAttribute("data-value"));

test("the overview's dashboards: range selector, and the numbers the database holds", async ({ page }) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/");
  const dashboards = page.getByTestId("dashboards");
  await expect(dashboards.getByRole("button", { name: "7 d" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("dash-approvals-count")).toBeVisible();

  // Pending approvals: every open request, as the approvals list (REST) counts them. The loop
  // keeps placing demo work, so the page's count lies between a read before and one after.
  const openCount = async () => {
    const open = await page.request.get("/api/v1/approvals?view=open&pageSize=1");
    expect(open.ok()).toBe(true);
    return ((await open.json()) as { total: number }).total;
  };
  const before = await openCount();
  await page.reload();
  await expect(page.getByTestId("dash-approvals-count")).toBeVisible();
  const shownApprovals = await number(page.getByTestId("dash-approvals-count"));
  const after = await openCount();
  expect(shownApprovals).toBeGreaterThanOrEqual(Math.min(before, after));
  expect(shownApprovals).toBeLessThanOrEqual(Math.max(before, after));

  // Each team's spend on the chart equals that team's showback over the same days.
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const teams = page.getByTestId("dash-spend").locator("[data-testid^=dash-spend-team-]");
  await expect(teams.first()).toBeVisible();
  for (const cell of await teams.all()) {
    const teamId = ((await cell.getAttribute("data-testid")) ?? "").replace("dash-spend-team-", "");
    const shown = await number(cell);
    const read = await page.request.get(`/api/v1/teams/${teamId}/spend?from=${weekAgo}&to=${today}`);
    const { totals } = (await read.json()) as { totals: { totalUsd: number } };
    // Read after the page: at least what the page showed.
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(totals.totalUsd + 0.01).toBeGreaterThanOrEqual(shown);
  }

  // Busiest first, idlest last, as shares of 0..1.
  const busiest = await number(page.getByTestId("dash-busiest").locator("[data-value]").first());
  const idlest = await number(page.getByTestId("dash-idlest").locator("[data-value]").first());
  expect(busiest).toBeGreaterThanOrEqual(idlest);
  expect(busiest).toBeLessThanOrEqual(1);

  // A custom range before anything happened shows the designed empty states.
  await dashboards.getByRole("button", { name: "Custom" }).click();
  await dashboards.getByLabel("From", { exact: true }).fill("2020-01-01");
  await dashboards.getByLabel("To", { exact: true }).fill("2020-01-07");
  await expect(page.getByTestId("dash-spend-empty")).toBeVisible();
  await expect(page.getByTestId("dash-placements-empty")).toBeVisible();
  await expect(page.getByTestId("dash-rejections-empty")).toBeVisible();
  await dashboards.getByRole("button", { name: "24 h" }).click();
  await expect(page.getByTestId("dash-gpus")).not.toHaveAttribute("aria-busy", "true");
  await expect(page.getByTestId("dash-gpus-empty")).toHaveCount(0);
});

test("the team page: spend against a budget set on the page, and the showback CSV adds up", async ({
  page,
}) => {
  await signInAs(page, "admin@switchyard.demo");
  const team = "team-foundation-models";
  const status = async () =>
    (await (await page.request.get(`/api/v1/teams/${team}/budget`)).json()) as {
      monthToDateUsd: number;
      monthlyUsd: number | null;
    };
  await page.goto(`/teams/${team}`);
  await page.getByRole("button", { name: "Set budget" }).click();
  await page.getByLabel("Monthly budget (USD)").fill("0.5");
  await page.getByLabel("Mode", { exact: true }).selectOption("HARD");
  const before = await status();
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByText("Budget saved.")).toBeVisible();
  await expect(page.getByTestId("team-budget")).toHaveText("$0.50");
  const shown = Number((await page.getByTestId("team-month-to-date").textContent())?.replace(/[$,]/g, ""));
  const after = await status();
  expect(after.monthlyUsd).toBe(0.5);
  expect(shown).toBeGreaterThanOrEqual(Math.floor(before.monthToDateUsd * 100) / 100);
  expect(shown).toBeLessThanOrEqual(after.monthToDateUsd + 0.01);
  // 128 H100 of the demo run for Foundation Models cost more than 50 cents within seconds.
  if (after.monthToDateUsd > 0.5)
    await expect(page.getByTestId("budget-warning")).toContainText("Hard budget");

  const download = page.waitForEvent("download");
  await page.getByTestId("showback-csv").click();
  const [header, ...rows] = readFileSync(await (await download).path(), "utf8")
    .trim()
    .split("\n");
  expect(header).toBe(
    "team,month,site,gpu_model,gpu_hours,gpu_cost_usd,egress_cost_usd,total_usd,unpriced_gpu_hours",
  );
  const csvTotal = rows.reduce((sum, row) => sum + Number(row.split(",")[7]), 0);
  const last = await status();
  expect(
    rows.every((row) => row.startsWith(`foundation-models,${new Date().toISOString().slice(0, 7)},`)),
  ).toBe(true);
  expect(csvTotal).toBeGreaterThanOrEqual(after.monthToDateUsd - 0.01);
  expect(csvTotal).toBeLessThanOrEqual(last.monthToDateUsd + 0.01);
});
