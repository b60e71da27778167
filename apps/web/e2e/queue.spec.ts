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

test("a platform engineer counts shares in GPU classes filled from prices, a bad unit is refused on its field, and classes turn off again", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/settings/fair-share");
  const status = page.getByTestId("gpu-classes-status");
  await expect(status).toHaveText("Off: shares are counted per GPU model.");
  await expect(page.getByTestId("gpu-class-row").filter({ hasText: "H100" })).toContainText("—");

  await page.getByRole("button", { name: "Edit classes" }).click();
  const form = page.getByRole("form", { name: "Edit GPU classes" });
  await form.getByRole("button", { name: "Fill from prices" }).click();
  const rows = form.getByTestId("gpu-class-edit-row");
  await expect(rows.first()).toBeVisible();
  // The demo prices H100s: the reference counts 1 unit; an L4 counts a fraction of it.
  await expect(form.getByLabel("Units per H100 GPU")).toHaveValue("1");
  const l4 = Number(await form.getByLabel("Units per L4 GPU").inputValue());
  expect(l4).toBeGreaterThan(0);
  expect(l4).toBeLessThan(1);

  // Refused in the browser on the field, in the server's words, before anything is sent.
  await form.getByLabel("Units per L4 GPU").fill("0");
  await form.getByRole("button", { name: "Save classes" }).click();
  await expect(form.getByText("At least 0.01 units per GPU")).toBeVisible();
  await expect(form.getByLabel("Units per L4 GPU")).toBeFocused();
  await form.getByLabel("Units per L4 GPU").fill("0.25");
  await form.getByRole("button", { name: "Save classes" }).click();
  await expect(page.getByText("GPU classes are saved.")).toBeVisible();
  await expect(status).toContainText("In effect");
  await expect(page.getByTestId("gpu-class-row").filter({ hasText: "L4" }).first()).toContainText("0.25");

  // The queue still orders every team, now in class units.
  await page.goto("/queue");
  await expect(page.getByTestId("queue-team-row").first()).toBeVisible();

  // Off again: no rows saved.
  await page.goto("/settings/fair-share");
  await page.getByRole("button", { name: "Edit classes" }).click();
  const again = page.getByRole("form", { name: "Edit GPU classes" });
  const editRows = again.getByTestId("gpu-class-edit-row");
  while ((await editRows.count()) > 0) await editRows.first().getByRole("button").click();
  await expect(again.getByText("No classes: saving turns them off")).toBeVisible();
  await again.getByRole("button", { name: "Save classes" }).click();
  await expect(page.getByText("GPU classes are off.")).toBeVisible();
  await expect(status).toHaveText("Off: shares are counted per GPU model.");
});

test("a viewer sees the GPU classes but cannot change them", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/settings/fair-share");
  await expect(page.getByTestId("gpu-classes-status")).toBeVisible();
  const edit = page.getByRole("button", { name: "Edit classes" });
  await expect(edit).toBeDisabled();
  await expect(page.locator("#edit-gpu-classes-reason")).toContainText("change GPU classes");
});
