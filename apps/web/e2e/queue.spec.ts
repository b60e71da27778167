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

test("a platform engineer groups sites and scopes a team's guarantee to them; a group in use cannot be deleted", async ({
  page,
}) => {
  const name = `Nordics ${Date.now().toString(36)}`;
  const slug = name.toLowerCase().replace(" ", "-");
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/settings");
  await page.getByRole("link", { name: "Fair sharing" }).click();
  await expect(page.getByTestId("site-group-row").filter({ hasText: "EU sites" })).toContainText(
    "Frankfurt DC",
  );

  await page.getByRole("button", { name: "New site group" }).click();
  const form = page.getByRole("form", { name: "New site group" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Slug").fill(slug);
  // No site chosen: refused on the field before anything is sent.
  await form.getByRole("button", { name: "Create site group" }).click();
  await expect(form.getByText("Choose at least one site")).toBeVisible();
  await form.getByRole("checkbox", { name: /Stockholm/ }).check();
  await form.getByRole("button", { name: "Create site group" }).click();
  await expect(page.getByText(`${name} is saved.`)).toBeVisible();
  const row = page.getByTestId("site-group-row").filter({ hasText: name });
  await expect(row).toContainText("Stockholm");
  await expect(row).toContainText("None");

  // Scope Inference Platform's L4 guarantee to the new group on the team's page.
  await page.goto("/teams/team-inference-platform");
  await page.getByRole("button", { name: "Edit quotas" }).click();
  await page.getByLabel("Sites where the L4 guarantee holds").selectOption({ label: `${name} (1 site)` });
  await page.getByRole("button", { name: "Save quotas" }).click();
  await expect(page.getByText("Quotas saved.")).toBeVisible();
  await expect(page.getByTestId("quota-row").filter({ hasText: name })).toContainText(/^L4/);

  await page.goto("/settings/fair-share");
  await expect(row).toContainText("Inference Platform · L4");
  await row.getByRole("button", { name: "Delete" }).click();
  await expect(
    page.getByText(/Quotas of Inference Platform guarantee GPUs on this group's sites/),
  ).toBeVisible();
  await expect(row).toBeVisible();
});
