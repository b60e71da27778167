import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

// Each run starts on a freshly seeded database; a nonce keeps created names unique anyway.
const nonce = Date.now().toString(36);

test("create a node at an existing site, then cordon it from the nodes table", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/nodes");
  await expect(page.getByRole("heading", { name: "GPU nodes" })).toBeVisible();
  await page.getByRole("link", { name: "Add node" }).click();

  // Bad input is refused inline, naming the field, before anything is sent.
  await page.getByRole("button", { name: "Add node" }).click();
  await expect(page.getByText("Choose a site", { exact: true }).last()).toBeVisible();
  await expect(page.getByLabel("Hostname")).toHaveAttribute("aria-invalid", "true");

  const hostname = `e2e-h100-${nonce}`;
  await page.getByLabel("Site").selectOption({ label: "Frankfurt DC (on-prem) (dc-frankfurt)" });
  await page.getByLabel("Hostname").fill(hostname);
  await page.getByLabel("GPU model").selectOption("H100");
  await expect(page.getByLabel("Memory per GPU (GiB)")).toHaveValue("80");
  await page.getByLabel("Fabric").fill("dc-frankfurt-h100-fabric-e2e");
  await page.getByRole("button", { name: "Add node" }).click();

  await expect(page.getByRole("heading", { name: hostname })).toBeVisible();
  await expect(page.getByTestId("node-status")).toHaveText("ready");

  // The same hostname again at that site is refused on the hostname field.
  await page.goto("/nodes/new");
  await page.getByLabel("Site").selectOption({ label: "Frankfurt DC (on-prem) (dc-frankfurt)" });
  await page.getByLabel("Hostname").fill(hostname);
  await page.getByLabel("Fabric").fill("dc-frankfurt-h100-fabric-e2e");
  await page.getByRole("button", { name: "Add node" }).click();
  await expect(page.getByText(`dc-frankfurt already has a node named ${hostname}.`)).toBeVisible();

  await page.goto("/nodes");
  await page.getByLabel("Search nodes").fill(hostname);
  await expect(page).toHaveURL(new RegExp(`q=${hostname}`));
  const row = page.getByTestId("node-row").filter({ hasText: hostname });
  await expect(page.getByTestId("node-row")).toHaveCount(1);
  await expect(row.getByTestId("node-status")).toHaveText("ready");

  await row.getByLabel(`Select ${hostname}`).check();
  await expect(page.getByTestId("selection-count")).toHaveText("1 selected");
  await page
    .getByRole("region", { name: "Bulk actions" })
    .getByRole("button", { name: "Cordon", exact: true })
    .click();
  await expect(page.getByTestId("node-action-result")).toContainText("Cordoned 1 node");
  await expect(row.getByTestId("node-status")).toHaveText("cordoned");
});

test("drain nodes in bulk and see the workloads that must move; a down node is refused", async ({ page }) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/nodes?siteId=site-dc-ashburn&gpuModel=H100&sort=hostname");
  await expect(page.getByTestId("node-row").first()).toBeVisible();
  const first = page.getByTestId("node-row").filter({ hasText: "dc-ashburn-h100-001" });
  const second = page.getByTestId("node-row").filter({ hasText: "dc-ashburn-h100-002" });
  await first.getByRole("checkbox").check();
  await second.getByRole("checkbox").check();
  const bulk = page.getByRole("region", { name: "Bulk actions" });
  await bulk.getByRole("button", { name: "Drain" }).click();
  await expect(page.getByTestId("node-action-result")).toContainText("Set draining 2 nodes");
  await expect(page.getByTestId("must-move")).toContainText("pretrain-70b-r3");
  await expect(first.getByTestId("node-status")).toHaveText("draining");

  // The node page lists what must move while it drains.
  await first.getByRole("link", { name: "dc-ashburn-h100-001" }).click();
  await expect(page.getByTestId("must-move")).toContainText("pretrain-70b-r3");
  await page.getByRole("button", { name: "Uncordon" }).click();
  await expect(page.getByTestId("node-status")).toHaveText("ready");

  await page.goto("/nodes?status=DOWN");
  const down = page.getByTestId("node-row").first();
  await down.getByRole("checkbox").check();
  await bulk.getByRole("button", { name: "Uncordon" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cannot uncordon this node" })).toContainText(
    "is down",
  );
  await expect(down.getByTestId("node-status")).toHaveText("down");
});

