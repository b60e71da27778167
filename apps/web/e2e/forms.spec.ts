import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signInAs } from "./helpers";

/**
 * Issue 15: every form on the one form layer. Bad input gets, next to its field, a message in
 * words for people (from the message table, never the validator's own text), tied to the
 * control by aria-invalid and aria-describedby; the submit focuses the first bad field.
 */
async function expectFieldError(control: Locator, message: string | RegExp) {
  await expect(control).toHaveAttribute("aria-invalid", "true");
  const describedBy = await control.getAttribute("aria-describedby");
  expect(describedBy, "the control names its error text").toBeTruthy();
  const page = control.page();
  await expect(page.locator(`[id="${describedBy}"]`)).toHaveText(message);
}

/** No validator wording anywhere on the page: "Too big: expected number…" or a JSON array of issues. */
async function expectNoValidatorText(page: Page) {
  await expect(
    page.getByText(/Too (big|small): expected|Invalid input|"code":|expected \w+, received/),
  ).toHaveCount(0);
}

test("node: a missing site and 100 GPUs are refused next to their fields; the site has the focus", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/nodes/new");
  const form = page.getByRole("form", { name: "New node" });
  await form.getByLabel("Hostname").fill("e2e-node-001");
  await form.getByLabel("Fabric").fill("e2e-fabric");
  await form.getByLabel("GPUs").fill("100");
  await form.getByRole("button", { name: "Add node" }).click();
  await expectFieldError(form.getByLabel("Site"), "Choose a site");
  await expectFieldError(form.getByLabel("GPUs"), "At most 16 GPUs per node");
  await expect(form.getByLabel("Site")).toBeFocused();
  await expectNoValidatorText(page);
});

test("policy: a bad key and 9 approvals are refused in words; the key has the focus, no banner", async ({
  page,
}) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/policies");
  await page.getByRole("button", { name: "New rule" }).click();
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("Name").fill("E2E rule");
  await form.getByLabel("Key").fill("Not A Key");
  await form.getByLabel("Threshold (USD)").fill("1000");
  await form.getByLabel("Approvals needed").fill("9");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expectFieldError(form.getByLabel("Key"), "3-60 lowercase letters, digits and dashes");
  await expectFieldError(form.getByLabel("Approvals needed"), "At most 5 approvals");
  await expect(form.getByLabel("Key")).toBeFocused();
  await expect(page.getByTestId("form-error")).toHaveCount(0);
  await expectNoValidatorText(page);
});

test("quotas: a limit below the guaranteed GPUs is refused on that cell, which has the focus", async ({
  page,
}) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/teams");
  await page.getByRole("link", { name: "Vision at the Edge" }).click();
  await page.getByRole("button", { name: "Edit quotas" }).click();
  const form = page.getByRole("form", { name: "Edit quotas" });
  await form.getByLabel("Limit of L4 GPUs").fill("2");
  await form.getByRole("button", { name: "Save quotas" }).click();
  await expectFieldError(
    form.getByLabel("Limit of L4 GPUs"),
    "The limit cannot be below the guaranteed GPUs",
  );
  await expect(form.getByLabel("Limit of L4 GPUs")).toBeFocused();
});

test("webhook: a short name, a bad URL and no events are refused in words; the name has the focus", async ({
  page,
}) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/webhooks");
  await page.getByRole("button", { name: "New webhook" }).click();
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill("x");
  await form.getByLabel("Payload URL").fill("not a url");
  await form.getByLabel("Only these events:").check();
  await form.getByRole("button", { name: "Create webhook" }).click();
  await expectFieldError(form.getByLabel("Name"), "At least 2 characters");
  await expect(form.getByLabel("Payload URL")).toHaveAttribute("aria-invalid", "true");
  await expectFieldError(
    form.getByRole("group", { name: "Events" }),
    "Choose at least one event, or all events",
  );
  await expect(form.getByLabel("Name")).toBeFocused();
  await expectNoValidatorText(page);
});

