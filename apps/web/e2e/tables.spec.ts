import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/** The numbers in one column of the rows shown, read from the cells' text. */
async function columnNumbers(page: Page, rowTestId: string, column: string) {
  const cells = page.getByTestId(rowTestId).locator(`td[data-label="${column}"]`);
  return (await cells.allTextContents()).map((text) => Number(text.replace(/[^\d.]/g, "")));
}

test("a column hidden from the Columns menu stays hidden after a reload", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/workloads");
  const table = page.getByRole("table", { name: "Workloads" });
  await expect(page.getByTestId("workload-row").first()).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Team" })).toBeVisible();

  const menu = page.getByRole("button", { name: "Columns" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  // The column that names the row cannot be hidden, so it is not offered.
  await expect(page.getByRole("checkbox", { name: "Workload" })).toHaveCount(0);
  await page.getByRole("checkbox", { name: "Team" }).uncheck();
  await expect(table.getByRole("columnheader", { name: "Team" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  await page.reload();
  await expect(page.getByTestId("workload-row").first()).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "State" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "Team" })).toHaveCount(0);
  await expect(page.getByTestId("workload-row").first().locator('td[data-label="Team"]')).toHaveCount(0);

  // The choice belongs to this table only, and can be undone.
  await page.goto("/teams");
  await expect(
    page.getByRole("table", { name: "Teams" }).getByRole("columnheader", { name: "Members" }),
  ).toBeVisible();
  await page.goto("/workloads");
  await page.getByRole("button", { name: "Columns" }).click();
  await expect(page.getByRole("checkbox", { name: "Team" })).not.toBeChecked();
  await page.getByRole("checkbox", { name: "Team" }).check();
  await expect(table.getByRole("columnheader", { name: "Team" })).toBeVisible();
});

for (const { path, rowTestId, label } of [
  { path: "/workloads", rowTestId: "workload-row", label: "State" },
  { path: "/nodes", rowTestId: "node-row", label: "GPU memory" },
]) {
  test(`at 390 px ${path} shows each row as a card of labelled values, with no sideways scroll`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signInAs(page, "platform@switchyard.demo");
    await page.goto(path);
    const row = page.getByTestId(rowTestId).first();
    await expect(row).toBeVisible();

    // A card: the row is a block, its cells stack, and each cell shows its column's name.
    expect(await row.evaluate((tr) => getComputedStyle(tr).display)).toBe("block");
    const cell = row.locator(`td[data-label="${label}"]`);
    expect(await cell.evaluate((td) => getComputedStyle(td, "::before").content)).toBe(`"${label}"`);
    const cells = await row
      .locator("td")
      .evaluateAll((tds) =>
        tds.map((td) => td.getBoundingClientRect()).map((box) => ({ top: box.top, width: box.width })),
      );
    for (let i = 1; i < cells.length; i++) expect(cells[i]?.top).toBeGreaterThan(cells[i - 1]?.top ?? 0);
    // The header row is there for screen readers only.
    expect((await page.locator("thead").first().boundingBox())?.height ?? 0).toBeLessThanOrEqual(1);

    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    expect(overflow.scroll).toBeLessThanOrEqual(overflow.width);
    // For a person to look at: the run's artifacts, not git.
    await page.screenshot({ path: test.info().outputPath(`${path.slice(1)}-390.png`), fullPage: true });
  });
}

/** Whether the values are in the order asked for, each after the one before it. */
function isOrdered(values: number[], direction: "asc" | "desc") {
  if (values.length < 2) return false;
  return values.slice(1).every((value, i) => {
    const previous = values[i] ?? 0;
    return direction === "asc" ? previous <= value : previous >= value;
  });
}

test("sorting by a column writes the sort to the URL and reorders the rows", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/nodes?status=READY");
  await expect(page.getByTestId("node-row").first()).toBeVisible();
  const header = page.getByRole("columnheader", { name: "GPU memory" });
  await expect(header).toHaveAttribute("aria-sort", "none");

  await page.getByRole("button", { name: "GPU memory" }).click();
  await expect(page).toHaveURL(/sort=gpuMemoryGib&dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  await expect
    .poll(async () => isOrdered(await columnNumbers(page, "node-row", "GPU memory"), "asc"))
    .toBe(true);
  const ascending = await columnNumbers(page, "node-row", "GPU memory");

  await page.getByRole("button", { name: "GPU memory" }).click();
  await expect(page).toHaveURL(/sort=gpuMemoryGib&dir=desc/);
  await expect(header).toHaveAttribute("aria-sort", "descending");
  // The first page of the smallest may all be equal: wait for the largest to come first.
  await expect
    .poll(async () => (await columnNumbers(page, "node-row", "GPU memory"))[0] ?? 0)
    .toBeGreaterThan(ascending[0] ?? 0);
  expect(isOrdered(await columnNumbers(page, "node-row", "GPU memory"), "desc")).toBe(true);

  // The filter stayed, and the sorted view survives a reload.
  await expect(page).toHaveURL(/status=READY/);
  await page.reload();
  await expect(header).toHaveAttribute("aria-sort", "descending");
});
