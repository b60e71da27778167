import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

test("the queue page shows pending work in fair order with what it waits for, and borrowed GPUs per team", async ({
  page,
}) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/");
  await page.getByRole("link", { name: "Queue", exact: true }).first().click();
  await expect(page).toHaveURL(/\/queue$/);
  const rows = page.getByTestId("queue-row");
  await expect(rows.first()).toBeVisible();
  // Positions run 1, 2, 3… and every row says what it waits for.
  const positions = (await rows.locator('td[data-label="#"]').allTextContents()).map(Number);
  expect(positions).toEqual(positions.map((_, i) => i + 1));
  for (const text of await rows.getByTestId("queue-waiting-for").allTextContents())
    expect(["Approval", "Dependency", "Data arrival", "Quota", "Capacity", "Fair share"]).toContain(text);

  // Applied ML runs 4 L40S it is not guaranteed (demo seed): borrowed.
  const applied = page.getByTestId("queue-team-row").filter({ hasText: "Applied ML" });
  await expect(applied.locator('td[data-label="Borrowed"]')).not.toHaveText("0");

  // The team filter keeps one team's rows, in the URL.
  await page.getByRole("combobox", { name: "Team", exact: true }).selectOption({ label: "Applied ML" });
  await expect(page).toHaveURL(/team=team-applied-ml/);
  await expect(page.getByTestId("queue-team-row")).toHaveCount(1);

  // A queued workload's page shows its position; the team page charts guaranteed and borrowed GPUs.
  const first = page.getByTestId("queue-row").first().getByRole("link").first();
  const name = await first.textContent();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name ?? "");
  await expect(page.getByTestId("queue-standing")).toContainText("Position");
  await page.goto("/teams/team-applied-ml");
  await expect(page.getByTestId("team-share-history")).toBeVisible();
  await expect(page.getByTestId("team-share-history").getByRole("img")).toBeVisible();
});