test("budget: a fraction of a cent is refused in words on the budget, which has the focus", async ({
  page,
}) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/teams/team-applied-ml");
  await page.getByRole("button", { name: "Set budget" }).click();
  const form = page.getByRole("form", { name: "Monthly budget" });
  await form.getByLabel("Monthly budget (USD)").fill("10.005");
  await form.getByRole("button", { name: "Save budget" }).click();
  await expectFieldError(form.getByLabel("Monthly budget (USD)"), "At most 2 decimal places (cents)");
  await expect(form.getByLabel("Monthly budget (USD)")).toBeFocused();
  await expectNoValidatorText(page);
});

test("replica: adding without a site says to choose one, on the site field, which has the focus", async ({
  page,
}) => {
  await signInAs(page, "steward@switchyard.demo");
  await page.goto("/datasets/dataset-claims-2025");
  const form = page.getByRole("form", { name: "Add a replica" });
  await expect(form.getByLabel("Site")).toBeEnabled();
  await form.getByRole("button", { name: "Add replica" }).click();
  await expectFieldError(form.getByLabel("Site"), "Choose a site");
  await expect(form.getByLabel("Site")).toBeFocused();
});

test("token: no name and no scope are refused next to their fields; the name has the focus", async ({
  page,
}) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/settings/tokens");
  await page.getByRole("button", { name: "New token" }).click();
  const form = page.getByRole("form", { name: "New API token" });
  await form.getByRole("checkbox", { name: /^read/ }).uncheck();
  await form.getByRole("button", { name: "Create token" }).click();
  await expectFieldError(form.getByLabel("Name"), "At least 2 characters");
  await expectFieldError(form.getByRole("group", { name: "Scopes" }), "Choose at least one scope");
  await expect(form.getByLabel("Name")).toBeFocused();
});

test("service account: a one-letter name is refused next to it, with the focus", async ({ page }) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/tokens");
  await page.getByRole("button", { name: "New service account" }).click();
  const form = page.getByRole("form", { name: "New service account" });
  await form.getByLabel("Name").fill("a");
  await form.getByRole("button", { name: "Create service account" }).click();
  await expectFieldError(form.getByLabel("Name"), "At least 2 characters");
  await expect(form.getByLabel("Name")).toBeFocused();
});

test("people: a bad email and no name are refused in words; the email has the focus", async ({ page }) => {
  await signInAs(page, "admin@switchyard.demo");
  await page.goto("/settings/people");
  await page.getByRole("button", { name: "Add person" }).click();
  const form = page.getByRole("form", { name: "Add a person" });
  await form.getByLabel("Email").fill("not-an-email");
  await form.getByRole("button", { name: "Add person" }).click();
  await expectFieldError(form.getByLabel("Email"), "Enter an email address such as ada@example.com");
  await expectFieldError(form.getByLabel("Name"), "Enter a name");
  await expect(form.getByLabel("Email")).toBeFocused();
});

test("site: latitude 999 is refused in words on that field, scrolled to and focused", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/sites/new");
  const form = page.getByRole("form", { name: "New site" });
  await form.getByLabel("Name").fill("E2E Porto DC");
  await form.getByLabel("Slug").fill("dc-e2e-porto");
  await form.getByLabel("Provider").fill("onprem");
  await form.getByLabel("Region").fill("eu-south");
  await form.getByLabel("Country").fill("PT");
  await form.getByLabel("Jurisdiction").fill("EU");
  await form.getByLabel("Latitude").fill("999");
  await form.getByLabel("Longitude").fill("-8.6");
  await form.getByRole("button", { name: "Create site" }).click();
  await expectFieldError(form.getByLabel("Latitude"), "Latitude is between −90 and 90");
  await expect(form.getByLabel("Latitude")).toBeFocused();
  await expect(form.getByLabel("Latitude")).toBeInViewport();
  await expectNoValidatorText(page);
});