test("a viewer sees nodes but no edit controls", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/nodes");
  await expect(page.getByTestId("node-row").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Add node" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Bulk actions" })).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  const addNode = page.getByRole("button", { name: "Add node" });
  await expect(addNode).toBeDisabled();
  await expect(addNode).toHaveAccessibleDescription(
    "You are a viewer; only an admin or a platform engineer can add, cordon or drain nodes.",
  );
  await page.getByTestId("node-row").first().getByRole("link").first().click();
  await expect(page.getByTestId("node-actions-refused")).toContainText("You are a viewer");
});

test("a steward adds a replica where residency allows it and sees where it forbids one", async ({ page }) => {
  await signInAs(page, "steward@switchyard.demo");
  await page.goto("/datasets");
  await page.getByLabel("Classification").selectOption("REGULATED");
  await expect(page).toHaveURL(/classification=REGULATED/);
  await expect(page.getByTestId("dataset-row")).toHaveCount(4);
  await page.getByRole("link", { name: "Insurance claims 2025" }).click();
  await expect(page.getByTestId("residency")).toHaveText("US only");

  const site = page.getByLabel("Site");
  const frankfurt = site.locator("option", {
    hasText: "claims-2025 may only reside in US; dc-frankfurt is in DE",
  });
  await expect(frankfurt).toBeDisabled();

  // The last copy cannot be removed.
  await page.getByRole("button", { name: "Remove the replica at dc-ashburn" }).click();
  await page.getByRole("button", { name: "Remove replica" }).click();
  await expect(page.getByText("the last replica cannot be removed")).toBeVisible();

  await site.selectOption({ label: "AWS N. Virginia (us-east-1) · US · cloud" });
  await page.getByRole("button", { name: "Add replica" }).click();
  await expect(page.getByText("Added a replica at aws-us-east-1.")).toBeVisible();
  await expect(page.getByTestId("replica-row")).toHaveCount(2);

  await page.getByRole("button", { name: "Remove the replica at aws-us-east-1" }).click();
  await page.getByRole("button", { name: "Remove replica" }).click();
  await expect(page.getByText("Removed the replica at aws-us-east-1.")).toBeVisible();
  await expect(page.getByTestId("replica-row")).toHaveCount(1);
});

test("a platform engineer edits a team's quotas; a bad limit is refused inline", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/teams");
  await expect(page.getByTestId("team-row")).toHaveCount(5);
  await page.getByRole("link", { name: "Vision at the Edge" }).click();
  await expect(page.getByTestId("members")).toContainText("Vic Vision");
  await page.getByRole("button", { name: "Edit quotas" }).click();

  const limit = page.getByLabel("Limit of L4 GPUs");
  await limit.fill("2");
  await page.getByRole("button", { name: "Save quotas" }).click();
  await expect(page.getByText("The limit cannot be below the guaranteed GPUs")).toBeVisible();
  await expect(limit).toHaveAttribute("aria-invalid", "true");

  await limit.fill("30");
  await page.getByRole("button", { name: "Save quotas" }).click();
  await expect(page.getByText("Quotas saved.")).toBeVisible();
  await expect(page.getByTestId("quota-row").filter({ hasText: "L4" })).toContainText("30");
});

test("a site's GPU count and pool counts open the nodes table filtered to that site", async ({ page }) => {
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/sites/site-dc-frankfurt");
  await page.getByTestId("site-capacity").getByRole("link").click();
  await expect(page).toHaveURL(/\/nodes\?siteId=site-dc-frankfurt/);
  await expect(page.getByLabel("Site")).toHaveValue("site-dc-frankfurt");
  const rows = page.getByTestId("node-row");
  await expect(rows.first()).toBeVisible();
  // Every row on the page belongs to Frankfurt: the filter was read, not ignored.
  for (const text of await rows.allInnerTexts()) expect(text).toContain("dc-frankfurt");

  await page.goto("/sites");
  await page
    .getByRole("row")
    .filter({ hasText: "Frankfurt DC" })
    .getByRole("link", { name: /^[\d,]+$/ })
    .click();
  await expect(page).toHaveURL(/\/nodes\?siteId=site-dc-frankfurt/);
  await expect(page.getByLabel("Site")).toHaveValue("site-dc-frankfurt");
});