test("executor: an ftp:// slurmrestd URL is refused on that field, which has the focus", async ({ page }) => {
  await signInAs(page, "platform@switchyard.demo");
  await page.goto("/sites/site-dc-frankfurt");
  await page.getByRole("button", { name: "Change executor" }).click();
  const form = page.getByRole("form", { name: "Executor" });
  await form.getByLabel("Executor kind").selectOption("SLURM");
  await form.getByLabel("slurmrestd URL").fill("ftp://nowhere");
  await form.getByLabel("Slurm user").fill("root");
  await form.getByLabel("Partition per GPU model").fill("H200=gpu");
  await form.getByRole("button", { name: "Save executor" }).click();
  await expectFieldError(
    form.getByLabel("slurmrestd URL"),
    "An http:// or https:// URL of slurmrestd, without user or password in it",
  );
  await expect(form.getByLabel("slurmrestd URL")).toBeFocused();
});

test("dataset: a negative size is refused in words on that field, which has the focus", async ({ page }) => {
  await signInAs(page, "steward@switchyard.demo");
  await page.goto("/datasets/new");
  const form = page.getByRole("form", { name: "Register a dataset" });
  await form.getByLabel("Slug").fill("e2e-dataset");
  await form.getByLabel("Name").fill("E2E dataset");
  await form.getByLabel("Size (GB)").fill("-5");
  await form.getByRole("button", { name: "Register dataset" }).click();
  await expect(form.getByLabel("Size (GB)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Size (GB)")).toBeFocused();
  await expectNoValidatorText(page);
});

test("workload: an empty GPU count, a past deadline and no name are refused next to their fields, the name focused, and the preview shows no old answer; a taken name gets the server's answer on the name", async ({
  page,
}) => {
  await signInAs(page, "engineer@switchyard.demo");
  await page.goto("/workloads/new");
  const form = page.getByRole("form", { name: "Submit a workload" });
  const preview = page.getByTestId("placement-preview");
  const name = form.getByLabel("Name", { exact: true });
  const gpus = form.getByLabel("GPUs", { exact: true });
  const deadline = form.getByLabel("Deadline");
  // The team is chosen once the form's options arrive, and the preview follows.
  await expect(form.getByLabel("Team", { exact: true })).not.toHaveValue("");
  await expect(preview.getByTestId("preview-summary")).toBeVisible();

  await gpus.fill("");
  await deadline.fill("2020-01-01T09:00");
  await expect(preview).toContainText("To see where this would run, fix:");
  await expect(preview).toContainText("GPUs: Enter a whole number of GPUs");
  await expect(preview).toContainText("Deadline: The deadline is in the past");
  await expect(preview.getByTestId("preview-summary")).toHaveCount(0);

  await form.getByRole("button", { name: "Submit and place" }).click();
  await expectFieldError(name, "At least 2 characters");
  await expectFieldError(gpus, "Enter a whole number of GPUs");
  await expectFieldError(deadline, "The deadline is in the past: choose a later date and time");
  await expect(name).toBeFocused();
  await expect(page.getByTestId("form-error")).toHaveCount(0);
  await expectNoValidatorText(page);

  // A fractional count is refused on the count, which then has the focus.
  const taken = `taken-${Date.now().toString(36)}`;
  await name.fill(taken);
  await deadline.fill("");
  await gpus.fill("1.5");
  await form.getByRole("button", { name: "Submit and place" }).click();
  await expectFieldError(gpus, "Enter a whole number of GPUs");
  await expect(gpus).toBeFocused();
  await expect(preview.getByTestId("preview-summary")).toHaveCount(0);

  await gpus.fill("1");
  await expect(preview.getByTestId("preview-summary")).toBeVisible();
  await form.getByRole("button", { name: "Submit and place" }).click();
  await expect(page.getByRole("heading", { name: taken })).toBeVisible();

  // The same name again, while the first is active: the server's 409, next to the name.
  await page.goto("/workloads/new");
  await expect(form.getByLabel("Team", { exact: true })).not.toHaveValue("");
  await name.fill(taken);
  await form.getByRole("button", { name: "Submit and place" }).click();
  await expectFieldError(name, new RegExp(`already has an active workload named ${taken}`));
  await expect(name).toBeFocused();
  await expect(page.getByTestId("form-error")).toHaveCount(0);
});