test("a steward registers a dataset with its copies, then edits it; bad input and broken residency are refused on their fields", async ({
  page,
}) => {
  await signInAs(page, "steward@switchyard.demo");
  await page.goto("/datasets");
  await page.getByRole("link", { name: "Register dataset" }).click();
  const form = page.getByRole("form", { name: "Register a dataset" });

  // Nothing filled in: each field says what it needs, the first bad one has the focus.
  await form.getByRole("button", { name: "Register dataset" }).click();
  await expect(form.getByLabel("Slug")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Slug")).toBeFocused();
  await expect(form.getByLabel("Size (GB)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("Choose the team that owns the data")).toBeVisible();
  await expect(form.getByText("Choose at least one site where the data is stored today")).toBeVisible();

  const slug = `e2e-tickets-${nonce}`;
  await form.getByLabel("Slug").fill(slug);
  await form.getByLabel("Name").fill("E2E support tickets");
  await form.getByLabel("Size (GB)").fill("42.5");
  await form.getByLabel("Owner team").selectOption({ label: "Applied ML" });
  await form.getByLabel("Classification").selectOption("REGULATED");
  // Regulated data names its regulation: refused in the browser with the server's words.
  await form.getByRole("button", { name: "Register dataset" }).click();
  await expect(form.getByText("Regulated data names at least one regulation, e.g. GDPR")).toBeVisible();
  await form.getByLabel("Regulations").fill("gdpr");
  await form.getByLabel("May only reside in countries").fill("DE");
  // The residency rule rules out sites elsewhere as the person types it.
  const ashburn = page.getByTestId("replica-site").filter({ hasText: "Ashburn DC" });
  await expect(ashburn).toContainText("may only reside in DE");
  await expect(ashburn.getByRole("checkbox")).toBeDisabled();
  await page.getByTestId("replica-site").filter({ hasText: "Frankfurt DC" }).getByRole("checkbox").check();
  await form.getByRole("button", { name: "Register dataset" }).click();

  await expect(page.getByRole("heading", { name: "E2E support tickets" })).toBeVisible();
  await expect(page.getByTestId("residency")).toContainText("DE");
  await expect(page.getByTestId("stewards")).toContainText("steward@switchyard.demo");

  await page.getByRole("link", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: `Edit ${slug}` });
  await expect(edit.getByLabel("Size (GB)")).toHaveValue("42.5");
  // A rule the copy in Frankfurt breaks is refused by the server, next to the rule.
  await edit.getByLabel("May only reside in countries").fill("US");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByLabel("May only reside in countries")).toHaveAttribute("aria-invalid", "true");
  await expect(edit.getByText(/stored at dc-frankfurt, which this rule forbids/)).toBeVisible();
  await edit.getByLabel("May only reside in countries").fill("DE, AT");
  await edit.getByLabel("Description").fill("Edited in the browser.");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "E2E support tickets" })).toBeVisible();
  await expect(page.getByText("Edited in the browser.")).toBeVisible();
  await expect(page.getByTestId("residency")).toContainText("AT");
});

test("a person saves the filtered nodes table as a view, opens it again from elsewhere, then deletes it", async ({
  page,
}) => {
  const name = `Draining nodes ${Date.now().toString(36)}`;
  await signInAs(page, "viewer@switchyard.demo");
  await page.goto("/nodes");
  await page.getByLabel("Status", { exact: true }).selectOption("DRAINING");
  await expect(page).toHaveURL(/status=DRAINING/);

  await page.getByRole("button", { name: "Save view…" }).click();
  const dialog = page.getByRole("dialog", { name: "Save this view" });
  // No name: the server's field error is shown on the name field.
  await dialog.getByRole("button", { name: "Save view" }).click();
  const nameField = dialog.getByLabel("Name");
  await expect(nameField).toHaveAttribute("aria-invalid", "true");
  await expect(nameField).toHaveAccessibleDescription(/name/i);
  await nameField.fill(name);
  await dialog.getByRole("button", { name: "Save view" }).click();
  await expect(dialog).toBeHidden();

  await page.goto("/sites");
  await page.goto("/nodes");
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("");
  await page.getByLabel("Saved views").selectOption({ label: name });
  await expect(page).toHaveURL(/\/nodes\?status=DRAINING/);
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("DRAINING");

  await page.getByRole("button", { name: "Manage views…" }).click();
  await page
    .getByRole("dialog", { name: "Saved views" })
    .getByRole("button", { name: `Delete saved view ${name}` })
    .click();
  await expect(page.getByLabel("Saved views").locator("option", { hasText: name })).toHaveCount(0);
});
